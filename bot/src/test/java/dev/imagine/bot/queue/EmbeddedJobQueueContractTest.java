package dev.imagine.bot.queue;

import java.util.concurrent.TimeUnit;

/** The {@link JobQueueContract} against the embedded {@link FairShareQueue}. */
class EmbeddedJobQueueContractTest extends JobQueueContract {

    @Override
    protected JobQueue<String> newQueue(QueueSettings settings) {
        return new FairShareQueue<>(settings, this::now);
    }

    @Override
    protected int offersPerProducer() {
        return 2_000; // the embedded queue takes a few milliseconds for all of them; Redis needs fewer
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
