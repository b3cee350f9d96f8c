package dev.imagine.bot.cli;

import dev.imagine.pipeline.PromptSyntax;
import picocli.CommandLine;

/** {@code --prompt-syntax a1111|plain}: a wrong value is refused with the two accepted ones. */
final class PromptSyntaxConverter implements CommandLine.ITypeConverter<PromptSyntax> {
    static final String DESCRIPTION = "How the prompt is read: a1111 (AUTOMATIC1111's syntax: (word) and (word:1.3)"
            + " weigh words more, [word] less, \\( \\) are plain brackets, BREAK starts a new chunk, and a prompt"
            + " longer than 75 tokens is read whole in chunks) or plain (the text as written, cut after 75 tokens,"
            + " exactly as diffusers reads it: use it to check a seed against diffusers). Default: ${DEFAULT-VALUE}.";

    @Override
    public PromptSyntax convert(String value) {
        try {
            return PromptSyntax.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
