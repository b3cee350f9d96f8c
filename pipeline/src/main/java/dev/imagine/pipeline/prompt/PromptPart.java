package dev.imagine.pipeline.prompt;

/** One piece of a prompt read with AUTOMATIC1111's syntax: a run of text with its weight, or a BREAK. */
public sealed interface PromptPart {

    /** Text whose tokens all get {@code weight} (a product of bracket factors, kept in double as the web UI does). */
    record Text(String text, double weight) implements PromptPart {
    }

    /** {@code BREAK}: the next text starts a new chunk. */
    record Break() implements PromptPart {
    }

    PromptPart BREAK = new Break();
}
