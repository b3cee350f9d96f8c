package dev.imagine.pipeline;

import java.util.Locale;

/**
 * How the text of a prompt is read.
 *
 * <ul>
 *   <li>{@link #A1111}, the default: AUTOMATIC1111's web UI syntax. {@code (text)} weighs text 1.1 times more,
 *       {@code [text]} 1.1 times less, {@code (text:1.3)} sets the factor, brackets nest and multiply,
 *       {@code \(} {@code \)} {@code \[} {@code \]} {@code \\} are literal characters, brackets left open are closed
 *       at the end, and {@code BREAK} starts a new chunk. A prompt longer than the text encoder's 75 tokens is read
 *       in chunks of 75, each encoded on its own (so nothing is cut). A prompt of at most 75 tokens without any of
 *       this syntax is read exactly as {@link #PLAIN} reads it.</li>
 *   <li>{@link #PLAIN}: the text as it is, cut after 75 tokens, exactly as diffusers reads it; use it to check a seed
 *       against diffusers.</li>
 * </ul>
 */
public enum PromptSyntax {
    A1111, PLAIN;

    /** The syntax a request gets when it does not say. */
    public static final PromptSyntax DEFAULT = A1111;

    /** "a1111" or "plain", as written on the command line, in config.yaml and in the PNG parameters. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a label ({@code a1111}, {@code plain}; case and surrounding spaces do not matter).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static PromptSyntax parse(String text) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (PromptSyntax syntax : values()) {
            if (syntax.label().equals(value)) {
                return syntax;
            }
        }
        throw new IllegalArgumentException("prompt syntax '" + text + "' is not known: use a1111 (weights such as"
                + " (word:1.2), BREAK, long prompts in chunks) or plain (the text as written, cut after 75 tokens)");
    }
}
