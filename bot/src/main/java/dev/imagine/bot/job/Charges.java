package dev.imagine.bot.job;

import dev.imagine.bot.queue.JobQueue;
import java.time.Duration;

/**
 * A finished job is charged to its owner's fair share (kept in the store, so that a restart remembers it), and
 * teaches the cost model how long work takes on this machine.
 */
record Charges(JobQueue<Job> queue, JobStore store, CostModel costs) {

    /**
     * The share is charged the time the job held the worker, i.e. the whole machine (every core runs it); summing CPU
     * time over cores would make one job count twice on two cores and skew the aging credit.
     */
    void charge(Job done, Duration heldTheWorker) {
        String owner = done.fairShare();
        store.saveUsage(owner, queue.charge(owner, heldTheWorker));
        costs.record(done.parameters(), heldTheWorker);
    }
}
