package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.discord.FakeDiscord.Request;
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
import java.util.concurrent.atomic.AtomicLong;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Discord users whose prompts tokenize alike share one picture: the second gets it from the cache, and both the
 * attached PNG and the embed show the second user's own prompt, never the first one's.
 */
class DiscordSharedPictureTextTest {
    static final Path TINY_MODEL = Path.of("../pipeline/src/test/resources/reference/tiny-lcm").toAbsolutePath();
    static final Duration WAIT = Duration.ofSeconds(20);

    private static ImageGenerator pipeline;

    @TempDir
    Path data;

    private FakeDiscord discord;
    private JobStore store;
    private JobService service;
    private DiscordBot bot;

    @BeforeAll
    static void loadModel() {
        pipeline = ImageGenerator.open(TINY_MODEL, new PipelineOptions(2));
    }

    @AfterAll
    static void closeModel() {
        pipeline.close();
    }

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.shutdown(Duration.ofSeconds(30));
            bot.close();
            store.close();
        }
        discord.close();
    }

    private TestGenerator start() throws Exception {
        discord = new FakeDiscord();
        TestGenerator generator = TestGenerator.over(pipeline);
        store = MvJobStore.open(data.resolve("jobs.mv"));
        AtomicLong seeds = new AtomicLong(1000);
        service = JobService.builder(JobSettings.defaults("tiny-lcm", "fixture"), generator,
                        new FairShareQueue<>(QueueSettings.DEFAULTS, InstantSource.system()),
                        new ResultCache(8 << 20, data.resolve("results"), 64 << 20), store)
                .randomSeeds(seeds::incrementAndGet).build();
        DiscordSettings settings = DiscordSettings.DEFAULTS.withEndpoints(discord.restUrl(), discord.gatewayUrl())
                .withReadyTimeout(Duration.ofSeconds(15));
        bot = DiscordBot.start(FakeDiscord.TOKEN, settings, service, data);
        service.start();
        return generator;
    }

    private String imagine(FakeDiscord.User who, String prompt) {
        return discord.slash(who, "imagine", FakeDiscord.option("prompt", prompt), FakeDiscord.option("seed", 21L),
                FakeDiscord.option("steps", 1), FakeDiscord.option("size", "256x256"));
    }

    /** Whatever carried the picture for this interaction (the edited reply or a follow-up). */
    private Request picture(String token) throws InterruptedException {
        return discord.await(r -> token.equals(r.token()) && !r.files().isEmpty() && r.status() < 300, WAIT,
                "the picture for " + token);
    }

    private static String promptOf(byte[] png) {
        String text = PngParameters.read(png).orElseThrow();
        return text.substring(0, text.lastIndexOf('\n'));
    }

    @Test
    void aCachedPicture_isPostedWithTheSecondUsersOwnPrompt_inThePngAndTheEmbed() throws Exception {
        TestGenerator generator = start();
        Request alices = picture(imagine(FakeDiscord.ALICE, "My Private Diary Entry"));

        Request bobs = picture(imagine(FakeDiscord.BOB, "my   private diary entry"));

        assertThat(generator.generations).as("Bob's picture came from the cache").hasValue(1);
        byte[] bobsPng = bobs.files().get(0).bytes();
        byte[] alicesPng = alices.files().get(0).bytes();
        assertThat(promptOf(bobsPng)).isEqualTo("my   private diary entry");
        assertThat(new String(bobsPng, StandardCharsets.ISO_8859_1)).doesNotContain("My Private Diary Entry");
        assertThat(TestGenerator.pixelData(bobsPng)).isEqualTo(TestGenerator.pixelData(alicesPng));
        DataObject embed = bobs.payload().getArray("embeds").getObject(0);
        assertThat(embed.getString("description")).isEqualTo("my   private diary entry");
        assertThat(embed.toString()).doesNotContain("My Private Diary Entry");
        assertThat(promptOf(alicesPng)).isEqualTo("My Private Diary Entry");
    }
}
