package dev.imagine.bot.product;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.bot.redis.RedisServer;
import dev.imagine.pipeline.model.FakeHub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * One bot and its workers as separate processes around one real redis-server (queue.backend: redis), as README's
 * "Many machines" runs them: the bot admits the picture without drawing (worker.enabled: false), a worker
 * ({@code imagine.jar worker}) draws it, the bot's playground shows its progress and serves the picture from the
 * shared cache. A worker killed with {@code kill -9} in the middle of a picture (after a random step of the first
 * six, told in the test's output) loses it when its lease runs out
 * (30 s), another worker draws it, and the person gets it once. The Redis password never reaches a log.
 */
class ManyMachinesIT {
    static final Duration START = Duration.ofSeconds(120);
    static final Duration DRAW = Duration.ofSeconds(240);
    static final String PASSWORD = "s3cret-of-the-queue";

    FakeHub hub;
    Sandbox sandbox;
    RedisServer redis;
    ImagineProcess bot;
    ImagineProcess worker1;
    ImagineProcess worker2;
    ImagineProcess botAgain;

    @BeforeEach
    void setUp(TestInfo test) {
        hub = TinyHub.start();
        sandbox = Sandbox.create(getClass().getSimpleName() + "/" + test.getTestMethod().orElseThrow().getName());
        redis = RedisServer.start("--requirepass", PASSWORD);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (ImagineProcess process : new ImagineProcess[] {botAgain, worker2, worker1, bot}) {
            if (process != null) {
                process.close();
            }
        }
        redis.close();
        hub.close();
    }

    private Map<String, String> environment() {
        return sandbox.environment(hub.endpoint().toString(),
                Map.of("REDIS_URL", "redis://:" + PASSWORD + "@127.0.0.1:" + redis.port()));
    }

    @Test
    void aBotAndWorkers_drawThroughRedis_andAPictureWhoseWorkerWasKilled_isDrawnByAnother_once() throws Exception {
        String yaml = ProductTests.withKey(TinyHub.config(hub), "queue.backend", "redis");
        sandbox.writeConfig(ProductTests.withKey(yaml, "worker.enabled", "false"));
        bot = ImagineProcess.start(sandbox, "bot", environment());
        URI playground = bot.awaitHealthy(START);
        worker1 = ImagineProcess.start(sandbox, "worker-1", environment(), "worker");
        URI worker1Health = worker1.awaitHealthy(START);
        PlaygroundClient person = new PlaygroundClient().at(playground);

        String quick = person.draw("{\"prompt\": \"a boat\", " + StopAndRestartIT.QUICK + "}").get("id").asText();
        person.awaitDone(quick, DRAW);
        person.png(quick, 0, 256, 256);
        assertThat(worker1.stderr()).contains("job " + quick + " done");
        assertThat(bot.stderr()).doesNotContain("job " + quick + " done");
        assertThat(get(worker1Health.resolve("/metrics")).statusCode()).isEqualTo(200);
        assertThat(get(worker1Health.resolve("/api/info")).statusCode()).as("a worker serves no API").isEqualTo(404);

        String slow = person.draw("{\"prompt\": \"a lighthouse at dusk\", " + StopAndRestartIT.SLOWEST + "}")
                .get("id").asText();
        // A bounded random point among the 32 steps (8 for each of 4 pictures, each a progress event), within the
        // first six, so that most of the work is left to do even on a fast machine.
        int killedAfter = 1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(6);
        System.err.println("ManyMachinesIT: worker-1 is killed after progress event " + killedAfter);
        person.step(slow, killedAfter).get(DRAW.toSeconds(), TimeUnit.SECONDS);
        worker1.kill();
        worker1.awaitExit(Duration.ofSeconds(30));
        worker2 = ImagineProcess.start(sandbox, "worker-2", environment(), "worker");
        worker2.awaitHealthy(START);

        JsonNode done = person.awaitDone(slow, DRAW);
        assertThat(done.has("message")).as("no failure text: %s", done).isFalse();
        for (int picture = 0; picture < 4; picture++) {
            person.png(slow, picture, 512, 512);
        }
        assertThat(worker2.stderr()).contains("job " + slow + " done");
        for (ImagineProcess process : new ImagineProcess[] {bot, worker1, worker2}) {
            assertThat(process.stderr()).as("the Redis password in a log").doesNotContain(PASSWORD);
        }
        assertThat(sandbox.crashReports()).isEmpty();
    }

    /**
     * The bot is killed with {@code kill -9} while a worker draws one of its pictures; the worker finishes it while no
     * bot runs, and the bot started again serves it (the record in the shared store, the pictures in the shared cache,
     * the news waiting in the web stream), as if nothing had happened.
     */
    @Test
    void aBotKilledWhileItsPictureIsDrawn_servesItAfterItsRestart() throws Exception {
        String yaml = ProductTests.withKey(TinyHub.config(hub), "queue.backend", "redis");
        sandbox.writeConfig(ProductTests.withKey(yaml, "worker.enabled", "false"));
        bot = ImagineProcess.start(sandbox, "bot", environment());
        PlaygroundClient person = new PlaygroundClient().at(bot.awaitHealthy(START));
        worker1 = ImagineProcess.start(sandbox, "worker-1", environment(), "worker");
        worker1.awaitHealthy(START);

        String id = person.draw("{\"prompt\": \"a lighthouse at dusk\", " + StopAndRestartIT.SLOWEST + "}")
                .get("id").asText();
        person.firstStep(id).get(DRAW.toSeconds(), TimeUnit.SECONDS);
        bot.kill();
        bot.awaitExit(Duration.ofSeconds(30));
        awaitLog(worker1, "job " + id + " done", DRAW);

        botAgain = ImagineProcess.start(sandbox, "bot-again", environment());
        PlaygroundClient again = new PlaygroundClient().at(botAgain.awaitHealthy(START));
        JsonNode done = again.awaitDone(id, DRAW);
        assertThat(done.has("message")).as("no failure text: %s", done).isFalse();
        for (int picture = 0; picture < 4; picture++) {
            again.png(id, picture, 512, 512);
        }
        assertThat(botAgain.stderr()).as("the restarted bot drew nothing").doesNotContain("job " + id + " done");
        assertThat(sandbox.crashReports()).isEmpty();
    }

    private static void awaitLog(ImagineProcess process, String line, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!process.stderr().contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + line + "' in the log within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
