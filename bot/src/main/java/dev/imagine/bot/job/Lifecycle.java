package dev.imagine.bot.job;

import dev.imagine.bot.queue.JobQueue;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Starting and stopping the engine: at start, what the last run left is resumed and the worker starts; at shutdown,
 * new pictures are refused, waiting ones keep their place for the next start, and the running one may finish within
 * the grace (or is stopped after its current step and kept).
 */
record Lifecycle(Resumption resumption, Worker worker, boolean workerEnabled, JobQueue<Job> queue, WorkerSlot slot,
                 Parking parking, AdmissionGate gate, Transitions transitions) {
    private static final Duration AFTER_THE_GRACE = Duration.ofSeconds(30);

    void start() {
        resumption.resume();
        if (workerEnabled) {
            worker.start();
        }
    }

    void shutdown(Duration grace) {
        gate.close();
        if (!grace.isPositive()) {
            // No grace at all: the running job is told before anything else.
            slot.requestStop(StopReason.SHUTDOWN);
        }
        for (var entry : queue.shutdown()) {
            transitions.notice(entry.job(), RestartNotices.KEEPS_ITS_PLACE);
        }
        try {
            if (!worker.awaitStop(grace)) {
                slot.requestStop(StopReason.SHUTDOWN);
                worker.awaitStop(AFTER_THE_GRACE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.close();
        // Parked jobs are QUEUED in the store like the other waiting ones: they start from scratch next time.
        parking.closeAll();
    }

    /** During a shutdown only: the running job stops after its current step and is kept for the next start. */
    void stopRunningJobNow() {
        if (!gate.isOpen()) {
            slot.requestStop(StopReason.SHUTDOWN_NOW);
        }
    }

    boolean admitting() {
        return gate.isOpen();
    }

    /** The worker thread is running; a process without a worker (its jobs drawn elsewhere) has nothing to be dead. */
    boolean workerAlive() {
        return !workerEnabled || worker.isAlive();
    }

    void jvmStoppingForTest(BooleanSupplier stopping) {
        gate.jvmStoppingForTest(stopping);
    }
}
