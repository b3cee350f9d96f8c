package dev.imagine.bot.job;

import java.time.Duration;

/**
 * What a job has used: how long it held the worker and the processor time of the process meanwhile, summed over
 * its runs when it was parked in between.
 */
record Spent(long wallNanos, long cpuNanos) {
    static final Spent NOTHING = new Spent(0, 0);

    Spent plus(Spent more) {
        return new Spent(wallNanos + more.wallNanos, cpuNanos + more.cpuNanos);
    }

    Duration wall() {
        return Duration.ofNanos(wallNanos);
    }

    double cpuSeconds() {
        return cpuNanos / 1e9;
    }
}
