package dev.imagine.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * What to draw. Image {@code i} of a request uses seed {@code seed + i}, so every image of a batch can be replayed
 * on its own (as in AUTOMATIC1111's web UI and diffusers with one generator per image).
 *
 * @param guidance  classifier-free guidance scale as diffusers defines it (the LCM embedding uses guidance - 1)
 * @param count     how many images, 1..4
 * @param decoder   which decoder turns the latents into pixels; {@link Decoder#FAST} needs a generator opened
 *                  with a fast decoder ({@link PipelineOptions#fastDecoder()})
 * @param promptSyntax how the prompt's text is read: {@link PromptSyntax#A1111} (weights, BREAK, long prompts in
 *                  chunks; the default) or {@link PromptSyntax#PLAIN} (as written, cut after 75 tokens, as diffusers)
 */
public record GenerationRequest(String prompt, long seed, int steps, float guidance, int width, int height,
                                int count, Decoder decoder, PromptSyntax promptSyntax) {
    public static final int MIN_SIZE = 256;
    public static final int MAX_SIZE = 1024;
    public static final int MIN_STEPS = 1;
    public static final int MAX_STEPS = 8;
    public static final float MIN_GUIDANCE = 1f;
    public static final float MAX_GUIDANCE = 20f;
    public static final int MAX_COUNT = 4;
    public static final int DEFAULT_STEPS = 4;
    public static final float DEFAULT_GUIDANCE = 8f;
    public static final int DEFAULT_SIZE = 512;

    /**
     * The decoder from latents to pixels. {@code FULL} is the model's own VAE decoder: the exact diffusers
     * picture. {@code FAST} is the tiny TAESD decoder (diffusers' {@code AutoencoderTiny}): about 17x cheaper,
     * slightly softer details and colours.
     */
    public enum Decoder { FULL, FAST }

    /** A request decoded with the full VAE, its prompt read in the default syntax (A1111). */
    public GenerationRequest(String prompt, long seed, int steps, float guidance, int width, int height, int count) {
        this(prompt, seed, steps, guidance, width, height, count, Decoder.FULL);
    }

    /** A request whose prompt is read in the default syntax (A1111). */
    public GenerationRequest(String prompt, long seed, int steps, float guidance, int width, int height, int count,
                             Decoder decoder) {
        this(prompt, seed, steps, guidance, width, height, count, decoder, PromptSyntax.DEFAULT);
    }

    /** Rejects bad input with one message that names every wrong value and what would be accepted. */
    public GenerationRequest {
        List<String> problems = new ArrayList<>();
        if (decoder == null) {
            problems.add("the decoder is missing: use FULL or FAST");
        }
        if (promptSyntax == null) {
            problems.add("the prompt syntax is missing: use A1111 or PLAIN");
        }
        if (prompt == null || prompt.isBlank()) {
            problems.add("the prompt is empty: describe the picture you want");
        }
        if (steps < MIN_STEPS || steps > MAX_STEPS) {
            problems.add("steps is " + steps + ": use " + MIN_STEPS + " to " + MAX_STEPS + " (4 is a good default)");
        }
        if (!(guidance >= MIN_GUIDANCE && guidance <= MAX_GUIDANCE)) {
            problems.add("guidance is " + guidance + ": use " + MIN_GUIDANCE + " to " + MAX_GUIDANCE);
        }
        checkSize("width", width, problems);
        checkSize("height", height, problems);
        if (count < 1 || count > MAX_COUNT) {
            problems.add("count is " + count + ": use 1 to " + MAX_COUNT);
        }
        if (!problems.isEmpty()) {
            throw new PipelineException(String.join("; ", problems));
        }
    }

    private static void checkSize(String name, int value, List<String> problems) {
        if (value < MIN_SIZE || value > MAX_SIZE || value % 8 != 0) {
            problems.add(name + " is " + value + ": use a multiple of 8 from " + MIN_SIZE + " to " + MAX_SIZE);
        }
    }

    /** The request with the defaults for everything but prompt and seed. */
    public static GenerationRequest of(String prompt, long seed) {
        return new GenerationRequest(prompt, seed, DEFAULT_STEPS, DEFAULT_GUIDANCE, DEFAULT_SIZE, DEFAULT_SIZE, 1);
    }

    /** The same request decoded with {@code choice}. */
    public GenerationRequest withDecoder(Decoder choice) {
        return new GenerationRequest(prompt, seed, steps, guidance, width, height, count, choice, promptSyntax);
    }

    /** The same request with its prompt read in {@code syntax}. */
    public GenerationRequest withPromptSyntax(PromptSyntax syntax) {
        return new GenerationRequest(prompt, seed, steps, guidance, width, height, count, decoder, syntax);
    }

    public long seedOf(int index) {
        return seed + index;
    }
}
