package dev.imagine.bot.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.queue.LeaseLostException;
import dev.imagine.bot.queue.QueueEntry;
import dev.imagine.bot.queue.QueueSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Leases and fencing tokens between workers of different processes, each a {@link RedisBackend} of its own (its
 * own queue, store and holdings) over one real redis-server, on a fake clock that the scripts read instead of the
 * server's: a worker that stops renewing (killed, frozen, cut off) loses its job after the lease, another takes it
 * under a newer token, and the late one can change nothing any more.
 */
class RedisLeaseTest {
    private static final Duration JOB = Duration.ofSeconds(40);
    /** The production terms for the default job timeout of 10 minutes: 30 s leases, a 630 s deadline. */
    private static final LeaseTerms TERMS = LeaseTerms.forJobTimeout(Duration.ofMinutes(10));
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static RedisServer server;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T09:00:00Z"));
    private final List<RedisBackend> backends = new CopyOnWriteArrayList<>();
    private String prefix;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @BeforeEach
    void newPrefix() {
        prefix = "{l" + PREFIXES.incrementAndGet() + "}:";
    }

    @org.junit.jupiter.api.AfterEach
    void closeBackends() {
        backends.forEach(RedisBackend::close);
    }

    private RedisBackend worker(String name) {
        return worker(name, QueueSettings.DEFAULTS);
    }

    private RedisBackend worker(String name, QueueSettings settings) {
        RedisBackend backend = RedisBackend.open(server.url(), prefix, settings, TERMS, name,
                () -> Micros.of(now.get()));
        backends.add(backend);
        return backend;
    }

    private void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    private Job offer(RedisBackend via, String id, String user) {
        Job job = Job.queued(id, new User("discord", user, user), null, null,
                new JobParameters("a fox", 42, 4, new ImageSize(512, 512), 8f, 1, Decoder.FULL), now.get(), "o", null);
        via.store().save(job);
        assertThat(via.queue().offer(id, job.owner().key(), job, JOB).accepted()).isTrue();
        return job;
    }

    @Test
    void aWorkerThatStopsRenewing_losesItsJobAfterTheLease_andAnotherTakesItUnderANewerToken() {
        RedisBackend a = worker("a");
        RedisBackend b = worker("b");
        offer(a, "aaaaaaaaaa", "1");
        QueueEntry<Job> first = a.queue().poll().orElseThrow();
        long tokenOfA = a.queue().holdings().tokenOf(first.jobId()).orElseThrow();

        advance(Duration.ofSeconds(29));
        assertThat(b.queue().poll()).as("the lease still holds").isEmpty();
        advance(Duration.ofSeconds(2));
        QueueEntry<Job> again = b.queue().poll().orElseThrow();

        assertThat(again.jobId()).isEqualTo("aaaaaaaaaa");
        assertThat(again.sequence()).as("back at its own place").isEqualTo(first.sequence());
        assertThat(b.queue().holdings().tokenOf(again.jobId()).orElseThrow()).isGreaterThan(tokenOfA);
    }

    @Test
    void aWorkerThatRenews_keepsItsJob() {
        RedisBackend a = worker("a");
        RedisBackend b = worker("b");
        offer(a, "aaaaaaaaaa", "1");
        a.queue().poll().orElseThrow();

        for (int i = 0; i < 12; i++) {
            advance(TERMS.renewEvery());
            a.queue().renewHeldLeases();
            assertThat(b.queue().poll()).as("after %s s", (i + 1) * 10).isEmpty();
        }
        assertThat(a.queue().shouldYield("aaaaaaaaaa")).isFalse();
    }

    @Test
    void theLateWorker_cannotWriteTheJob_chargeItsOwner_orGoOnDrawingIt() {
        RedisBackend a = worker("a");
        RedisBackend b = worker("b");
        Job job = offer(a, "aaaaaaaaaa", "1");
        a.queue().poll().orElseThrow();
        a.store().save(job.running(now.get()));
        advance(Duration.ofSeconds(31));
        b.queue().poll().orElseThrow();
        Job drawnByB = job.running(now.get());
        b.store().save(drawnByB);

        assertThatThrownBy(() -> a.store().save(job.running(now.get()).done(now.get(), List.of("late"), false, 9)))
                .isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> a.queue().shouldYield("aaaaaaaaaa")).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> a.queue().charge("discord:1", JOB)).isInstanceOf(LeaseLostException.class);

        assertThat(b.store().find("aaaaaaaaaa")).contains(drawnByB);
        assertThat(b.queue().usage("discord:1")).as("nobody charged for the late worker's picture").isZero();
        Job done = drawnByB.done(now.get(), List.of("k"), false, 12);
        b.store().save(done);
        b.queue().charge("discord:1", Duration.ofSeconds(12));
        assertThat(a.store().find("aaaaaaaaaa")).contains(done);
        assertThat(a.queue().usage("discord:1")).isEqualTo(12.0);
    }

    @Test
    void aLeaseIsRenewedOnlyUntilTheDeadline_soAStuckWorkerLosesItsJobToo() {
        RedisBackend a = worker("a");
        RedisBackend b = worker("b");
        offer(a, "aaaaaaaaaa", "1");
        a.queue().poll().orElseThrow();
        Duration deadline = TERMS.maxRun(JOB);
        assertThat(deadline).isEqualTo(Duration.ofSeconds(630));

        Duration run = Duration.ZERO;
        while (run.plus(TERMS.renewEvery()).compareTo(deadline) < 0) {
            advance(TERMS.renewEvery());
            run = run.plus(TERMS.renewEvery());
            a.queue().renewHeldLeases();
        }
        assertThat(b.queue().poll()).as("at %s", run).isEmpty();
        advance(deadline.minus(run).plusSeconds(1));

        assertThat(b.queue().poll()).get().extracting(QueueEntry::jobId).isEqualTo("aaaaaaaaaa");
        assertThatThrownBy(() -> a.queue().shouldYield("aaaaaaaaaa")).isInstanceOf(LeaseLostException.class);
    }

    @Test
    void aJobWhoseLeaseRunsOutTwice_isGivenUp_andOneWorkerSaysSo() {
        RedisBackend a = worker("a");
        RedisBackend b = worker("b");
        List<String> givenUpByA = new CopyOnWriteArrayList<>();
        List<String> givenUpByB = new CopyOnWriteArrayList<>();
        a.queue().whenGivenUp(givenUpByA::add);
        b.queue().whenGivenUp(givenUpByB::add);
        offer(a, "aaaaaaaaaa", "1");
        a.queue().poll().orElseThrow();
        advance(Duration.ofSeconds(31));
        b.queue().poll().orElseThrow();
        advance(Duration.ofSeconds(31));

        assertThat(a.queue().poll()).isEmpty();
        assertThat(b.queue().poll()).isEmpty();

        assertThat(givenUpByA).containsExactly("aaaaaaaaaa");
        assertThat(givenUpByB).isEmpty();
        assertThat(a.queue().snapshot().size()).isZero();
    }

    @Test
    void aWorkerThatStopsGracefully_handsItsJobBackAtOnce_withoutALeaseRunningOut() throws Exception {
        RedisBackend a = worker("a");
        RedisBackend b = worker("b");
        offer(a, "aaaaaaaaaa", "1");
        a.queue().poll().orElseThrow();

        a.queue().shutdown();
        assertThat(a.queue().take()).isEmpty();

        QueueEntry<Job> taken = b.queue().poll().orElseThrow();
        assertThat(taken.jobId()).isEqualTo("aaaaaaaaaa");
        assertThat(taken.preemptions()).as("not counted as a preemption").isZero();
        assertThat(b.store().find("aaaaaaaaaa").orElseThrow().state()).isEqualTo(JobState.QUEUED);
    }

    @Test
    void moreFreeWorkers_doNotHandAHeavyUserMoreThanTheirShare() {
        RedisBackend w1 = worker("w1");
        RedisBackend w2 = worker("w2");
        RedisBackend w3 = worker("w3");
        w1.queue().charge("discord:light", Duration.ofSeconds(30));
        offer(w1, "llllllllll", "light");
        offer(w1, "hhhhhhhhh1", "heavy");
        offer(w1, "hhhhhhhhh2", "heavy");
        offer(w1, "hhhhhhhhh3", "heavy");

        List<String> taken = List.of(w1.queue().poll().orElseThrow().jobId(), w2.queue().poll().orElseThrow().jobId(),
                w3.queue().poll().orElseThrow().jobId());

        // Without counting the heavy user's job in flight, the three workers would take h1, h2 and h3.
        assertThat(taken).containsExactly("hhhhhhhhh1", "llllllllll", "hhhhhhhhh2");
    }
}
