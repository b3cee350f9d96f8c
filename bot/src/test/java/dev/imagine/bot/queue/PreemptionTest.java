package dev.imagine.bot.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.queue.Admission.Accepted;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded queue's own side of preemption: a requeue after shutdown or twice, and the settings. When a running
 * job should yield and where it goes back are rules of every queue, in {@link JobQueueContract}.
 */
class PreemptionTest {
    private static final Duration JOB = Duration.ofSeconds(40);

    private final FakeClock clock = new FakeClock();
    private final FairShareQueue<String> queue = new FairShareQueue<>(
            QueueSettings.DEFAULTS.withPerUserLimit(2).withTotalLimit(10), clock);

    @AfterEach
    void close() {
        queue.close();
    }

    private QueueEntry<String> offer(String id, String user) {
        Admission<String> admission = queue.offer(id, user, id, JOB);
        assertThat(admission).isInstanceOf(Accepted.class);
        return ((Accepted<String>) admission).entry();
    }

    private QueueEntry<String> take() throws InterruptedException {
        return queue.take().orElseThrow();
    }

    /** A heavy user with an hour of the machine behind them, running a job; usage charged as the worker would. */
    private QueueEntry<String> heavyRunning() throws InterruptedException {
        queue.charge("heavy", Duration.ofMinutes(60));
        offer("h1", "heavy");
        offer("h2", "heavy");
        QueueEntry<String> running = take();
        clock.advanceSeconds(10);
        return running;
    }

    @Test
    void requeue_afterShutdown_keepsNothing_andTwiceIsRefused() throws Exception {
        QueueEntry<String> running = heavyRunning();
        assertThat(queue.requeue(running)).isPresent();
        assertThatThrownBy(() -> queue.requeue(running)).isInstanceOf(IllegalArgumentException.class);

        queue.shutdown();

        assertThat(queue.requeue(take0(running))).isEmpty();
    }

    private static QueueEntry<String> take0(QueueEntry<String> e) {
        return new QueueEntry<>(e.jobId() + "-again", e.user(), e.job(), e.estimatedCost(), e.submittedAt(),
                e.sequence());
    }

    @Test
    void settings_refuseANegativeMarginOrCount() {
        assertThatThrownBy(() -> new Preemption(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Preemption(1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(QueueSettings.DEFAULTS.preemption()).isEqualTo(Preemption.DEFAULTS);
    }
}
