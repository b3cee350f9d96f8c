package dev.imagine.bot.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a worker holds a job without proving it is alive, and how long it may hold it at all.
 *
 * <p>The lease is short and renewed: {@link #lease()} (30 s), renewed every {@link #renewEvery()} (a third of it,
 * so two renewals may fail, a GC pause or a slow Redis, before the job is lost) by a timer of the worker that does
 * not depend on how long a step takes. A worker that died (kill -9, a lost machine, a partition) gives its job back
 * within one lease, whatever the job's size; a shorter lease would cost more renewals for nothing (a job is drawn
 * in tens of seconds), a longer one would make people wait longer after a crash.
 *
 * <p>A worker that is alive but stuck (a native call that never returns) keeps renewing, so a lease can be renewed
 * only until a deadline after the start: {@code max(floor, slack + 4 x the job's estimate)}, AI Horde's rule (at
 * least 150 s) with room for a worker four times slower than the cost model thinks. The floor is never below the
 * engine's own job timeout plus one lease: the engine gives up a job at its timeout by itself (between steps), so a
 * deadline before it would take a job away from a healthy slow worker; the estimate comes from the process that
 * offered the job, whose machine may be much faster than the worker's. A job whose lease ran out
 * {@code maxExpiries} times (2, as AI Horde) is given up with a message instead of bringing down worker after worker.
 */
public record LeaseTerms(Duration lease, Duration floor, Duration slack, double estimateFactor, int maxExpiries) {

    public LeaseTerms {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(floor, "floor");
        Objects.requireNonNull(slack, "slack");
        if (!lease.isPositive()) {
            throw new IllegalArgumentException("lease must be positive, was " + lease);
        }
        if (!(estimateFactor >= 1)) {
            throw new IllegalArgumentException("estimateFactor must be at least 1, was " + estimateFactor);
        }
        if (maxExpiries < 1) {
            throw new IllegalArgumentException("maxExpiries must be at least 1, was " + maxExpiries);
        }
    }

    /** The terms for an engine whose job timeout is {@code jobTimeout}. */
    public static LeaseTerms forJobTimeout(Duration jobTimeout) {
        Duration lease = Duration.ofSeconds(30);
        Duration horde = Duration.ofSeconds(150);
        Duration floor = jobTimeout.plus(lease).compareTo(horde) > 0 ? jobTimeout.plus(lease) : horde;
        return new LeaseTerms(lease, floor, Duration.ofSeconds(30), 4, 2);
    }

    public Duration renewEvery() {
        return lease.dividedBy(3);
    }

    /** The deadline after the start past which the lease is not renewed. */
    public Duration maxRun(Duration estimate) {
        Duration scaled = slack.plus(Duration.ofMillis(Math.round(estimate.toMillis() * estimateFactor)));
        return scaled.compareTo(floor) > 0 ? scaled : floor;
    }
}
