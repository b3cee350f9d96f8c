package dev.imagine.bot.command;

import java.util.Locale;

/**
 * How a prompt's text is read: {@code a1111} (AUTOMATIC1111's syntax: {@code (word:1.2)}, {@code [word]},
 * {@code BREAK}, long prompts in chunks; the default) or {@code plain} (the text as written, cut after 75 tokens,
 * as diffusers reads it). The pipeline's {@code dev.imagine.pipeline.PromptSyntax} has the rules.
 */
public enum PromptSyntax {
    A1111, PLAIN;

    public static PromptSyntax parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "a1111", "automatic1111", "webui" -> A1111;
            case "plain", "diffusers" -> PLAIN;
            default -> throw new IllegalArgumentException("prompt syntax '" + text + "' is not known: use a1111"
                    + " (weights such as (word:1.2), BREAK, long prompts in chunks) or plain (the text as written,"
                    + " cut after 75 tokens, as diffusers reads it)");
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
