package dev.imagine.bot.job;

import dev.imagine.bot.command.JobParameters;
import java.time.Duration;

/**
 * Learns how long work takes on this machine: seconds per work unit (one 512x512 image-step), as an exponentially
 * weighted mean of recent jobs, so ETAs follow the real speed of the CPU instead of a guess.
 */
public final class CostModel {
    private static final double WEIGHT_OF_NEWEST = 0.3;

    private double secondsPerUnit;

    /** @param initialSecondsPerUnit the guess before the first job finishes */
    public CostModel(double initialSecondsPerUnit) {
        if (!(initialSecondsPerUnit > 0)) {
            throw new IllegalArgumentException("seconds per unit must be positive, got " + initialSecondsPerUnit);
        }
        this.secondsPerUnit = initialSecondsPerUnit;
    }

    public synchronized void record(JobParameters parameters, Duration took) {
        double units = WorkUnits.of(parameters);
        if (units <= 0) {
            return;
        }
        double observed = took.toNanos() / 1e9 / units;
        secondsPerUnit = WEIGHT_OF_NEWEST * observed + (1 - WEIGHT_OF_NEWEST) * secondsPerUnit;
    }

    public synchronized Duration estimate(double workUnits) {
        return Duration.ofMillis(Math.round(workUnits * secondsPerUnit * 1000));
    }

    public synchronized double secondsPerUnit() {
        return secondsPerUnit;
    }
}
