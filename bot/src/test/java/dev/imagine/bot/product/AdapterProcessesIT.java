package dev.imagine.bot.product;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.bot.discord.FakeDiscord;
import dev.imagine.bot.redis.RedisPictureTier;
import dev.imagine.bot.redis.RedisServer;
import dev.imagine.bot.telegram.FakeTelegram;
import dev.imagine.pipeline.model.FakeHub;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Adapter processes of one deployment around one real redis-server (queue.backend: redis, worker.enabled: false),
 * with one {@code imagine.jar worker} drawing for them, each a process of the built jar. A bot running the Telegram
 * adapter against the fake Bot API server of the test tree ({@code TELEGRAM_API_URL}) is killed with {@code kill -9}
 * while the worker draws its picture and started again: the person gets the picture once, and the status message goes
 * as it does when nothing happens (the origin the bot kept for it survived the worker's saves). Two bots pressing the
 * same button ("Same seed", through each one's web API) at the same moment make one generation, and both people get
 * the same picture.
 */
class AdapterProcessesIT {
    static final Duration START = ManyMachinesIT.START;
    static final Duration DRAW = ManyMachinesIT.DRAW;
    static final long ALICE = 5001;

    FakeHub hub;
    Sandbox sandbox;
    RedisServer redis;
    FakeTelegram telegram;
    FakeDiscord discord;
    ImagineProcess bot;
    ImagineProcess botAgain;
    ImagineProcess otherBot;
    ImagineProcess worker;

    @BeforeEach
    void setUp(TestInfo test) throws IOException {
        hub = TinyHub.start();
        sandbox = Sandbox.create(getClass().getSimpleName() + "/" + test.getTestMethod().orElseThrow().getName());
        redis = RedisServer.start();
        telegram = new FakeTelegram();
    }

    @AfterEach
    void tearDown() throws InterruptedException, IOException {
        for (ImagineProcess process : new ImagineProcess[] {botAgain, otherBot, worker, bot}) {
            if (process != null) {
                process.close();
            }
        }
        telegram.close();
        if (discord != null) {
            discord.close();
        }
        redis.close();
        hub.close();
    }

    private Map<String, String> environment(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("REDIS_URL", "redis://127.0.0.1:" + redis.port()));
        env.putAll(extra);
        return sandbox.environment(hub.endpoint().toString(), env);
    }

    private Map<String, String> telegramBot() {
        return environment(Map.of("TELEGRAM_BOT_TOKEN", FakeTelegram.TOKEN, "TELEGRAM_API_URL", telegram.url()));
    }

    private void writeConfig(Map<String, String> keys) {
        String yaml = ProductTests.withKey(TinyHub.config(hub), "queue.backend", "redis");
        yaml = ProductTests.withKey(yaml, "worker.enabled", "false");
        for (Map.Entry<String, String> key : keys.entrySet()) {
            yaml = ProductTests.withKey(yaml, key.getKey(), key.getValue());
        }
        sandbox.writeConfig(yaml);
    }

    @Test
    void aTelegramBotKilledWhileTheWorkerDraws_deliversThePictureOnceAfterItsRestart_andDeletesTheStatusMessage()
            throws Exception {
        writeConfig(Map.of());
        bot = ImagineProcess.start(sandbox, "bot", telegramBot());
        bot.awaitHealthy(START);
        worker = ImagineProcess.start(sandbox, "worker", environment(Map.of()), "worker");
        worker.awaitHealthy(START);

        int asked = telegram.sendText(ALICE, "private", ALICE, "alice",
                "/imagine a lighthouse at dusk --seed 7 --steps 8 --size 512x512 --count 4");
        FakeTelegram.Call status = awaitCall("sendMessage", c -> c.replyToMessageId() == asked, START);
        int statusId = status.resultMessageId();
        // The status shows the drawing: the worker is at work, and the bot kept the status message with the job.
        awaitCall("editMessageText", c -> c.param("message_id").equals(Integer.toString(statusId))
                && c.param("text").contains("Drawing"), DRAW);
        bot.kill();
        bot.awaitExit(Duration.ofSeconds(30));
        String id = jobIdIn(awaitLog(worker, Pattern.compile("job (\\w+) done in"), DRAW));
        assertThat(telegram.calls("sendMediaGroup")).as("nobody delivered while no bot ran").isEmpty();

        botAgain = ImagineProcess.start(sandbox, "bot-again", telegramBot());
        botAgain.awaitHealthy(START);
        FakeTelegram.Call album = awaitCall("sendMediaGroup", c -> c.replyToMessageId() == asked, START);
        awaitCall("deleteMessage", c -> c.param("message_id").equals(Integer.toString(statusId)), START);

        assertThat(album.json("media").size()).isEqualTo(4);
        Thread.sleep(3_000); // anything sent twice would be on its way by now
        assertThat(telegram.calls("sendMediaGroup")).as("the pictures once").hasSize(1);
        assertThat(telegram.calls("sendPhoto")).isEmpty();
        assertThat(telegram.calls("sendMessage")).as("one status message, no second one from the restarted bot")
                .filteredOn(c -> c.replyToMessageId() == asked).hasSize(1);
        assertThat(botAgain.stderr()).as("the restarted bot drew nothing").doesNotContain("job " + id + " done");
        assertThat(sandbox.crashReports()).isEmpty();
    }

    /**
     * The same with Discord, against the fake Discord of the test tree (REST and gateway, {@code discord.rest-url} and
     * {@code discord.gateway-url}): the reply that shows the status becomes the pictures once, after the restart.
     */
    @Test
    void aDiscordBotKilledWhileTheWorkerDraws_turnsItsReplyIntoThePicturesOnceAfterItsRestart() throws Exception {
        discord = new FakeDiscord();
        writeConfig(Map.of("discord.rest-url", discord.restUrl(), "discord.gateway-url", discord.gatewayUrl()));
        Map<String, String> discordBot = environment(Map.of("DISCORD_TOKEN", FakeDiscord.TOKEN));
        bot = ImagineProcess.start(sandbox, "bot", discordBot);
        bot.awaitHealthy(START);
        worker = ImagineProcess.start(sandbox, "worker", environment(Map.of()), "worker");
        worker.awaitHealthy(START);
        awaitCommandsRegistered();

        String token = discord.slash(FakeDiscord.ALICE, "imagine", FakeDiscord.option("prompt", "a lighthouse at dusk"),
                FakeDiscord.option("seed", 7L), FakeDiscord.option("steps", 8), FakeDiscord.option("size", "512x512"),
                FakeDiscord.option("count", 4));
        discord.await(r -> r.is("PATCH", "/api/v10/webhooks/") && token.equals(r.token()) && r.files().isEmpty()
                && r.payload() != null && r.payload().getString("content", "").contains("Drawing"), DRAW,
                "the reply shows the drawing");
        bot.kill();
        bot.awaitExit(Duration.ofSeconds(30));
        String id = jobIdIn(awaitLog(worker, Pattern.compile("job (\\w+) done in"), DRAW));
        assertThat(discord.requests(pictureOf(token))).as("nobody delivered while no bot ran").isEmpty();

        botAgain = ImagineProcess.start(sandbox, "bot-again", discordBot);
        botAgain.awaitHealthy(START);
        discord.await(pictureOf(token), START, "the pictures after the restart");

        Thread.sleep(3_000); // anything sent twice would be on its way by now
        assertThat(discord.requests(pictureOf(token))).as("the pictures once").hasSize(1);
        FakeDiscord.Shown reply = discord.originalOf(token);
        assertThat(reply.deleted).isFalse();
        assertThat(reply.files).hasSize(4);
        assertThat(discord.requests(r -> r.is("POST", "/api/v10/webhooks/") && token.equals(r.token())))
                .as("no follow-up besides the reply").isEmpty();
        assertThat(botAgain.stderr()).as("the restarted bot drew nothing").doesNotContain("job " + id + " done");
        assertThat(sandbox.crashReports()).isEmpty();
    }

    private static Predicate<FakeDiscord.Request> pictureOf(String token) {
        return r -> r.is("PATCH", "/api/v10/webhooks/") && token.equals(r.token()) && !r.files().isEmpty()
                && r.status() == 200;
    }

    /** The bot registered its commands: it is connected and ready for interactions. */
    private void awaitCommandsRegistered() throws InterruptedException {
        discord.await(r -> r.is("PUT", "/api/v10/applications/"), START, "the commands registered");
    }

    @Test
    void twoBotsPressingSameSeedOfOnePicture_atOnce_makeOneGeneration_andBothPeopleGetThatPicture()
            throws Exception {
        // No memory tier anywhere: the pictures live in the shared cache only, which the test empties once the first
        // picture is drawn (as its least-recently-used order does under pressure), so that Same seed draws again.
        writeConfig(Map.of("cache.memory-mb", "0"));
        bot = ImagineProcess.start(sandbox, "bot-a", environment(Map.of()));
        PlaygroundClient alice = new PlaygroundClient().at(bot.awaitHealthy(START));
        otherBot = ImagineProcess.start(sandbox, "bot-b", environment(Map.of()));
        URI otherPlayground = otherBot.awaitHealthy(START);
        PlaygroundClient bob = new PlaygroundClient().at(otherPlayground);
        worker = ImagineProcess.start(sandbox, "worker", environment(Map.of()), "worker");
        URI workerHealth = worker.awaitHealthy(START);

        String first = alice.draw("{\"prompt\": \"a lighthouse at dusk\", " + StopAndRestartIT.SLOW + "}")
                .get("id").asText();
        alice.awaitDone(first, DRAW);
        forgetSharedPictures();

        CompletableFuture<JsonNode> fromA = CompletableFuture.supplyAsync(() -> sameSeed(alice, first));
        CompletableFuture<JsonNode> fromB = CompletableFuture.supplyAsync(() -> sameSeed(bob, first));
        String aliceReplay = fromA.get().get("id").asText();
        String bobReplay = fromB.get().get("id").asText();
        assertThat(aliceReplay).isNotEqualTo(bobReplay);
        alice.awaitDone(aliceReplay, DRAW);
        bob.awaitDone(bobReplay, DRAW);

        byte[] alicePicture = alice.png(aliceReplay, 0, 512, 512);
        byte[] bobPicture = bob.png(bobReplay, 0, 512, 512);
        assertThat(bobPicture).as("the same picture through both bots").isEqualTo(alicePicture);
        List<String> drawn = doneLines(worker.stderr());
        assertThat(drawn).as("the worker drew the first picture and one of the two replays")
                .hasSize(2).contains(first).containsAnyOf(aliceReplay, bobReplay);
        assertThat(metric(workerHealth, "imagine_jobs_total", "outcome=\"done\"")).as("generations on the worker")
                .isEqualTo(2.0);
        for (ImagineProcess process : new ImagineProcess[] {bot, otherBot}) {
            assertThat(doneLines(process.stderr())).as("a bot draws nothing").isEmpty();
            assertThat(process.stderr()).as("one replay followed the other; neither came from the cache")
                    .doesNotContain("answered from the cache");
        }
        assertThat(sandbox.crashReports()).isEmpty();
    }

    private static JsonNode sameSeed(PlaygroundClient person, String jobId) {
        try {
            return person.sameSeed(jobId);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Empties the shared result cache in Redis (its pictures, their order and their byte count). */
    private void forgetSharedPictures() throws IOException, InterruptedException {
        Process cli = new ProcessBuilder("redis-cli", "-p", Integer.toString(redis.port()), "EVAL",
                "for _, k in ipairs(redis.call('KEYS', ARGV[1] .. 'png:*')) do redis.call('DEL', k) end"
                        + " redis.call('DEL', ARGV[1] .. 'lru', ARGV[1] .. 'bytes') return 1", "0", RedisPictureTier.PREFIX)
                .redirectErrorStream(true).start();
        String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cli.waitFor()).as("redis-cli: %s", out).isZero();
        assertThat(out.strip()).isEqualTo("1");
    }

    private static List<String> doneLines(String log) {
        Matcher m = Pattern.compile("job (\\w+) done in").matcher(log);
        List<String> ids = new java.util.ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private static double metric(URI base, String name, String label) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                base.resolve("/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        double sum = 0;
        for (String line : response.body().split("\n")) {
            if (line.startsWith(name + "{") && line.contains(label)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private FakeTelegram.Call awaitCall(String method, Predicate<FakeTelegram.Call> matching, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (FakeTelegram.Call call : telegram.calls(method)) {
                if (matching.test(call)) {
                    return call;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching " + method + " within " + timeout + "; calls were "
                        + telegram.calls().stream().map(c -> c.method() + c.params()).toList());
            }
            Thread.sleep(100);
        }
    }

    private static String jobIdIn(Matcher found) {
        return found.group(1);
    }

    private static Matcher awaitLog(ImagineProcess process, Pattern line, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Matcher m = line.matcher(process.stderr());
            if (m.find()) {
                return m;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + line + "' in the log within " + timeout);
            }
            Thread.sleep(200);
        }
    }
}
