package dev.imagine.bot.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.SettingsChange;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.CommunityRules;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobClocks;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobSettings;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.job.JobStore;
import dev.imagine.bot.job.Reply;
import dev.imagine.bot.job.ReplySink;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.queue.Usage;
import dev.imagine.bot.redis.RedisWorkerTakeoverTest.Told;
import dev.imagine.bot.testing.TestGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job that others wait for (identical requests follow it, {@link RedisInFlight}) and whose worker dies after it
 * saved the job over but before it handed its followers over: those would wait for ever, since nothing else ends the
 * job. Its lease runs out (a fake clock, no sleeping), another worker takes it back from the queue, finds it already
 * over, and lets the followers take its place. Processes are engines around one real redis-server.
 */
class RedisStrandedFollowersTest {
    private static final User ALICE = new User("discord", "1", "alice");
    private static final User CAROL = new User("discord", "3", "carol");
    private static final LeaseTerms TERMS = LeaseTerms.forJobTimeout(Duration.ofMinutes(10));

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T09:00:00Z"));
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
    private final CountDownLatch frozen = new CountDownLatch(1);
    private final CountDownLatch thaw = new CountDownLatch(1);
    private RedisServer server;

    private record Process(RedisBackend backend, JobService jobs) {
    }

    @BeforeEach
    void startRedis() {
        server = RedisServer.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        thaw.countDown();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (RuntimeException e) {
                // The dead worker's engine finds its Redis connections closed.
            }
        }
        server.close();
    }

    private Process process(String name, TestGenerator generator, boolean draws, ReplySink sink) {
        return process(name, generator, draws, sink, false);
    }

    private Process process(String name, TestGenerator generator, boolean draws, ReplySink sink,
                            boolean diesAfterSavingDone) {
        RedisBackend backend = RedisBackend.open(server.url(), RedisBackend.PREFIX, QueueSettings.DEFAULTS, TERMS,
                name, () -> Micros.of(now.get()));
        toClose.add(backend);
        InstantSource wall = now::get;
        JobStore store = diesAfterSavingDone ? new DiesAfterSavingDone(backend.store()) : backend.store();
        JobService jobs = JobService.builder(JobSettings.defaults("fake-model", "r1"), generator, backend.queue(),
                        new ResultCache(1 << 20, null, 0), store)
                .clocks(new JobClocks(wall, () -> 0L, () -> 0L)).worker(draws).inFlight(backend.inFlight()).build();
        jobs.registerSink("discord", sink);
        toClose.add(() -> jobs.shutdown(Duration.ofSeconds(5)));
        jobs.start();
        return new Process(backend, jobs);
    }

    /** The job store of a process killed right after it saved a job DONE: it goes no further. */
    private final class DiesAfterSavingDone implements JobStore {
        private final JobStore store;

        DiesAfterSavingDone(JobStore store) {
            this.store = store;
        }

        @Override
        public Job save(Job job) {
            Job saved = store.save(job);
            if (job.state() == JobState.DONE) {
                frozen.countDown();
                try {
                    thaw.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("this process is dead");
            }
            return saved;
        }

        @Override
        public boolean updateOrigin(String id, String origin) {
            return store.updateOrigin(id, origin);
        }

        @Override
        public Optional<Job> find(String id) {
            return store.find(id);
        }

        @Override
        public void delete(String id) {
            store.delete(id);
        }

        @Override
        public List<Job> findByState(Set<JobState> states) {
            return store.findByState(states);
        }

        @Override
        public Optional<SettingsChange.UserDefaults> userDefaults(String userKey) {
            return store.userDefaults(userKey);
        }

        @Override
        public void saveUserDefaults(String userKey, SettingsChange.UserDefaults defaults) {
            store.saveUserDefaults(userKey, defaults);
        }

        @Override
        public void clearUserDefaults(String userKey) {
            store.clearUserDefaults(userKey);
        }

        @Override
        public Optional<SettingsChange.CommunityLimits> communityLimits(String communityKey) {
            return store.communityLimits(communityKey);
        }

        @Override
        public void saveCommunityLimits(String communityKey, SettingsChange.CommunityLimits limits) {
            store.saveCommunityLimits(communityKey, limits);
        }

        @Override
        public Optional<CommunityRules> communityRules(String communityKey) {
            return store.communityRules(communityKey);
        }

        @Override
        public void saveCommunityRules(String communityKey, CommunityRules rules) {
            store.saveCommunityRules(communityKey, rules);
        }

        @Override
        public Map<String, Usage> usageLedger() {
            return store.usageLedger();
        }

        @Override
        public void saveUsage(String userKey, Usage usage) {
            store.saveUsage(userKey, usage);
        }

        @Override
        public void forgetUsage(Set<String> userKeys) {
            store.forgetUsage(userKeys);
        }

        @Override
        public void savePicture(String pixelHash, byte[] png) {
            store.savePicture(pixelHash, png);
        }

        @Override
        public Optional<byte[]> picture(String pixelHash) {
            return store.picture(pixelHash);
        }

        @Override
        public void close() {
            store.close();
        }
    }

    @Test
    void followersOfAJobWhoseWorkerDiedRightAfterSavingItDone_takeItsPlace_whenAnotherWorkerTakesItBack()
            throws Exception {
        TestGenerator dying = TestGenerator.fake();
        dying.holdSteps();
        Process a = process("worker-a", dying, true, new Told(), true);
        Process bot = process("bot", TestGenerator.fake(), false, new Told());
        String alices = accepted(bot.jobs().handle(imagine(ALICE), "a")).id();
        assertThat(dying.stepWaiting.tryAcquire(30, TimeUnit.SECONDS)).as("worker a draws Alice's").isTrue();
        String carols = accepted(bot.jobs().handle(imagine(CAROL), "c")).id();

        dying.releaseAll();
        assertThat(frozen.await(30, TimeUnit.SECONDS)).as("worker a saved Alice's DONE and stopped").isTrue();
        a.backend().close();
        assertThat(bot.jobs().job(alices).orElseThrow().state()).isEqualTo(JobState.DONE);
        assertThat(bot.jobs().job(carols).orElseThrow().state()).as("Carol's follows Alice's")
                .isEqualTo(JobState.QUEUED);

        TestGenerator healthy = TestGenerator.fake();
        Told toldByC = new Told();
        process("worker-c", healthy, true, toldByC);
        now.updateAndGet(t -> t.plus(TERMS.lease()).plusSeconds(1));

        awaitTrue(() -> bot.jobs().job(carols).orElseThrow().state() == JobState.DONE, "Carol's picture is done");
        awaitTrue(() -> toldByC.count("finished") == 1, "Carol is told of her picture");
        assertThat(dying.generations.get() + healthy.generations.get()).as("Alice's, and Carol's drawn anew by c"
                + " (its cache does not have the picture a made)").isEqualTo(2);
    }

    private static Command.Imagine imagine(User who) {
        return new Command.Imagine(Requester.direct(who), "a stone bridge", 11L, 4, null, null, null, null);
    }

    private static Job accepted(Reply reply) {
        assertThat(reply).isInstanceOf(Reply.Accepted.class);
        return ((Reply.Accepted) reply).job();
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
