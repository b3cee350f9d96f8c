package dev.imagine.bot.job;

import java.util.Optional;

/** The one job on the worker, if any: read by cancels, queries and the shutdown while the worker runs it. */
final class WorkerSlot {
    private volatile RunningJob running;

    void occupy(RunningJob job) {
        running = job;
    }

    void vacate() {
        running = null;
    }

    Optional<RunningJob> current() {
        return Optional.ofNullable(running);
    }

    Optional<Job> job() {
        return current().map(RunningJob::job);
    }

    /** Asks the job on the worker, if it is {@code jobId}, to stop after its current step; says whether it was. */
    boolean requestStop(String jobId, StopReason reason) {
        RunningJob now = running;
        if (now == null || !now.job().id().equals(jobId)) {
            return false;
        }
        now.requestStop(reason);
        return true;
    }

    /** Asks whatever job is on the worker to stop after its current step. */
    void requestStop(StopReason reason) {
        RunningJob now = running;
        if (now != null) {
            now.requestStop(reason);
        }
    }
}
