package dev.imagine.bot.command;

/**
 * Everything that decides the pixels of a job, after defaults were applied and limits checked. Image {@code i}
 * uses seed {@code seed + i}.
 *
 * @param promptSyntax how the prompt is read; a job stored before prompts had a syntax has none, and was drawn
 *                     with the prompt read as plain text, so it is read as {@link PromptSyntax#PLAIN} (a replay
 *                     draws the same picture)
 */
public record JobParameters(String prompt, long seed, int steps, ImageSize size, float guidance, int count,
                            Decoder decoder, PromptSyntax promptSyntax) {

    public JobParameters {
        if (promptSyntax == null) {
            promptSyntax = PromptSyntax.PLAIN;
        }
    }

    /** Parameters whose prompt is read in the default syntax (A1111). */
    public JobParameters(String prompt, long seed, int steps, ImageSize size, float guidance, int count,
                         Decoder decoder) {
        this(prompt, seed, steps, size, guidance, count, decoder, PromptSyntax.A1111);
    }

    public JobParameters withSeed(long newSeed) {
        return new JobParameters(prompt, newSeed, steps, size, guidance, count, decoder, promptSyntax);
    }

    /** Relative compute cost: the UNet's work grows with steps and pixels (used for ETAs and usage). */
    public double workUnits() {
        return (double) steps * count * size.pixels() / (512.0 * 512.0);
    }
}
