package dev.imagine.bot.job;

import dev.imagine.bot.command.Defaults;
import dev.imagine.bot.command.Limits;
import java.time.Duration;

/**
 * How the job service behaves.
 *
 * @param modelId               the model's identity for cache keys (repository or folder) ...
 * @param modelRevision         ... and its revision, so a new model version never serves old pictures
 * @param jobTimeout            a job still running after this long is given up (checked between steps)
 * @param initialSecondsPerUnit the ETA guess for one 512x512 image-step before any job was measured
 * @param fastDecoderAvailable  whether the tiny TAESD decoder is installed (decoder: fast); FAST jobs are also refused
 *                              when the generator has none ({@code ImageGenerator.hasFastDecoder()})
 */
public record JobSettings(Limits limits, Defaults defaults, String modelId, String modelRevision,
                          Duration jobTimeout, double initialSecondsPerUnit, boolean fastDecoderAvailable) {
    public JobSettings {
        if (jobTimeout.isNegative() || jobTimeout.isZero()) {
            throw new IllegalArgumentException("the job timeout must be positive, got " + jobTimeout);
        }
    }

    public static JobSettings defaults(String modelId, String modelRevision) {
        return new JobSettings(Limits.DEFAULTS, Defaults.STANDARD, modelId, modelRevision, Duration.ofMinutes(10),
                10.0, false);
    }
}
