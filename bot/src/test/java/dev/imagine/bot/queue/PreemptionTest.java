package dev.imagine.bot.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.queue.Admission.Accepted;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The queue's side of preemption at step boundaries: when a running job should yield, and where it goes back. */
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
    void heavyUsersRunningJob_yieldsToALightUsersNewJob() throws Exception {
        QueueEntry<String> running = heavyRunning();
        assertThat(queue.shouldYield(running.jobId())).as("only the heavy user waits").isFalse();

        offer("l1", "light");

        assertThat(queue.shouldYield(running.jobId())).isTrue();
        assertThat(queue.shouldYield("h2")).as("asked for a job that is not running").isFalse();
    }

    @Test
    void requeuedJob_goesBackAtTheHeadOfItsUsersLine_keepingSubmitTimeAndSequence() throws Exception {
        QueueEntry<String> running = heavyRunning();
        offer("l1", "light");

        QueueEntry<String> parked = queue.requeue(running).orElseThrow();

        assertThat(parked.submittedAt()).isEqualTo(running.submittedAt());
        assertThat(parked.sequence()).isEqualTo(running.sequence());
        assertThat(parked.preemptions()).isEqualTo(1);
        assertThat(queue.snapshot().jobs()).extracting(q -> q.entry().jobId()).containsExactly("l1", "h1", "h2");
        assertThat(take().jobId()).isEqualTo("l1");
        queue.charge("light", JOB);
        assertThat(take().jobId()).as("the parked job resumes before the heavy user's next one").isEqualTo("h1");
    }

    @Test
    void requeue_ignoresThePerUserAndTotalLimits() throws Exception {
        FairShareQueue<String> tight = new FairShareQueue<>(QueueSettings.DEFAULTS.withPerUserLimit(1)
                .withTotalLimit(1), clock);
        tight.charge("heavy", Duration.ofMinutes(60));
        tight.offer("h1", "heavy", "h1", JOB);
        QueueEntry<String> running = tight.take().orElseThrow();
        tight.offer("h2", "heavy", "h2", JOB);

        assertThat(tight.requeue(running)).isPresent();

        assertThat(tight.snapshot().jobs()).extracting(q -> q.entry().jobId()).containsExactly("h1", "h2");
        assertThat(tight.offer("h3", "heavy", "h3", JOB)).as("the limits still hold for new jobs")
                .isInstanceOf(Admission.Refused.class);
        tight.close();
    }

    @Test
    void aJobIsParkedAtMostOnce_byDefault() throws Exception {
        QueueEntry<String> running = heavyRunning();
        offer("l1", "light");
        queue.requeue(running);
        take();
        queue.charge("light", JOB);
        QueueEntry<String> resumed = take();
        assertThat(resumed.jobId()).isEqualTo("h1");

        offer("l2", "other-light");

        assertThat(queue.shouldYield(resumed.jobId())).isFalse();
    }

    @Test
    void twoLightUsers_doNotPreemptEachOther() throws Exception {
        queue.charge("light-a", JOB);
        queue.charge("light-b", JOB.multipliedBy(2));
        offer("a1", "light-a");
        QueueEntry<String> a = take();
        clock.advanceSeconds(5);
        offer("b1", "light-b");
        offer("c1", "newcomer");

        assertThat(queue.shouldYield(a.jobId())).as("a newcomer is only one job better than light-a").isFalse();
        QueueEntry<String> next = take(); // a finished
        queue.charge("light-a", JOB);
        clock.advanceSeconds(5);
        assertThat(queue.shouldYield(next.jobId())).isFalse();
    }

    @Test
    void aParkedJob_neverPreemptsTheJobThatRuns() throws Exception {
        // Margin 0 and five preemptions a job: the parked job's better priority would otherwise win at once.
        FairShareQueue<String> eager = new FairShareQueue<>(QueueSettings.DEFAULTS
                .withPreemption(new Preemption(0, 5)), clock);
        eager.charge("y", Duration.ofMinutes(60));
        eager.offer("x1", "x", "x1", JOB);
        QueueEntry<String> x = eager.take().orElseThrow();
        eager.charge("x", Duration.ofMinutes(120));
        eager.offer("y1", "y", "y1", JOB);
        assertThat(eager.shouldYield("y1")).as("not running").isFalse();
        QueueEntry<String> xAgain = x; // x1 is still on the worker; x now has the worse usage
        eager.requeue(xAgain);
        QueueEntry<String> y = eager.take().orElseThrow();
        // Long enough for x1's aging credit to give it by far the better priority (about -4,000 against 500).
        clock.advanceSeconds(10_000);
        double parkedPriority = eager.usage("x")
                - 0.5 * Duration.between(x.submittedAt(), clock.instant()).toSeconds();
        assertThat(parkedPriority).isLessThan(eager.usage("y") - 4_000);

        assertThat(eager.shouldYield(y.jobId())).as("only the parked x1 waits, with the better priority").isFalse();
        eager.close();
    }

    @Test
    void preemptionOff_neverYields() throws Exception {
        FairShareQueue<String> plain = new FairShareQueue<>(QueueSettings.DEFAULTS.withPreemption(Preemption.OFF),
                clock);
        plain.charge("heavy", Duration.ofMinutes(60));
        plain.offer("h1", "heavy", "h1", JOB);
        QueueEntry<String> running = plain.take().orElseThrow();
        plain.offer("l1", "light", "l1", JOB);

        assertThat(plain.shouldYield(running.jobId())).isFalse();
        plain.close();
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
