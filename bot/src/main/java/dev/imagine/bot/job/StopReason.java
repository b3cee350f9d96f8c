package dev.imagine.bot.job;

/** Why a running job stops after its current step. */
enum StopReason {
    /** Its owner cancelled it: it ends CANCELLED and costs nothing. */
    CANCELLED_BY_OWNER,
    /** It ran longer than the job timeout: it ends FAILED, with a message that says the limit. */
    TIMED_OUT,
    /** Imagine is stopping and the job did not finish within the grace: it is kept for the next start. */
    SHUTDOWN,
    /** Imagine is stopping and was asked a second time: the job is kept for the next start at once. */
    SHUTDOWN_NOW;

    /** Whether the job stays QUEUED in the store, to be drawn again from the start when Imagine is back. */
    boolean keepsJobForNextStart() {
        return this == SHUTDOWN || this == SHUTDOWN_NOW;
    }
}
