package dev.imagine.bot.queue;

import java.time.Duration;
import java.time.Instant;

/**
 * A user's recent usage in CPU-seconds as of one instant; it halves every half-life. Immutable. This is what the
 * fair-share ledger holds per user, and what is kept in the job store so that a restart remembers it.
 */
public record Usage(double cpuSeconds, Instant asOf) {
    static final Usage NONE = new Usage(0, Instant.EPOCH);

    public Usage {
        if (!(cpuSeconds >= 0) || Double.isInfinite(cpuSeconds)) {
            throw new IllegalArgumentException("usage must be a finite number of seconds >= 0, was " + cpuSeconds);
        }
        java.util.Objects.requireNonNull(asOf, "asOf");
    }

    /** The usage decayed to {@code t} (never grown: a clock that went back counts as no time passed). */
    double at(Instant t, Duration halfLife) {
        if (cpuSeconds == 0) {
            return 0;
        }
        double elapsed = Math.max(0, seconds(Duration.between(asOf, t)));
        return cpuSeconds * Math.pow(0.5, elapsed / seconds(halfLife));
    }

    /** This usage plus {@code cpuSeconds} charged at {@code t}. */
    Usage plus(double charged, Instant t, Duration halfLife) {
        return new Usage(at(t, halfLife) + charged, t);
    }

    public static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }
}
