package dev.imagine.bot.job;

import java.util.Optional;

/** The job on the worker: when it runs out of time, and whether someone asked it to stop. */
final class RunningJob {
    private final Job job;
    private final long deadlineNanos;
    private volatile StopReason requested;

    /** @param deadlineNanos the {@link Ticker} reading after which the job has run out of time */
    RunningJob(Job job, long deadlineNanos) {
        this.job = job;
        this.deadlineNanos = deadlineNanos;
    }

    Job job() {
        return job;
    }

    /** Asks the job to stop after its current step; a later request replaces an earlier one. */
    void requestStop(StopReason reason) {
        requested = reason;
    }

    /** Why someone asked it to stop, if anyone did. */
    Optional<StopReason> requested() {
        return Optional.ofNullable(requested);
    }

    /** Why it must stop at {@code nowNanos}: a request, else {@link StopReason#TIMED_OUT} past its deadline. */
    Optional<StopReason> stopReason(long nowNanos) {
        StopReason reason = requested;
        if (reason != null) {
            return Optional.of(reason);
        }
        return nowNanos - deadlineNanos > 0 ? Optional.of(StopReason.TIMED_OUT) : Optional.empty();
    }

    /** What is left of its time at {@code nowNanos}, never negative. */
    long remainingNanos(long nowNanos) {
        return Math.max(0, deadlineNanos - nowNanos);
    }
}
