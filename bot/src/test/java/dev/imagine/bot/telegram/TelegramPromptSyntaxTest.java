package dev.imagine.bot.telegram;

import static dev.imagine.bot.testing.Pngs.imageData;
import static dev.imagine.bot.testing.Pngs.promptOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.PromptSyntax;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.Engine;
import dev.imagine.bot.testing.LongPrompts;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.bot.testing.TinyModel;
import dev.imagine.pipeline.PngParameters;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompts as people write them, on Telegram: a weighted long prompt is drawn whole and the caption says it was read in
 * chunks; {@code /settings prompt-syntax plain} makes the person's prompts cut after 75 tokens, and the caption says
 * what was dropped; Same seed keeps the job's syntax. The real adapter against {@link FakeTelegram}, the fixture
 * model drawing.
 */
class TelegramPromptSyntaxTest {
    static final long ALICE = 700;
    static final long BOB = 701;
    static final long GROUP = -1001234567890L;
    static final String OPTIONS = " --seed 21 --steps 1 --size 256x256";

    @TempDir
    Path data;

    private final FakeTelegram telegram = new FakeTelegram();
    private Engine engine;
    private TestGenerator generator;

    TelegramPromptSyntaxTest() throws IOException {
    }

    @AfterEach
    void stop() {
        try (FakeTelegram stopped = telegram) {
            if (engine != null) {
                engine.close();
            }
        }
    }

    private void start() {
        generator = TestGenerator.over(TinyModel.shared());
        engine = new Engine(data, generator, QueueSettings.DEFAULTS, () -> 1234L);
        engine.open(new TelegramBot(TelegramBotEndToEndTest.settings(telegram.url()), engine.jobs(),
                FakeTelegram.TOKEN));
        engine.startWorking();
    }

    private FakeTelegram.Call photoReplyingTo(int messageId) throws InterruptedException {
        return telegram.await("sendPhoto", c -> c.replyToMessageId() == messageId && c.result().has("photo"));
    }

    private String answerTo(int messageId) throws InterruptedException {
        return telegram.await("sendMessage", c -> c.replyToMessageId() == messageId).param("text");
    }

    private static byte[] onlyFile(FakeTelegram.Call photo) {
        assertThat(photo.files()).hasSize(1);
        return photo.files().values().iterator().next();
    }

    private static String lastLine(String caption) {
        return caption.substring(caption.lastIndexOf('\n') + 1);
    }

    private String jobIdOf(FakeTelegram.Call photo) {
        return photo.callbackData().get(0).split(":")[1];
    }

    @Test
    void aWeightedLongPrompt_isDrawnWhole_andTheCaptionSaysItWasReadInChunks() throws Exception {
        start();

        FakeTelegram.Call photo = photoReplyingTo(telegram.sendText(ALICE, "private", ALICE, "alice",
                "/imagine " + LongPrompts.WEIGHTED + OPTIONS));

        assertThat(photo.param("caption")).startsWith(LongPrompts.WEIGHTED + "\nseed 21 · 1 step · 256x256");
        assertThat(lastLine(photo.param("caption"))).matches("ℹ️ " + LongPrompts.READ_IN_CHUNKS);
        assertThat(promptOf(onlyFile(photo))).isEqualTo(LongPrompts.WEIGHTED);
        assertThat(generator.generated).singleElement().extracting(r -> r.promptSyntax().name()).isEqualTo("A1111");
    }

    @Test
    void settingsPromptSyntaxPlain_cutsThePersonsPrompts_theCaptionSaysWhatWasDropped_andSameSeedKeepsIt()
            throws Exception {
        start();
        FakeTelegram.Call weighted = photoReplyingTo(telegram.sendText(GROUP, "supergroup", ALICE, "alice",
                "/imagine " + LongPrompts.WEIGHTED + OPTIONS));

        int settings = telegram.sendText(ALICE, "private", ALICE, "alice", "/settings prompt-syntax plain");
        assertThat(answerTo(settings)).startsWith("Saved.").contains("prompts read as plain");
        FakeTelegram.Call plain = photoReplyingTo(telegram.sendText(GROUP, "supergroup", ALICE, "alice",
                "/imagine " + LongPrompts.WEIGHTED + OPTIONS));

        assertThat(lastLine(plain.param("caption"))).matches("ℹ️ " + LongPrompts.CUT);
        assertThat(Pngs.settingsOf(PngParameters.read(onlyFile(plain)).orElseThrow()))
                .containsEntry("Prompt syntax", "plain");
        assertThat(imageData(onlyFile(plain))).isNotEqualTo(imageData(onlyFile(weighted)));

        telegram.press(GROUP, BOB, "bob", plain.resultMessageId(), "same:" + jobIdOf(plain));
        FakeTelegram.Call replay = photoReplyingTo(plain.resultMessageId());

        assertThat(engine.jobs().job(jobIdOf(replay)).orElseThrow().parameters().promptSyntax())
                .as("Bob reads as a1111, but Same seed keeps the job's syntax").isEqualTo(PromptSyntax.PLAIN);
        assertThat(imageData(onlyFile(replay))).isEqualTo(imageData(onlyFile(plain)));
        assertThat(generator.generations).as("Same seed came from the cache").hasValue(2);
    }

    @Test
    void oneRequest_canAskForItsOwnSyntax_andAWrongOneIsExplained() throws Exception {
        start();

        FakeTelegram.Call plain = photoReplyingTo(telegram.sendText(BOB, "private", BOB, "bob",
                "/imagine " + LongPrompts.WEIGHTED + OPTIONS + " --prompt-syntax plain"));
        int wrong = telegram.sendText(BOB, "private", BOB, "bob", "/settings syntax compel");

        assertThat(lastLine(plain.param("caption"))).matches("ℹ️ " + LongPrompts.CUT);
        assertThat(answerTo(wrong)).startsWith("I didn't understand `syntax compel`: prompt-syntax must be a1111")
                .contains("Use: /settings").contains("prompt-syntax plain");
    }

    @Test
    void help_explainsWeightsBreakLongPromptsAndThePlainOption() throws Exception {
        start();

        int help = telegram.sendText(ALICE, "private", ALICE, "alice", "/help");

        assertThat(answerTo(help)).contains("(word:1.2)", "[word]", "BREAK", "long prompt", "--prompt-syntax plain",
                "/settings steps 2 size 384x384 prompt-syntax plain");
    }
}
