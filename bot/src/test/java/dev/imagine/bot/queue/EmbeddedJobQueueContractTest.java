package dev.imagine.bot.queue;

import java.util.concurrent.TimeUnit;

/** The {@link JobQueueContract} against the embedded {@link FairShareQueue}. */
class EmbeddedJobQueueContractTest extends JobQueueContract {

    @Override
    protected JobQueue<String> newQueue(QueueSettings settings) {
        return new FairShareQueue<>(settings, this::now);
    }

    @Override
    protected void awaitBlockedTake(JobQueue<String> q) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (((FairShareQueue<String>) q).blockedTakers() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no thread blocked in take()");
            }
            Thread.sleep(1);
        }
    }
}
