package dev.imagine.bot.job;

/**
 * Where a job is as far as the message that follows it goes (a Discord reply, a Telegram status message, a web page's
 * bubble). News from two threads (the adapter's own answer and the worker's) can arrive in either order, so a message
 * only ever moves forward: news of an earlier phase than the one shown is dropped.
 */
public enum JobPhase {
    /** Nothing shown yet. */
    NEW,
    /** Queued, or told something while it waits. */
    WAITING,
    /** Being drawn. */
    RUNNING,
    /** Finished, failed or cancelled: the message shows the end. */
    OVER;

    /** Whether news of {@code next} may replace what this phase shows (the same phase may update its text). */
    public boolean allows(JobPhase next) {
        return compareTo(next) <= 0;
    }

    /**
     * The phase after a notice (a restart, a delay), which changes nothing about the job: shown in any phase but the
     * last, and at least as waiting. Null when the notice comes too late to show.
     */
    public JobPhase afterNotice() {
        return this == OVER ? null : this == NEW ? WAITING : this;
    }
}
