package dev.imagine.bot.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobClocks;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobSettings;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.job.Reply;
import dev.imagine.bot.job.ReplySink;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.TestGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two job engines, each with its worker, as two processes of one deployment around one real redis-server, on a fake
 * clock: the worker that took a job stops in the middle of it (frozen, as a killed or cut-off worker looks from
 * outside), its lease runs out, the other worker draws the job, and when the first comes back it stops at its next
 * step without a picture, a charge or a write: the person gets exactly one picture.
 */
class RedisWorkerTakeoverTest {
    private static final User BOB = new User("discord", "42", "bob");
    private static final LeaseTerms TERMS = LeaseTerms.forJobTimeout(Duration.ofMinutes(10));

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T09:00:00Z"));
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
    private RedisServer server;

    @BeforeEach
    void startRedis() {
        server = RedisServer.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        server.close();
    }

    /** Counts what one process told its people. */
    static class Told implements ReplySink {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void queued(Job job, int position, Duration eta) {
            events.add("queued");
        }

        @Override
        public void started(Job job) {
            events.add("started");
        }

        @Override
        public void progress(Job job, int step, int totalSteps) {
            events.add("progress");
        }

        @Override
        public void finished(Job job, List<byte[]> pngs, Duration elapsed) {
            events.add("finished");
        }

        @Override
        public void failed(Job job, String message) {
            events.add("failed");
        }

        @Override
        public void cancelled(Job job, String reason) {
            events.add("cancelled");
        }

        @Override
        public void notice(Job job, String message) {
            events.add("notice");
        }

        long count(String kind) {
            return events.stream().filter(kind::equals).count();
        }
    }

    private record Process(RedisBackend backend, JobService jobs, Told told) {
    }

    private Process process(String name, TestGenerator generator) {
        return process(name, generator, true);
    }

    private Process process(String name, TestGenerator generator, boolean draws) {
        RedisBackend backend = RedisBackend.open(server.url(), RedisBackend.PREFIX, QueueSettings.DEFAULTS, TERMS,
                name, () -> Micros.of(now.get()));
        toClose.add(backend);
        InstantSource wall = now::get;
        JobService jobs = JobService.builder(JobSettings.defaults("fake-model", "r1"), generator, backend.queue(),
                new ResultCache(1 << 20, null, 0), backend.store())
                .clocks(new JobClocks(wall, () -> 0L, () -> 0L)).worker(draws).build();
        Told told = new Told();
        jobs.registerSink("discord", told);
        toClose.add(() -> jobs.shutdown(Duration.ofSeconds(5)));
        jobs.start();
        return new Process(backend, jobs, told);
    }

    /** Frozen before its first step, in the middle, and before its last (after which it would only decode). */
    @ParameterizedTest(name = "frozen at step {0} of 4")
    @ValueSource(ints = {1, 3, 4})
    void aWorkerFrozenMidJob_losesItAfterTheLease_theOtherDrawsIt_andThePersonGetsOnePicture(int frozenAt)
            throws Exception {
        TestGenerator frozen = TestGenerator.fake();
        frozen.holdSteps();
        Process a = process("worker-a", frozen);
        Reply reply = a.jobs().handle(new Command.Imagine(Requester.direct(BOB), "a lighthouse", 7L, 4, null, null,
                null, null), "origin");
        String id = ((Reply.Accepted) reply).job().id();
        for (int step = 1; step < frozenAt; step++) {
            assertThat(frozen.stepWaiting.tryAcquire(30, TimeUnit.SECONDS)).as("a reached step %d", step).isTrue();
            frozen.releaseSteps(1);
        }
        assertThat(frozen.stepWaiting.tryAcquire(30, TimeUnit.SECONDS)).as("a is at step %d", frozenAt).isTrue();

        TestGenerator healthy = TestGenerator.fake();
        Process b = process("worker-b", healthy);
        now.updateAndGet(t -> t.plus(TERMS.lease()).plusSeconds(1));
        awaitTrue(() -> b.told().count("finished") == 1, "b drew the job after a's lease ran out");

        frozen.releaseAll();
        awaitTrue(() -> frozen.unclosed.isEmpty(), "a stopped its generation");
        a.jobs().shutdown(Duration.ofSeconds(5));

        Job stored = b.jobs().job(id).orElseThrow();
        assertThat(stored.state()).isEqualTo(JobState.DONE);
        assertThat(a.told().count("finished") + b.told().count("finished")).isEqualTo(1);
        assertThat(a.told().count("failed")).isZero();
        assertThat(healthy.generations.get()).isEqualTo(1);
        assertThat(a.told().events).as("a says nothing after it lost the job").doesNotContain("finished",
                "failed", "notice", "cancelled");
        assertThat(a.told().count("progress")).as("a's steps before it froze, and at most the one it was in")
                .isBetween((long) frozenAt - 1, (long) frozenAt);
    }

    @Test
    void anOwnerCancelsInAProcessThatDoesNotDraw_theWorkerElsewhereStopsAfterItsStep_andNobodyIsCharged()
            throws Exception {
        TestGenerator drawing = TestGenerator.fake();
        drawing.holdSteps();
        Process worker = process("worker", drawing);
        Process bot = process("bot", TestGenerator.fake(), false);
        Reply reply = bot.jobs().handle(new Command.Imagine(Requester.direct(BOB), "a castle", 9L, 4, null, null,
                null, null), "origin");
        String id = ((Reply.Accepted) reply).job().id();
        assertThat(drawing.stepWaiting.tryAcquire(30, TimeUnit.SECONDS)).as("the worker is at step 1").isTrue();

        Reply cancel = bot.jobs().handle(new Command.Cancel(Requester.direct(BOB), id), "origin");
        drawing.releaseAll();

        assertThat(cancel).isEqualTo(new Reply.Info("Stopping your picture after the current step."));
        awaitTrue(() -> bot.jobs().job(id).orElseThrow().state() == JobState.CANCELLED, "the job is cancelled");
        awaitTrue(() -> drawing.unclosed.isEmpty(), "the worker closed its generation");
        assertThat(worker.told().count("cancelled")).isEqualTo(1);
        assertThat(worker.told().count("finished")).isZero();
        assertThat(bot.backend().queue().usage(BOB.key())).isZero();
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
