package dev.imagine.bot.command;

/**
 * Everything that decides the pixels of a job, after defaults were applied and limits checked. Image {@code i}
 * uses seed {@code seed + i}. {@code size} is the size of the picture made (an upscale's is twice its source's).
 *
 * @param source       what the job starts from besides the prompt (image to image, an upscale); null for text to
 *                     image
 * @param promptSyntax how the prompt is read; a job stored before prompts had a syntax has none, and was drawn
 *                     with the prompt read as plain text, so it is read as {@link PromptSyntax#PLAIN} (a replay
 *                     draws the same picture)
 * @param precision    the UNet that denoises it; null for the configured one ({@code model.precision}): a job stored
 *                     before jobs had a precision was drawn with that, so a replay draws the same picture
 */
public record JobParameters(String prompt, long seed, int steps, ImageSize size, float guidance, int count,
                            Decoder decoder, PromptSyntax promptSyntax, JobSource source, Precision precision) {

    public JobParameters {
        if (promptSyntax == null) {
            promptSyntax = PromptSyntax.PLAIN;
        }
    }

    /** Parameters drawn with the configured precision. */
    public JobParameters(String prompt, long seed, int steps, ImageSize size, float guidance, int count,
                         Decoder decoder, PromptSyntax promptSyntax, JobSource source) {
        this(prompt, seed, steps, size, guidance, count, decoder, promptSyntax, source, null);
    }

    /** Text to image parameters. */
    public JobParameters(String prompt, long seed, int steps, ImageSize size, float guidance, int count,
                         Decoder decoder, PromptSyntax promptSyntax) {
        this(prompt, seed, steps, size, guidance, count, decoder, promptSyntax, null);
    }

    /** Parameters whose prompt is read in the default syntax (A1111). */
    public JobParameters(String prompt, long seed, int steps, ImageSize size, float guidance, int count,
                         Decoder decoder) {
        this(prompt, seed, steps, size, guidance, count, decoder, PromptSyntax.A1111);
    }

    public JobParameters withSeed(long newSeed) {
        return new JobParameters(prompt, newSeed, steps, size, guidance, count, decoder, promptSyntax, source,
                precision);
    }

    /** These parameters starting from {@code newSource} (null: text to image). */
    public JobParameters withSource(JobSource newSource) {
        return new JobParameters(prompt, seed, steps, size, guidance, count, decoder, promptSyntax, newSource,
                precision);
    }

    /** These parameters denoised by the UNet of {@code unet} (null: the configured one). */
    public JobParameters withPrecision(Precision unet) {
        return new JobParameters(prompt, seed, steps, size, guidance, count, decoder, promptSyntax, source, unet);
    }

    /**
     * Relative compute cost of text to image in 512x512 UNet steps: the steps times the pictures, by their size. The
     * job engine weighs the work of a job with a {@link #source} itself (it knows the upscaler's tiles).
     */
    public double workUnits() {
        return (double) steps * count * size.pixels() / (512.0 * 512.0);
    }
}
