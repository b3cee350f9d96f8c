package dev.imagine.bot.queue;

/**
 * When the running job should give the worker up at a step boundary (see {@link FairShareQueue#shouldYield}).
 *
 * @param margin         how much better, in CPU-seconds of priority, the waiting user must be than the running job's
 *                       user; see {@link #DEFAULT_MARGIN}
 * @param maxPerJob      the most times one job may be parked; 0 turns preemption off
 */
public record Preemption(double margin, int maxPerJob) {

    /**
     * Three typical jobs (3 x 40 CPU-seconds). Someone who keeps the machine busy carries thousands of CPU-seconds of
     * usage (about {@code share x halfLife / ln 2}: 3,400 for two thirds of the machine and a one-hour half-life),
     * an occasional user a few dozen to a couple of hundred, so the heavy user's job yields to any of them at once;
     * two occasional users differ by a job or two and never preempt each other.
     */
    public static final double DEFAULT_MARGIN = 120;

    /** Preempting with the default margin, each job at most once. */
    public static final Preemption DEFAULTS = new Preemption(DEFAULT_MARGIN, 1);

    /** No job is ever asked to yield: the queue behaves as a non-preemptive one. */
    public static final Preemption OFF = new Preemption(DEFAULT_MARGIN, 0);

    public Preemption {
        if (!(margin >= 0) || Double.isInfinite(margin)) {
            throw new IllegalArgumentException("margin must be a finite number >= 0, was " + margin);
        }
        if (maxPerJob < 0) {
            throw new IllegalArgumentException("maxPerJob must not be negative, was " + maxPerJob);
        }
    }

    public boolean enabled() {
        return maxPerJob > 0;
    }
}
