package dev.imagine.bot.testing;

/** Prompts as people paste them from Civitai: weighted, and longer than the 75 tokens CLIP reads at once. */
public final class LongPrompts {
    /**
     * Weights in A1111's syntax, and well over 75 tokens (134 for the fixture model's tokenizer read as plain, the
     * brackets and weights as text; fewer as a1111): two chunks in a1111, cut after 75 tokens in plain.
     */
    public static final String WEIGHTED = "(masterpiece:1.2), a (red:1.3) fox in the snow at dusk, soft light,"
            + " [blurry], pine trees, mountains far away, a small cabin with smoke rising from the chimney, stars in a"
            + " deep blue sky, frozen lake, footprints in fresh snow, warm lantern glow, painted in the style of an old"
            + " storybook illustration, detailed fur";

    /** What a reply says about {@link #WEIGHTED} read as a1111: every token, in two chunks. */
    public static final String READ_IN_CHUNKS = "Long prompt: the model read all \\d+ tokens, in 2 chunks\\.";

    /** What a reply says about {@link #WEIGHTED} read as plain: cut, with the start of what was dropped. */
    public static final String CUT = "Prompt cut: the model read 75 of its \\d+ tokens, dropping “[^”]+”\\. The a1111"
            + " prompt syntax reads it all\\.";

    private LongPrompts() {
    }
}
