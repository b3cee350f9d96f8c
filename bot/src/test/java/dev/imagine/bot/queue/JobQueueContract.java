package dev.imagine.bot.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagine.bot.queue.Admission.Accepted;
import dev.imagine.bot.queue.Admission.Reason;
import dev.imagine.bot.queue.Admission.Refused;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link JobQueue}, whichever its home: the scenarios of FairShareQueueTest and PreemptionTest that
 * do not look inside the embedded queue, run by {@link EmbeddedJobQueueContractTest} against {@link FairShareQueue}
 * and by {@code RedisJobQueueContractTest} against the Redis queue on a real redis-server. The worker's cycle is
 * {@code poll()} (or {@code take()}), then {@code charge(user, cpu)} when the job completed; a job handed out and
 * never charged ends uncharged (as a failed one) at the next poll. Time is one fake clock that both homes read.
 */
public abstract class JobQueueContract {
    static final Duration JOB = Duration.ofSeconds(40);

    final FakeClock clock = new FakeClock();
    final List<JobQueue<String>> opened = new ArrayList<>();
    JobQueue<String> queue;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    /** A new, empty queue of its own that reads the time from {@link #now()}. */
    protected abstract JobQueue<String> newQueue(QueueSettings settings);

    /** Returns once a thread is blocked in {@code q.take()}. */
    protected abstract void awaitBlockedTake(JobQueue<String> q) throws InterruptedException;

    /** How many offers each of 8 producers makes in the concurrency test. */
    protected int offersPerProducer() {
        return 250;
    }

    /** How many random rounds the snapshot's prediction is checked on. */
    protected int rounds() {
        return 200;
    }

    /** The fake time every queue of the test reads. */
    protected final Instant now() {
        return clock.instant();
    }

    JobQueue<String> queue(QueueSettings settings) {
        JobQueue<String> q = newQueue(settings);
        opened.add(q);
        return q;
    }

    @BeforeEach
    void openQueue() {
        queue = queue(QueueSettings.DEFAULTS);
    }

    @AfterEach
    void stopThreads() {
        opened.forEach(JobQueue::close);
        threads.shutdownNow();
    }

    // ---- ordering ------------------------------------------------------------------------------------------------

    @Test
    void take_prefersUserWithLeastRecentUsage() {
        queue.charge("discord:alice", Duration.ofSeconds(100));
        queue.charge("telegram:bob", Duration.ofSeconds(10));
        offer("a1", "discord:alice");
        offer("b1", "telegram:bob");

        assertThat(pollId()).isEqualTo("b1");
        assertThat(pollId()).isEqualTo("a1");
    }

    @Test
    void take_servesOneUsersJobsFirstInFirstOut() {
        queue.charge("alice", Duration.ofSeconds(1));
        offer("a1", "alice");
        clock.advanceSeconds(1);
        offer("a2", "alice");
        offer("a3", "alice");
        offer("b1", "bob");

        assertThat(List.of(pollId(), pollId(), pollId(), pollId())).containsExactly("b1", "a1", "a2", "a3");
    }

    @Test
    void take_breaksTiesByOlderSubmitTime_thenByOrderOfAcceptance() {
        JobQueue<String> noAging = queue(QueueSettings.DEFAULTS.withAgingRate(0));
        noAging.offer("c1", "carol", "c1", JOB);
        clock.advanceSeconds(1);
        noAging.offer("d1", "dave", "d1", JOB);
        noAging.offer("b1", "bob", "b1", JOB);

        assertThat(List.of(pollId(noAging), pollId(noAging), pollId(noAging))).containsExactly("c1", "d1", "b1");
    }

    @Test
    void restoreUsage_fromAnEarlierRun_ordersUsersAsBeforeTheRestart() {
        queue.charge("alice", Duration.ofSeconds(300));
        Usage alice = queue.charge("alice", Duration.ofSeconds(100));
        clock.advanceSeconds(60);
        JobQueue<String> restarted = queue(QueueSettings.DEFAULTS);

        Set<String> restored = restarted.restoreUsage(Map.of("alice", alice));
        restarted.offer("a1", "alice", "a1", JOB);
        restarted.offer("b1", "bob", "b1", JOB);

        assertThat(restored).containsExactly("alice");
        assertThat(restarted.usage("alice")).isCloseTo(queue.usage("alice"), within(1e-9));
        assertThat(List.of(pollId(restarted), pollId(restarted))).containsExactly("b1", "a1");
    }

    @Test
    void restoreUsage_decaysFromWhenItWasCharged_forgetsWhatDecayedToNothing_andAddsToThisRunsUsage() {
        Usage alice = queue.charge("alice", Duration.ofSeconds(100));
        Usage carol = queue.charge("carol", Duration.ofMillis(1));
        clock.advance(QueueSettings.DEFAULTS.usageHalfLife());
        JobQueue<String> restarted = queue(QueueSettings.DEFAULTS);
        restarted.charge("alice", Duration.ofSeconds(10));

        Set<String> restored = restarted.restoreUsage(Map.of("alice", alice, "carol", carol));

        assertThat(restored).containsExactly("alice");
        assertThat(restarted.usage("alice")).isCloseTo(60, within(1e-6));
        assertThat(restarted.usage("carol")).isZero();
    }

    @Test
    void usage_halvesEveryHalfLife() {
        queue.charge("alice", Duration.ofSeconds(100));
        assertThat(queue.usage("alice")).isEqualTo(100.0);

        clock.advance(Duration.ofHours(1));
        assertThat(queue.usage("alice")).isCloseTo(50.0, within(1e-9));

        clock.advance(Duration.ofHours(1));
        assertThat(queue.usage("alice")).isCloseTo(25.0, within(1e-9));
        assertThat(queue.usage("nobody")).isZero();
    }

    @Test
    void usage_addsUpCharges_eachDecayingFromWhenItWasCharged() {
        queue.charge("alice", Duration.ofSeconds(100));
        clock.advance(Duration.ofHours(1));
        queue.charge("alice", Duration.ofSeconds(40));
        clock.advance(Duration.ofHours(1));

        assertThat(queue.usage("alice")).isCloseTo(25.0 + 20.0, within(1e-9));
    }

    @Test
    void take_prefersHeavierUser_onceTheirUsageHasDecayedBelowTheOthers() {
        queue.charge("alice", Duration.ofSeconds(100));
        clock.advance(Duration.ofHours(2)); // alice: 25 CPU-seconds
        queue.charge("bob", Duration.ofSeconds(40));
        offer("b1", "bob");
        offer("a1", "alice");

        assertThat(pollId()).isEqualTo("a1");
    }

    @Test
    void take_letsALongWaitOutweighUsage_atTwoSecondsOfWaitingPerCpuSecond() {
        IntFunction<String> firstServedAfterAliceWaited = seconds -> {
            JobQueue<String> q = queue(QueueSettings.DEFAULTS);
            q.charge("alice", Duration.ofSeconds(100));
            q.offer("a1", "alice", "a1", JOB);
            clock.advanceSeconds(seconds);
            q.offer("b1", "bob", "b1", JOB);
            return q.poll().orElseThrow().user();
        };

        assertThat(firstServedAfterAliceWaited.apply(150)).isEqualTo("bob");   // 100 decayed to 97 > 75 credit
        assertThat(firstServedAfterAliceWaited.apply(200)).isEqualTo("alice"); // 100 decayed to 96 < 100 credit
    }

    @Test
    void take_servesHeavyUserEventually_evenWhenLightUsersKeepArriving() {
        Duration heavyFirstServedAfter = newcomersKeepTheMachineBusy(QueueSettings.DEFAULTS, Duration.ofHours(6));

        assertThat(heavyFirstServedAfter).isBetween(Duration.ofMinutes(60), Duration.ofMinutes(80));
    }

    @Test
    void take_withoutAging_wouldLetAStreamOfNewcomersStarveTheHeavyUser() {
        Duration heavyFirstServedAfter =
                newcomersKeepTheMachineBusy(QueueSettings.DEFAULTS.withAgingRate(0), Duration.ofHours(6));

        assertThat(heavyFirstServedAfter).isNull();
    }

    private Duration newcomersKeepTheMachineBusy(QueueSettings settings, Duration horizon) {
        JobQueue<String> q = queue(settings);
        for (int i = 0; i < 8 * 3600 / 40; i++) {
            q.charge("heavy", JOB);
            clock.advance(JOB);
        }
        var start = clock.instant();
        q.offer("h1", "heavy", "h1", JOB);
        q.offer("h2", "heavy", "h2", JOB);
        q.offer("h3", "heavy", "h3", JOB);
        for (int n = 0; Duration.between(start, clock.instant()).compareTo(horizon) < 0; n++) {
            q.offer("n" + n, "newcomer:" + n, "n" + n, JOB);
            QueueEntry<String> next = q.poll().orElseThrow();
            if (next.user().equals("heavy")) {
                return Duration.between(start, clock.instant());
            }
            clock.advance(JOB);
            q.charge(next.user(), JOB);
        }
        return null;
    }

    @Test
    void charge_isTheOnlyWayUsageGrows_soFailedAndCancelledJobsCostNothing() {
        offer("a1", "alice");
        queue.cancel("a1");
        offer("a2", "alice");
        assertThat(pollId()).isEqualTo("a2"); // ... and it fails: the worker charges nothing
        clock.advance(JOB);

        queue.charge("bob", Duration.ofSeconds(1));
        offer("b3", "bob");
        offer("a3", "alice");

        assertThat(queue.usage("alice")).isZero();
        assertThat(pollId()).isEqualTo("a3");
    }

    // ---- admission -----------------------------------------------------------------------------------------------

    @Test
    void offer_refusesFourthWaitingJobOfOneUser_sayingWhy() {
        offer("b1", "bob");
        queue.poll(); // bob's job runs: 40 s estimated
        clock.advanceSeconds(10);
        offer("c1", "carol");
        queue.charge("alice", Duration.ofSeconds(100));
        assertThat(offer("a1", "alice").accepted()).isTrue();
        assertThat(offer("a2", "alice").accepted()).isTrue();
        assertThat(offer("a3", "alice").accepted()).isTrue();

        Admission<String> fourth = offer("a4", "alice");

        assertThat(fourth).isInstanceOfSatisfying(Refused.class, refused -> {
            assertThat(refused.reason()).isEqualTo(Reason.USER_LIMIT);
            assertThat(refused.limit()).isEqualTo(3);
            assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(70));
            assertThat(refused.message()).isEqualTo("You already have 3 jobs waiting, the most one person may have."
                    + " Try again in about 70 seconds, when the first of them starts.");
        });
        assertThat(queue.snapshot().jobsOf("alice")).hasSize(3);
    }

    @Test
    void offer_refusesWhenTotalLimitIsReached_sayingWhy() {
        JobQueue<String> small = queue(QueueSettings.DEFAULTS.withTotalLimit(5));
        small.offer("r", "runner", "r", JOB);
        small.poll();
        clock.advanceSeconds(15);
        for (int i = 1; i <= 5; i++) {
            assertThat(small.offer("j" + i, "user" + i, "j" + i, JOB).accepted()).isTrue();
        }

        Admission<String> sixth = small.offer("j6", "user6", "j6", JOB);

        assertThat(sixth).isInstanceOfSatisfying(Refused.class, refused -> {
            assertThat(refused.reason()).isEqualTo(Reason.TOTAL_LIMIT);
            assertThat(refused.limit()).isEqualTo(5);
            assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(25));
            assertThat(refused.message()).isEqualTo("The queue is full (5 jobs waiting). Try again in about 30 seconds.");
        });
    }

    @Test
    void offer_acceptsAgain_onceAWaitingJobOfTheUserHasStarted() {
        offer("a1", "alice");
        offer("a2", "alice");
        offer("a3", "alice");
        assertThat(offer("a4", "alice").accepted()).isFalse();

        assertThat(pollId()).isEqualTo("a1");

        assertThat(offer("a4", "alice").accepted()).isTrue();
    }

    @Test
    void offer_refusesEverything_afterShutdown_sayingSo() {
        queue.shutdown();

        Admission<String> late = offer("a1", "alice");

        assertThat(late).isInstanceOfSatisfying(Refused.class, refused -> {
            assertThat(refused.reason()).isEqualTo(Reason.SHUT_DOWN);
            assertThat(refused.message()).isEqualTo("The bot is shutting down and is not taking new jobs.");
        });
        assertThat(queue.isShutDown()).isTrue();
    }

    @Test
    void offer_rejectsAJobIdThatIsAlreadyWaiting_blankIds_andNegativeCosts() {
        offer("a1", "alice");

        assertThatThrownBy(() -> offer("a1", "bob"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a1");
        assertThatThrownBy(() -> offer(" ", "bob")).hasMessageContaining("jobId");
        assertThatThrownBy(() -> offer("b1", "")).hasMessageContaining("user");
        assertThatThrownBy(() -> queue.offer("b1", "bob", "b1", Duration.ofSeconds(-1)))
                .hasMessageContaining("estimatedCost");
        assertThatThrownBy(() -> queue.charge("bob", Duration.ofSeconds(-1))).hasMessageContaining("cpuTime");
    }

    // ---- positions and snapshot ----------------------------------------------------------------------------------

    @Test
    void offer_givesEachJobItsPositionInFairShareOrder() {
        queue.charge("alice", Duration.ofSeconds(200));
        queue.charge("carol", Duration.ofSeconds(50));
        Accepted<String> a1 = accepted(offer("a1", "alice"));
        Accepted<String> a2 = accepted(offer("a2", "alice"));
        Accepted<String> b1 = accepted(offer("b1", "bob"));
        Accepted<String> c1 = accepted(offer("c1", "carol"));

        assertThat(List.of(a1.position(), a2.position(), b1.position(), c1.position())).containsExactly(1, 2, 1, 2);
        assertThat(c1.estimatedWait()).isEqualTo(JOB);
        assertThat(positions(queue.snapshot())).containsExactly("b1", "c1", "a1", "a2");
    }

    @Test
    void offer_estimatesTheWait_fromTheJobsAhead_andWhatRemainsOfTheRunningJob() {
        queue.offer("r", "runner", "r", Duration.ofSeconds(60));
        queue.poll();
        clock.advanceSeconds(20);
        queue.offer("x", "xavier", "x", Duration.ofSeconds(30));

        Accepted<String> y = accepted(queue.offer("y", "yvonne", "y", Duration.ofSeconds(45)));

        assertThat(y.position()).isEqualTo(2);
        assertThat(y.estimatedWait()).isEqualTo(Duration.ofSeconds(40 + 30));
    }

    @Test
    void snapshot_interleavesUsersOfEqualUsage_asTheirProjectedUsageGrows() {
        offer("a1", "alice");
        offer("a2", "alice");
        offer("a3", "alice");
        offer("b1", "bob");
        offer("b2", "bob");

        QueueSnapshot<String> snapshot = queue.snapshot();

        assertThat(positions(snapshot)).containsExactly("a1", "b1", "a2", "b2", "a3");
        assertThat(snapshot.jobs()).extracting(QueuedJob::estimatedWait)
                .containsExactly(Duration.ZERO, JOB, JOB.multipliedBy(2), JOB.multipliedBy(3), JOB.multipliedBy(4));
    }

    @Test
    void snapshot_groupsWaitingJobsPerUser_withTheirPositions_andTheTotal() {
        queue.charge("alice", Duration.ofSeconds(500));
        offer("a1", "alice");
        offer("a2", "alice");
        offer("b1", "bob");

        QueueSnapshot<String> snapshot = queue.snapshot();

        assertThat(snapshot.size()).isEqualTo(3);
        assertThat(snapshot.at()).isEqualTo(clock.instant());
        Map<String, List<QueuedJob<String>>> byUser = snapshot.byUser();
        assertThat(byUser.keySet()).containsExactly("bob", "alice");
        assertThat(byUser.get("alice")).extracting(QueuedJob::position).containsExactly(2, 3);
        assertThat(snapshot.jobsOf("bob")).extracting(j -> j.entry().jobId()).containsExactly("b1");
        assertThat(snapshot.jobsOf("carol")).isEmpty();
    }

    @Test
    void snapshot_predictsTheServiceOrder_whenJobsCostWhatWasEstimatedAndNobodyArrives() {
        Random random = new Random(42);
        for (int round = 0; round < rounds(); round++) {
            JobQueue<String> q = queue(QueueSettings.DEFAULTS);
            int users = 1 + random.nextInt(6);
            for (int u = 0; u < users; u++) {
                if (random.nextBoolean()) {
                    q.charge("u" + u, Duration.ofSeconds(random.nextInt(600)));
                }
                clock.advanceSeconds(random.nextInt(900));
            }
            int jobs = 1 + random.nextInt(15);
            for (int j = 0; j < jobs; j++) {
                q.offer("j" + j, "u" + random.nextInt(users), "j" + j, Duration.ofSeconds(5 + random.nextInt(90)));
                clock.advanceSeconds(random.nextInt(60));
            }
            var start = clock.instant();
            List<QueuedJob<String>> predicted = q.snapshot().jobs();

            List<String> served = new ArrayList<>();
            List<Duration> waits = new ArrayList<>();
            for (Optional<QueueEntry<String>> next = q.poll(); next.isPresent(); next = q.poll()) {
                served.add(next.get().jobId());
                waits.add(Duration.between(start, clock.instant()));
                clock.advance(next.get().estimatedCost());
                q.charge(next.get().user(), next.get().estimatedCost());
            }

            assertThat(served).as("round %d", round)
                    .containsExactlyElementsOf(predicted.stream().map(p -> p.entry().jobId()).toList());
            assertThat(waits).as("round %d", round)
                    .containsExactlyElementsOf(predicted.stream().map(QueuedJob::estimatedWait).toList());
            q.close();
        }
    }

    // ---- cancellation --------------------------------------------------------------------------------------------

    @Test
    void cancel_removesTheWaitingJob_andReturnsItForTheOwnershipCheck() {
        offer("a1", "alice");
        offer("b1", "bob");

        Optional<QueueEntry<String>> cancelled = queue.cancel("a1");

        assertThat(cancelled).get().extracting(QueueEntry::user).isEqualTo("alice");
        assertThat(positions(queue.snapshot())).containsExactly("b1");
        assertThat(pollId()).isEqualTo("b1");
        assertThat(queue.poll()).isEmpty();
    }

    @Test
    void cancel_ofAnUnknownStartedOrCancelledJob_returnsEmpty() {
        offer("a1", "alice");
        offer("a2", "alice");
        queue.poll();
        queue.cancel("a2");

        assertThat(queue.cancel("nope")).isEmpty();
        assertThat(queue.cancel("a1")).isEmpty();
        assertThat(queue.cancel("a2")).isEmpty();
    }

    @Test
    void cancel_freesAPlaceUnderTheUserLimit() {
        offer("a1", "alice");
        offer("a2", "alice");
        offer("a3", "alice");

        queue.cancel("a2");

        assertThat(offer("a4", "alice").accepted()).isTrue();
        assertThat(positions(queue.snapshot())).containsExactly("a1", "a3", "a4");
    }

    // ---- worker, blocking and shutdown ---------------------------------------------------------------------------

    @Test
    void poll_returnsEmpty_whenNothingWaits() {
        assertThat(queue.poll()).isEmpty();
    }

    @Test
    void take_blocksUntilAJobIsOffered() throws Exception {
        Future<Optional<QueueEntry<String>>> taken = threads.submit(queue::take);
        awaitBlockedTake(queue);
        assertThat(taken).isNotDone();

        offer("a1", "alice");

        assertThat(taken.get(10, TimeUnit.SECONDS)).get().extracting(QueueEntry::jobId).isEqualTo("a1");
    }

    @Test
    void concurrentProducers_loseNothing_duplicateNothing_andRespectTheLimits() throws Exception {
        int producers = 8;
        int offersEach = offersPerProducer();
        ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> taken = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicBoolean producing = new AtomicBoolean(true);

        Future<?> worker = threads.submit(() -> {
            for (Optional<QueueEntry<String>> next = queue.take(); next.isPresent(); next = queue.take()) {
                taken.add(next.get().jobId());
                queue.charge(next.get().user(), Duration.ofMillis(next.get().jobId().hashCode() & 0xfff));
            }
            return null;
        });
        Future<?> monitor = threads.submit(() -> {
            while (producing.get()) {
                QueueSnapshot<String> s = queue.snapshot();
                if (s.size() > 50) {
                    violations.add("total " + s.size());
                }
                s.byUser().forEach((user, jobs) -> {
                    if (jobs.size() > 3) {
                        violations.add(user + " has " + jobs.size());
                    }
                });
            }
        });
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> offering = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            offering.add(threads.submit(() -> {
                Random random = new Random(producer);
                go.await();
                for (int i = 0; i < offersEach; i++) {
                    String id = "p" + producer + "-" + i;
                    Admission<String> admission = queue.offer(id, "user" + random.nextInt(24), id, JOB);
                    if (admission instanceof Accepted<String> a) {
                        accepted.add(id);
                        if (a.position() < 1 || a.position() > 50) {
                            violations.add(id + " at position " + a.position());
                        }
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : offering) {
            f.get(120, TimeUnit.SECONDS);
        }
        producing.set(false);
        monitor.get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (queue.snapshot().size() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        awaitBlockedTake(queue);
        queue.shutdown();
        worker.get(60, TimeUnit.SECONDS);

        assertThat(violations).isEmpty();
        assertThat(accepted).isNotEmpty();
        assertThat(taken).doesNotHaveDuplicates();
        Set<String> acceptedIds = new HashSet<>(accepted);
        assertThat(acceptedIds).hasSameSizeAs(accepted);
        assertThat(new HashSet<>(taken)).isEqualTo(acceptedIds);
    }

    // ---- preemption (PreemptionTest) -----------------------------------------------------------------------------

    /** A heavy user with an hour of the machine behind them, running a job. */
    private QueueEntry<String> heavyRunning(JobQueue<String> q) {
        q.charge("heavy", Duration.ofMinutes(60));
        q.offer("h1", "heavy", "h1", JOB);
        q.offer("h2", "heavy", "h2", JOB);
        QueueEntry<String> running = q.poll().orElseThrow();
        clock.advanceSeconds(10);
        return running;
    }

    private JobQueue<String> preemptive() {
        return queue(QueueSettings.DEFAULTS.withPerUserLimit(2).withTotalLimit(10));
    }

    @Test
    void preemption_heavyUsersRunningJob_yieldsToALightUsersNewJob() {
        JobQueue<String> q = preemptive();
        QueueEntry<String> running = heavyRunning(q);
        assertThat(q.shouldYield(running.jobId())).as("only the heavy user waits").isFalse();

        q.offer("l1", "light", "l1", JOB);

        assertThat(q.shouldYield(running.jobId())).isTrue();
        assertThat(q.shouldYield("h2")).as("asked for a job that is not running").isFalse();
    }

    @Test
    void preemption_requeuedJob_goesBackAtTheHeadOfItsUsersLine_keepingSubmitTimeAndSequence() {
        JobQueue<String> q = preemptive();
        QueueEntry<String> running = heavyRunning(q);
        q.offer("l1", "light", "l1", JOB);

        QueueEntry<String> parked = q.requeue(running).orElseThrow();

        assertThat(parked.submittedAt()).isEqualTo(running.submittedAt());
        assertThat(parked.sequence()).isEqualTo(running.sequence());
        assertThat(parked.preemptions()).isEqualTo(1);
        assertThat(positions(q.snapshot())).containsExactly("l1", "h1", "h2");
        QueueEntry<String> light = q.poll().orElseThrow();
        assertThat(light.jobId()).isEqualTo("l1");
        q.charge(light.user(), JOB);
        assertThat(pollId(q)).as("the parked job resumes before the heavy user's next one").isEqualTo("h1");
    }

    @Test
    void preemption_requeue_ignoresThePerUserAndTotalLimits() {
        JobQueue<String> tight = queue(QueueSettings.DEFAULTS.withPerUserLimit(1).withTotalLimit(1));
        tight.charge("heavy", Duration.ofMinutes(60));
        tight.offer("h1", "heavy", "h1", JOB);
        QueueEntry<String> running = tight.poll().orElseThrow();
        tight.offer("h2", "heavy", "h2", JOB);

        assertThat(tight.requeue(running)).isPresent();

        assertThat(positions(tight.snapshot())).containsExactly("h1", "h2");
        assertThat(tight.offer("h3", "heavy", "h3", JOB)).as("the limits still hold for new jobs")
                .isInstanceOf(Admission.Refused.class);
    }

    @Test
    void preemption_aJobIsParkedAtMostOnce_byDefault() {
        JobQueue<String> q = preemptive();
        QueueEntry<String> running = heavyRunning(q);
        q.offer("l1", "light", "l1", JOB);
        q.requeue(running);
        QueueEntry<String> light = q.poll().orElseThrow();
        q.charge(light.user(), JOB);
        QueueEntry<String> resumed = q.poll().orElseThrow();
        assertThat(resumed.jobId()).isEqualTo("h1");

        q.offer("l2", "other-light", "l2", JOB);

        assertThat(q.shouldYield(resumed.jobId())).isFalse();
    }

    @Test
    void preemption_twoLightUsers_doNotPreemptEachOther() {
        JobQueue<String> q = preemptive();
        q.charge("light-a", JOB);
        q.charge("light-b", JOB.multipliedBy(2));
        q.offer("a1", "light-a", "a1", JOB);
        QueueEntry<String> a = q.poll().orElseThrow();
        clock.advanceSeconds(5);
        q.offer("b1", "light-b", "b1", JOB);
        q.offer("c1", "newcomer", "c1", JOB);

        assertThat(q.shouldYield(a.jobId())).as("a newcomer is only one job better than light-a").isFalse();
        QueueEntry<String> next = q.poll().orElseThrow(); // a finished
        q.charge("light-a", JOB);
        clock.advanceSeconds(5);
        assertThat(q.shouldYield(next.jobId())).isFalse();
    }

    @Test
    void preemption_aParkedJob_neverPreemptsTheJobThatRuns() {
        JobQueue<String> eager = queue(QueueSettings.DEFAULTS.withPreemption(new Preemption(0, 5)));
        eager.charge("y", Duration.ofMinutes(60));
        // Charged before x1 runs: charging the owner of the running job would mean that it completed.
        eager.charge("x", Duration.ofMinutes(120));
        eager.offer("x1", "x", "x1", JOB);
        QueueEntry<String> x = eager.poll().orElseThrow();
        eager.offer("y1", "y", "y1", JOB);
        assertThat(eager.shouldYield("y1")).as("not running").isFalse();
        eager.requeue(x);
        QueueEntry<String> y = eager.poll().orElseThrow();
        clock.advanceSeconds(10_000);
        double parkedPriority = eager.usage("x")
                - 0.5 * Duration.between(x.submittedAt(), clock.instant()).toSeconds();
        assertThat(parkedPriority).isLessThan(eager.usage("y") - 4_000);

        assertThat(eager.shouldYield(y.jobId())).as("only the parked x1 waits, with the better priority").isFalse();
    }

    @Test
    void preemption_off_neverYields() {
        JobQueue<String> plain = queue(QueueSettings.DEFAULTS.withPreemption(Preemption.OFF));
        plain.charge("heavy", Duration.ofMinutes(60));
        plain.offer("h1", "heavy", "h1", JOB);
        QueueEntry<String> running = plain.poll().orElseThrow();
        plain.offer("l1", "light", "l1", JOB);

        assertThat(plain.shouldYield(running.jobId())).isFalse();
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    Admission<String> offer(String jobId, String user) {
        return queue.offer(jobId, user, jobId, JOB);
    }

    String pollId() {
        return pollId(queue);
    }

    static String pollId(JobQueue<String> q) {
        return q.poll().orElseThrow().jobId();
    }

    @SuppressWarnings("unchecked")
    static Accepted<String> accepted(Admission<String> admission) {
        assertThat(admission).isInstanceOf(Accepted.class);
        return (Accepted<String>) admission;
    }

    static List<String> positions(QueueSnapshot<String> snapshot) {
        return snapshot.jobs().stream().map(j -> j.entry().jobId()).toList();
    }
}
