package dev.imagine.bot.discord;

import static dev.imagine.bot.testing.Pngs.imageData;
import static dev.imagine.bot.testing.Pngs.promptOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.discord.FakeDiscord.Request;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.Engine;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.bot.testing.TinyModel;
import dev.imagine.pipeline.ImageGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Discord users whose prompts tokenize alike share one picture: the second gets it from the cache, and both the
 * attached PNG and the embed show the second user's own prompt, never the first one's.
 */
class DiscordSharedPictureTextTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    private static final ImageGenerator pipeline = TinyModel.shared();

    @TempDir
    Path data;

    private FakeDiscord discord;
    private Engine engine;

    @AfterEach
    void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
        discord.close();
    }

    private TestGenerator start() throws Exception {
        discord = new FakeDiscord();
        TestGenerator generator = TestGenerator.over(pipeline);
        AtomicLong seeds = new AtomicLong(1000);
        engine = new Engine(data, generator, QueueSettings.DEFAULTS, seeds::incrementAndGet);
        DiscordSettings settings = DiscordSettings.DEFAULTS.withEndpoints(discord.restUrl(), discord.gatewayUrl())
                .withReadyTimeout(Duration.ofSeconds(15));
        engine.open(new DiscordBot(FakeDiscord.TOKEN, settings, engine.jobs(), data));
        engine.startWorking();
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
        assertThat(imageData(bobsPng)).isEqualTo(imageData(alicesPng));
        DataObject embed = bobs.payload().getArray("embeds").getObject(0);
        assertThat(embed.getString("description")).isEqualTo("my   private diary entry");
        assertThat(embed.toString()).doesNotContain("My Private Diary Entry");
        assertThat(promptOf(alicesPng)).isEqualTo("My Private Diary Entry");
    }
}
