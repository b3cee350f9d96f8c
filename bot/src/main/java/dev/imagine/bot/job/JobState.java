package dev.imagine.bot.job;

/** Where a job is in its life. QUEUED and RUNNING jobs are resumed after a restart. */
public enum JobState {
    QUEUED, RUNNING, DONE, FAILED, CANCELLED, DELETED;

    public boolean isFinal() {
        return this == DONE || this == FAILED || this == CANCELLED || this == DELETED;
    }
}
