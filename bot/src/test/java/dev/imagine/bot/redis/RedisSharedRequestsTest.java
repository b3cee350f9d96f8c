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
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.redis.RedisWorkerTakeoverTest.Told;
import dev.imagine.bot.testing.TestGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three engines as three processes of one deployment around one real redis-server: a worker, and two adapter
 * processes that do not draw (worker.enabled: false). The same button ("Same seed") pressed under the same picture on
 * both adapters while the picture it asks for is being drawn makes one generation, and both people get it: the second
 * press follows the first across processes, as it does within one. The processes keep their pictures in memory only,
 * so a replay is drawn again rather than answered from a shared cache.
 */
class RedisSharedRequestsTest {
    private static final User ALICE = new User("discord", "1", "alice");
    private static final User BOB = new User("discord", "2", "bob");
    private static final User CAROL = new User("discord", "3", "carol");
    private static final LeaseTerms TERMS = LeaseTerms.forJobTimeout(Duration.ofMinutes(10));
    private static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");

    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
    private RedisServer server;
    private TestGenerator drawing;
    private Engine worker;
    private Engine adapterA;
    private Engine adapterB;

    private record Engine(JobService jobs, Told told) {
    }

    @BeforeEach
    void start() {
        server = RedisServer.start();
        drawing = TestGenerator.fake();
        worker = engine("worker", drawing, true);
        adapterA = engine("adapter-a", TestGenerator.fake(), false);
        adapterB = engine("adapter-b", TestGenerator.fake(), false);
    }

    @AfterEach
    void stop() throws Exception {
        drawing.releaseAll();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        server.close();
    }

    private Engine engine(String name, TestGenerator generator, boolean draws) {
        RedisBackend backend = RedisBackend.open(server.url(), RedisBackend.PREFIX, QueueSettings.DEFAULTS, TERMS,
                name, () -> Micros.of(NOW));
        toClose.add(backend);
        InstantSource wall = () -> NOW;
        JobService jobs = JobService.builder(JobSettings.defaults("fake-model", "r1"), generator, backend.queue(),
                        new ResultCache(1 << 20, null, 0), backend.store())
                .clocks(new JobClocks(wall, () -> 0L, () -> 0L)).worker(draws).inFlight(backend.inFlight()).build();
        Told told = new Told();
        jobs.registerSink("discord", told);
        toClose.add(() -> jobs.shutdown(Duration.ofSeconds(5)));
        jobs.start();
        return new Engine(jobs, told);
    }

    private String drawnPicture() throws InterruptedException {
        Reply reply = adapterA.jobs().handle(new Command.Imagine(Requester.direct(ALICE), "a red fox", 42L, 4, null,
                null, null, null), "origin");
        String id = ((Reply.Accepted) reply).job().id();
        awaitTrue(() -> state(id) == JobState.DONE, "the first picture is drawn");
        return id;
    }

    private record Presses(Job bobs, Job carols) {
    }

    /**
     * A first picture drawn; Bob presses Same seed under it on adapter A and the worker is held drawing his replay;
     * then Carol presses the same button on adapter B.
     */
    private Presses bobThenCarolPressSameSeed() throws InterruptedException {
        String original = drawnPicture();
        drawing.holdSteps();
        Job bobs = accepted(adapterA.jobs().handle(new Command.Replay(Requester.direct(BOB), original), "a"));
        assertThat(drawing.stepWaiting.tryAcquire(30, TimeUnit.SECONDS)).as("the worker draws Bob's").isTrue();
        Job carols = accepted(adapterB.jobs().handle(new Command.Replay(Requester.direct(CAROL), original), "b"));
        return new Presses(bobs, carols);
    }

    private static Job accepted(Reply reply) {
        assertThat(reply).isInstanceOf(Reply.Accepted.class);
        return ((Reply.Accepted) reply).job();
    }

    @Test
    void theSameButtonPressedOnTwoAdapters_whileItsPictureIsDrawn_makesOneGeneration_andBothGetIt() throws Exception {
        Presses presses = bobThenCarolPressSameSeed();
        Job bobs = presses.bobs();
        Job carols = presses.carols();
        drawing.releaseAll();

        awaitTrue(() -> state(bobs.id()) == JobState.DONE && state(carols.id()) == JobState.DONE,
                "both replays are done");
        assertThat(drawing.generations.get()).as("the first picture and one replay").isEqualTo(2);
        assertThat(adapterB.jobs().job(carols.id()).orElseThrow().fromCache()).isTrue();
        awaitTrue(() -> worker.told().count("finished") == 3, "three pictures are told, one per person");
    }

    @Test
    void whenTheFirstPressIsCancelled_theSecondOnAnotherAdapter_takesItsPlace_andIsDrawn() throws Exception {
        Presses presses = bobThenCarolPressSameSeed();
        Job bobs = presses.bobs();
        Job carols = presses.carols();

        adapterA.jobs().handle(new Command.Cancel(Requester.direct(BOB), bobs.id()), "a");
        drawing.releaseAll();

        awaitTrue(() -> state(carols.id()) == JobState.DONE, "Carol's replay is drawn on its own");
        assertThat(state(bobs.id())).isEqualTo(JobState.CANCELLED);
        assertThat(drawing.generations.get()).as("the first picture and Bob's stopped one; Carol's is the first"
                + " picture again, which the worker still has").isEqualTo(2);
        awaitTrue(() -> worker.told().count("finished") == 2, "Carol is told of her picture");
    }

    @Test
    void aFollowerCancelledOnItsAdapter_isNotServedWhenItsLeaderEndsElsewhere() throws Exception {
        Presses presses = bobThenCarolPressSameSeed();
        Job bobs = presses.bobs();
        Job carols = presses.carols();

        adapterB.jobs().handle(new Command.Cancel(Requester.direct(CAROL), carols.id()), "b");
        drawing.releaseAll();

        awaitTrue(() -> state(bobs.id()) == JobState.DONE, "Bob's replay is done");
        assertThat(state(carols.id())).isEqualTo(JobState.CANCELLED);
        assertThat(drawing.generations.get()).isEqualTo(2);
    }

    private JobState state(String id) {
        return adapterA.jobs().job(id).map(Job::state).orElse(null);
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
