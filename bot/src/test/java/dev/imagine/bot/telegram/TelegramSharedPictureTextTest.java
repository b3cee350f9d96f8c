package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobSettings;
import dev.imagine.bot.job.JobStore;
import dev.imagine.bot.job.MvJobStore;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.PipelineOptions;
import dev.imagine.pipeline.PngParameters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Telegram users whose prompts tokenize alike share one picture: the second gets it from the cache, and both the
 * photo's PNG and its caption show the second user's own prompt, never the first one's.
 */
class TelegramSharedPictureTextTest {
    static final Path TINY_MODEL = Path.of("../pipeline/src/test/resources/reference/tiny-lcm").toAbsolutePath();
    static final long ALICE = 700;
    static final long BOB = 701;
    static final String OPTIONS = " --seed 21 --steps 1 --size 256x256";

    private static ImageGenerator pipeline;

    @TempDir
    Path data;

    private FakeTelegram telegram;
    private JobStore store;
    private JobService jobs;
    private TelegramBot bot;

    @BeforeAll
    static void loadModel() {
        pipeline = ImageGenerator.open(TINY_MODEL, new PipelineOptions(2));
    }

    @AfterAll
    static void closeModel() {
        pipeline.close();
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
            jobs.shutdown(Duration.ofSeconds(30));
            store.close();
        }
        telegram.close();
    }

    private TestGenerator start() throws Exception {
        telegram = new FakeTelegram();
        TestGenerator generator = TestGenerator.over(pipeline);
        store = MvJobStore.open(data.resolve("jobs.mv"));
        jobs = JobService.builder(JobSettings.defaults("tiny-lcm", "fixture"), generator,
                        new FairShareQueue<>(QueueSettings.DEFAULTS, InstantSource.system()),
                        new ResultCache(8 << 20, data.resolve("results"), 64 << 20), store)
                .randomSeeds(() -> 1234L).build();
        bot = new TelegramBot(TelegramBotEndToEndTest.settings(telegram.url()), jobs);
        bot.start(FakeTelegram.TOKEN);
        jobs.start();
        return generator;
    }

    private FakeTelegram.Call photoFor(long user, String name, String prompt) throws InterruptedException {
        int asked = telegram.sendText(user, "private", user, name, "/imagine " + prompt + OPTIONS);
        return telegram.await("sendPhoto", c -> c.replyToMessageId() == asked && c.result().has("photo"));
    }

    private static byte[] onlyFile(FakeTelegram.Call photo) {
        assertThat(photo.files()).hasSize(1);
        return photo.files().values().iterator().next();
    }

    private static String promptOf(byte[] png) {
        String text = PngParameters.read(png).orElseThrow();
        return text.substring(0, text.lastIndexOf('\n'));
    }

    @Test
    void aCachedPicture_isSentWithTheSecondUsersOwnPrompt_inThePngAndTheCaption() throws Exception {
        TestGenerator generator = start();
        FakeTelegram.Call alices = photoFor(ALICE, "alice", "My Private Diary Entry");

        FakeTelegram.Call bobs = photoFor(BOB, "bob", "my   private diary entry");

        assertThat(generator.generations).as("Bob's picture came from the cache").hasValue(1);
        byte[] bobsPng = onlyFile(bobs);
        assertThat(promptOf(bobsPng)).isEqualTo("my   private diary entry");
        assertThat(new String(bobsPng, StandardCharsets.ISO_8859_1)).doesNotContain("My Private Diary Entry");
        assertThat(TestGenerator.pixelData(bobsPng)).isEqualTo(TestGenerator.pixelData(onlyFile(alices)));
        assertThat(bobs.param("caption")).startsWith("my   private diary entry\n")
                .doesNotContain("My Private Diary Entry");
        assertThat(promptOf(onlyFile(alices))).isEqualTo("My Private Diary Entry");
    }
}
