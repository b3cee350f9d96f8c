package dev.imagine.bot.job;

/**
 * A monotonic clock in nanoseconds, for how long a job ran and when it runs out of time: {@link System#nanoTime} in
 * production, a clock the test moves in tests.
 */
@FunctionalInterface
public interface Ticker {
    Ticker SYSTEM = System::nanoTime;

    long nanos();
}
