package dev.imagine.bot.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What only the embedded queue does: its shutdown, an interrupted worker, and the words of its wait estimates. The
 * rules every queue shares (order, usage and aging, limits, estimates, cancellation, preemption, concurrent
 * producers) are in {@link JobQueueContract}, which {@link EmbeddedJobQueueContractTest} runs against this queue and
 * {@code RedisJobQueueContractTest} against the Redis one.
 */
class FairShareQueueTest {
    private static final Duration JOB = Duration.ofSeconds(40);

    private final FakeClock clock = new FakeClock();
    private final FairShareQueue<String> queue = new FairShareQueue<>(QueueSettings.DEFAULTS, clock);
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        queue.close();
        threads.shutdownNow();
    }

    @Test
    void shutdown_wakesABlockedTake_whichReturnsEmpty() throws Exception {
        Future<Optional<QueueEntry<String>>> taken = threads.submit(queue::take);
        awaitBlockedTakers(1);

        queue.shutdown();

        assertThat(taken.get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void shutdown_handsBackTheWaitingJobsInServiceOrder_andNothingIsTakenAfterIt() throws Exception {
        queue.charge("alice", Duration.ofSeconds(100));
        offer("a1", "alice");
        offer("b1", "bob");

        List<QueueEntry<String>> left = queue.shutdown();

        assertThat(left).extracting(QueueEntry::jobId).containsExactly("b1", "a1");
        assertThat(queue.take()).isEmpty();
        assertThat(queue.poll()).isEmpty();
        assertThat(queue.snapshot().size()).isZero();
        assertThat(queue.shutdown()).isEmpty();
    }

    @Test
    void take_isInterruptible() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Future<Object> taken = threads.submit(() -> {
            started.countDown();
            try {
                return queue.take();
            } catch (InterruptedException e) {
                return e;
            }
        });
        started.await();
        awaitBlockedTakers(1);

        taken.cancel(true);
        threads.shutdown();

        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(queue.blockedTakers()).isZero();
    }

    @Test
    void inAbout_roundsWaitsTheWayPeopleSayThem() {
        assertThat(FairShareQueue.inAbout(Duration.ZERO)).isEqualTo("in a few seconds");
        assertThat(FairShareQueue.inAbout(Duration.ofSeconds(44))).isEqualTo("in about 40 seconds");
        assertThat(FairShareQueue.inAbout(Duration.ofSeconds(89))).isEqualTo("in about 90 seconds");
        assertThat(FairShareQueue.inAbout(Duration.ofSeconds(150))).isEqualTo("in about 3 minutes");
        assertThat(FairShareQueue.inAbout(Duration.ofMinutes(120))).isEqualTo("in about 2 hours");
        assertThat(FairShareQueue.inAbout(Duration.ofMinutes(135))).isEqualTo("in about 2 hours 15 minutes");
    }

    private void offer(String jobId, String user) {
        queue.offer(jobId, user, jobId, JOB);
    }

    private void awaitBlockedTakers(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (queue.blockedTakers() != n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " blocked take(), found " + queue.blockedTakers());
            }
            Thread.onSpinWait();
        }
    }
}
