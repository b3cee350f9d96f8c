package dev.imagine.bot.command;

/**
 * Everything that decides the pixels of a job, after defaults were applied and limits checked. Image {@code i}
 * uses seed {@code seed + i}.
 */
public record JobParameters(String prompt, long seed, int steps, ImageSize size, float guidance, int count,
                            Decoder decoder) {

    public JobParameters withSeed(long newSeed) {
        return new JobParameters(prompt, newSeed, steps, size, guidance, count, decoder);
    }

    /** Relative compute cost: the UNet's work grows with steps and pixels (used for ETAs and usage). */
    public double workUnits() {
        return (double) steps * count * size.pixels() / (512.0 * 512.0);
    }
}
