package dev.imagine.bot.telegram;

import static dev.imagine.bot.testing.Pngs.imageData;
import static dev.imagine.bot.testing.Pngs.promptOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.Engine;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.bot.testing.TinyModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Telegram users whose prompts tokenize alike share one picture: the second gets it from the cache, and both the
 * photo's PNG and its caption show the second user's own prompt, never the first one's.
 */
class TelegramSharedPictureTextTest {
    static final long ALICE = 700;
    static final long BOB = 701;
    static final String OPTIONS = " --seed 21 --steps 1 --size 256x256";

    @TempDir
    Path data;

    private final FakeTelegram telegram = new FakeTelegram();
    private Engine engine;

    TelegramSharedPictureTextTest() throws IOException {
    }

    @AfterEach
    void stop() {
        try (FakeTelegram stopped = telegram) {
            if (engine != null) {
                engine.close();
            }
        }
    }

    private TestGenerator start() throws Exception {
        TestGenerator generator = TestGenerator.over(TinyModel.shared());
        engine = new Engine(data, generator, QueueSettings.DEFAULTS, () -> 1234L);
        engine.open(new TelegramBot(TelegramBotEndToEndTest.settings(telegram.url()), engine.jobs(),
                FakeTelegram.TOKEN));
        engine.startWorking();
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

    @Test
    void aCachedPicture_isSentWithTheSecondUsersOwnPrompt_inThePngAndTheCaption() throws Exception {
        TestGenerator generator = start();
        FakeTelegram.Call alices = photoFor(ALICE, "alice", "My Private Diary Entry");

        FakeTelegram.Call bobs = photoFor(BOB, "bob", "my   private diary entry");

        assertThat(generator.generations).as("Bob's picture came from the cache").hasValue(1);
        byte[] bobsPng = onlyFile(bobs);
        assertThat(promptOf(bobsPng)).isEqualTo("my   private diary entry");
        assertThat(new String(bobsPng, StandardCharsets.ISO_8859_1)).doesNotContain("My Private Diary Entry");
        assertThat(imageData(bobsPng)).isEqualTo(imageData(onlyFile(alices)));
        assertThat(bobs.param("caption")).startsWith("my   private diary entry\n")
                .doesNotContain("My Private Diary Entry");
        assertThat(promptOf(onlyFile(alices))).isEqualTo("My Private Diary Entry");
    }
}
