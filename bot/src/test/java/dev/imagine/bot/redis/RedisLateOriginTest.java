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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where to answer about a job, as its adapter learns it late (Telegram's status message), in a deployment of two
 * processes around one real redis-server: an adapter process that does not draw and a worker process. The worker
 * saves its own copies of the job while it draws, made before that news: the origin the adapter kept must survive
 * them, in the store and in the news the adapter gets (which is how an adapter restarted meanwhile still finds the
 * status message to edit and delete).
 */
class RedisLateOriginTest {
    private static final User ALICE = new User("discord", "1", "alice");
    private static final LeaseTerms TERMS = LeaseTerms.forJobTimeout(Duration.ofMinutes(10));
    private static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");

    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
    private RedisServer server;
    private TestGenerator drawing;
    private JobService worker;
    private JobService adapter;
    private RedisBackend adapterBackend;
    private final Map<String, Job> finished = new ConcurrentHashMap<>();
    private final List<String> progressOrigins = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        server = RedisServer.start();
        drawing = TestGenerator.fake();
        worker = engine("worker", drawing, true);
        adapter = engine("adapter", TestGenerator.fake(), false);
        toClose.add(adapterBackend.relayNews("discord", new AdapterSink(), () -> true));
    }

    @AfterEach
    void stop() throws Exception {
        drawing.releaseAll();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        server.close();
    }

    private JobService engine(String name, TestGenerator generator, boolean draws) {
        RedisBackend backend = RedisBackend.open(server.url(), RedisBackend.PREFIX, QueueSettings.DEFAULTS, TERMS,
                name, () -> Micros.of(NOW));
        toClose.add(backend);
        InstantSource wall = () -> NOW;
        JobService jobs = JobService.builder(JobSettings.defaults("fake-model", "r1"), generator, backend.queue(),
                        new ResultCache(1 << 20, null, 0), backend.store())
                .clocks(new JobClocks(wall, () -> 0L, () -> 0L)).worker(draws).inFlight(backend.inFlight()).build();
        // As Application does: every engine writes its news to the stream; the adapter process relays it.
        jobs.registerSink("discord", backend.newsFor("discord"));
        if (!draws) {
            adapterBackend = backend;
        }
        toClose.add(() -> jobs.shutdown(Duration.ofSeconds(5)));
        jobs.start();
        return jobs;
    }

    @Test
    void anOriginTheAdapterKeptWhileAnotherProcessDraws_survivesTheWorkersSaves_andReachesTheFinishedNews()
            throws Exception {
        drawing.holdSteps();
        Reply reply = adapter.handle(new Command.Imagine(Requester.direct(ALICE), "a red fox", 42L, 4, null, null,
                null, null), "chat-1");
        String id = ((Reply.Accepted) reply).job().id();
        assertThat(drawing.stepWaiting.tryAcquire(30, TimeUnit.SECONDS)).as("the worker draws it").isTrue();

        assertThat(adapter.updateOrigin(id, "chat-1/status-7")).isTrue();
        drawing.releaseAll();

        awaitTrue(() -> finished.containsKey(id), "the picture is finished");
        assertThat(finished.get(id).origin()).isEqualTo("chat-1/status-7");
        assertThat(adapter.job(id).orElseThrow().state()).isEqualTo(JobState.DONE);
        assertThat(adapter.job(id).orElseThrow().origin()).isEqualTo("chat-1/status-7");
    }

    @Test
    void progressTheWorkerTellsAfterTheAdapterKeptAnOrigin_reachesTheAdapterWithThatOrigin() throws Exception {
        drawing.holdSteps();
        Reply reply = adapter.handle(new Command.Imagine(Requester.direct(ALICE), "a red fox", 42L, 4, null, null,
                null, null), "chat-1");
        String id = ((Reply.Accepted) reply).job().id();
        assertThat(drawing.stepWaiting.tryAcquire(30, TimeUnit.SECONDS)).as("the worker is at step 1").isTrue();

        adapter.updateOrigin(id, "chat-1/status-7");
        drawing.releaseAll();

        awaitTrue(() -> finished.containsKey(id), "the picture is finished");
        assertThat(progressOrigins).as("every step's news, told by the worker's copy of the job").hasSize(4)
                .containsOnly("chat-1/status-7");
    }

    private final class AdapterSink implements ReplySink {
        @Override
        public void queued(Job job, int position, Duration eta) {
        }

        @Override
        public void started(Job job) {
        }

        @Override
        public void progress(Job job, int step, int totalSteps) {
            progressOrigins.add(job.origin());
        }

        @Override
        public void finished(Job job, List<byte[]> pngs, Duration elapsed) {
            finished.put(job.id(), job);
        }

        @Override
        public void failed(Job job, String message) {
        }

        @Override
        public void cancelled(Job job, String reason) {
        }

        @Override
        public void notice(Job job, String message) {
        }
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
