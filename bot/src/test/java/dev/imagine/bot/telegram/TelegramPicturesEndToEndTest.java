package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.JobSource;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.ReplyTexts;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.Engine;
import dev.imagine.bot.testing.Pictures;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.bot.testing.TinyModel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pictures as input on Telegram, end to end: the real TelegramBots client against {@link FakeTelegram}, which serves
 * files as the Bot API does (getFile, then the file download, 20 MB at most), and real jobs on the tiny fixture model
 * with its tiny upscaler.
 */
class TelegramPicturesEndToEndTest {
    static final long GROUP = -1001234567890L;
    static final long ALICE = 700;
    static final long BOB = 701;

    @TempDir
    Path data;

    private FakeTelegram telegram;
    private TestGenerator generator;
    private Engine engine;
    private JobService jobs;

    private final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
            new ch.qos.logback.core.read.ListAppender<>();

    private static ch.qos.logback.classic.Logger root() {
        return (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @BeforeEach
    void start() throws Exception {
        logs.start();
        root().addAppender(logs);
        telegram = new FakeTelegram();
        generator = TestGenerator.over(TinyModel.shared());
        engine = new Engine(data, generator, QueueSettings.DEFAULTS, () -> 1234L);
        jobs = engine.jobs();
        engine.open(new TelegramBot(TelegramBotEndToEndTest.settings(telegram.url()), jobs, FakeTelegram.TOKEN));
        engine.startWorking();
    }

    /** The file download's URL holds the token: neither it nor the token may reach a log. */
    @AfterEach
    void stop_andCheckTheTokenNeverReachedALog() {
        engine.close();
        telegram.close();
        root().detachAppender(logs);
        String secret = FakeTelegram.TOKEN.substring(FakeTelegram.TOKEN.indexOf(':') + 1);
        for (ch.qos.logback.classic.spi.ILoggingEvent event : logs.list) {
            String text = event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                    : ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertThat(text).as("log line").doesNotContain(secret).doesNotContain("/file/bot");
        }
    }

    private FakeTelegram.Call photoReplyingTo(int messageId) throws InterruptedException {
        return telegram.await("sendPhoto", c -> c.replyToMessageId() == messageId && c.result().has("photo"));
    }

    private static byte[] onlyFile(FakeTelegram.Call photo) {
        assertThat(photo.files()).hasSize(1);
        return photo.files().values().iterator().next();
    }

    private Job jobOf(FakeTelegram.Call photo) {
        String id = photo.callbackData().stream().filter(d -> d.startsWith("same:")).findFirst().orElseThrow()
                .split(":")[1];
        return jobs.job(id).orElseThrow();
    }

    private static BufferedImage decoded(byte[] png) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    /**
     * The words the person sees for their request: a new message replying to it (the adapter's own answer), or the
     * request's status message edited (the job service's).
     */
    private String answerTo(int asked) throws InterruptedException {
        FakeTelegram.Call first = telegram.await("sendMessage", c -> c.replyToMessageId() == asked);
        if (!Texts.PLACEHOLDER.equals(first.param("text"))) {
            return first.param("text");
        }
        String status = Integer.toString(first.resultMessageId());
        return telegram.await("editMessageText", c -> status.equals(c.param("message_id"))).param("text");
    }

    @Test
    void aPhotoWithImagineAsItsCaption_isFetchedWithGetFile_andDrawnFromItsLargestSize() throws Exception {
        int asked = telegram.sendPhoto(ALICE, "private", ALICE, "alice", Pictures.jpeg(320, 256), 320, 256,
                "/imagine a watercolour fox --strength 0.6 --steps 2 --seed 9");

        FakeTelegram.Call photo = photoReplyingTo(asked);

        Job job = jobOf(photo);
        assertThat(job.parameters().source().kind()).isEqualTo(JobSource.Kind.IMAGE_TO_IMAGE);
        assertThat(job.parameters().source().strength()).isEqualTo(0.6);
        assertThat(job.parameters().prompt()).isEqualTo("a watercolour fox");
        assertThat(decoded(onlyFile(photo)).getWidth()).as("the photo, not its 90-pixel thumbnail").isEqualTo(320);
        assertThat(Pngs.settingsOf(Pngs.parametersOf(onlyFile(photo)))).containsEntry("Denoising strength", "0.6");
        assertThat(telegram.calls("getFile")).hasSize(1);
        assertThat(telegram.downloads()).hasSize(1).allMatch(path -> path.startsWith("photos/"));
    }

    @Test
    void imagineAsAReplyToAnImageDocument_inAGroup_startsFromThatDocument() throws Exception {
        int document = telegram.sendDocument(GROUP, "supergroup", BOB, "bob", Pictures.png(256, 320), "sketch.png",
                "image/png", null);
        int asked = telegram.sendTextReplyingTo(GROUP, "supergroup", ALICE, "alice",
                "/imagine@img_bot an oil painting --steps 2", document);

        FakeTelegram.Call photo = photoReplyingTo(asked);

        Job job = jobOf(photo);
        assertThat(job.parameters().size().toString()).isEqualTo("256x320");
        assertThat(job.parameters().source().strength()).isEqualTo(0.5);
        assertThat(decoded(onlyFile(photo)).getHeight()).isEqualTo(320);
    }

    @Test
    void aFileTooLargeForImagine_isRefusedBeforeItIsFetched_andOneThatIsNoPicture_withWhatIsAccepted()
            throws Exception {
        byte[] huge = Arrays.copyOf(Pictures.png(64, 64), 21_000_000);
        int big = telegram.sendDocument(ALICE, "private", ALICE, "alice", huge, "huge.png", "image/png",
                "/imagine a fox");
        int gif = telegram.sendDocument(ALICE, "private", ALICE, "alice", Pictures.gif(), "cat.gif", "image/gif",
                "/imagine a fox");
        int noWords = telegram.sendPhoto(ALICE, "private", ALICE, "alice", Pictures.jpeg(256, 256), 256, 256, null);

        assertThat(answerTo(big)).contains("21.0 MB")
                .contains("Imagine accepts pictures of up to 20 MB");
        assertThat(answerTo(gif)).contains("I can't use that picture")
                .contains("a GIF, which is not accepted").contains("PNG, JPEG and WebP");
        assertThat(answerTo(noWords)).contains("the prompt is empty");
        assertThat(telegram.downloads()).as("the large file is never fetched").hasSize(2);
        assertThat(jobs.jobsOf(new dev.imagine.bot.command.User("telegram", Long.toString(ALICE), "alice"), 10))
                .isEmpty();
    }

    @Test
    void theButtonsUnderAPicture_varyAndUpscaleIt() throws Exception {
        int asked = telegram.sendText(ALICE, "private", ALICE, "alice", "/imagine a red fox --seed 42 --steps 2"
                + " --size 256x256");
        FakeTelegram.Call first = photoReplyingTo(asked);
        String jobId = jobOf(first).id();
        int under = first.resultMessageId();

        telegram.press(ALICE, BOB, "bob", under, "vst:" + jobId);
        FakeTelegram.Call varied = photoReplyingTo(under);
        telegram.press(ALICE, BOB, "bob", varied.resultMessageId(), "upd:" + jobOf(varied).id());
        FakeTelegram.Call upscaled = photoReplyingTo(varied.resultMessageId());

        assertThat(jobOf(varied).parameters().source().strength()).isEqualTo(0.7);
        assertThat(jobOf(varied).parameters().seed()).isNotEqualTo(42L);
        assertThat(jobOf(varied).owner().id()).isEqualTo(Long.toString(BOB));
        assertThat(decoded(onlyFile(upscaled)).getWidth()).isEqualTo(512);
        assertThat(Pngs.settingsOf(Pngs.parametersOf(onlyFile(upscaled))))
                .containsEntry("SD upscale upscaler", "tiny-srvgg").containsEntry("Denoising strength", "0.3");
        assertThat(upscaled.callbackData()).contains("up:" + jobOf(upscaled).id());
    }

    @Test
    void upscale_onABotWithoutAnUpscaler_saysSoPolitely() throws Exception {
        int asked = telegram.sendText(ALICE, "private", ALICE, "alice", "/imagine a red fox --seed 42 --steps 2"
                + " --size 256x256");
        FakeTelegram.Call first = photoReplyingTo(asked);
        generator.withoutUpscaler();

        String query = telegram.press(ALICE, ALICE, "alice", first.resultMessageId(), "up:" + jobOf(first).id());

        FakeTelegram.Call answer = telegram.await("answerCallbackQuery",
                c -> c.param("callback_query_id").equals(query));
        assertThat(answer.param("text")).isEqualTo(ReplyTexts.NO_UPSCALER);
    }

    @Test
    void aMaskWithInpaintAsItsCaption_replyingToAPhoto_redrawsItsWhitePart_andKeepsTheRest() throws Exception {
        byte[] picture = Pictures.png(256, 256);
        int photo = telegram.sendDocument(ALICE, "private", ALICE, "alice", picture, "room.png", "image/png", null);
        answerTo(photo);
        int asked = telegram.sendDocumentReplyingTo(ALICE, "private", ALICE, "alice",
                Pictures.mask(256, 256, 64, 64, 192, 192), "mask.png", "/inpaint a red hat --steps 2", photo);
        int alone = telegram.sendDocument(ALICE, "private", ALICE, "alice", Pictures.mask(64, 64, 0, 0, 8, 8),
                "mask.png", "image/png", "/inpaint a red hat");

        FakeTelegram.Call result = photoReplyingTo(asked);

        Job job = jobOf(result);
        assertThat(job.parameters().source().kind()).isEqualTo(JobSource.Kind.INPAINT);
        assertThat(job.parameters().prompt()).isEqualTo("a red hat");
        java.awt.image.BufferedImage drawn = decoded(onlyFile(result));
        java.awt.image.BufferedImage source = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(picture));
        assertThat(drawn.getRGB(5, 5)).as("far from the mask, the picture itself").isEqualTo(source.getRGB(5, 5));
        assertThat(Pngs.settingsOf(Pngs.parametersOf(onlyFile(result)))).containsEntry("Mask blur", "4");
        assertThat(result.callbackData()).contains("zo:" + job.id(), "pd:" + job.id());
        assertThat(answerTo(alone)).isEqualTo(Texts.INPAINT_HOW);
    }

    @Test
    void theZoomAndPanButtons_drawAroundThePicture() throws Exception {
        int asked = telegram.sendText(ALICE, "private", ALICE, "alice", "/imagine a red fox --seed 42 --steps 2"
                + " --size 256x256");
        FakeTelegram.Call first = photoReplyingTo(asked);
        String jobId = jobOf(first).id();

        telegram.press(ALICE, BOB, "bob", first.resultMessageId(), "zo:" + jobId);
        FakeTelegram.Call zoomed = photoReplyingTo(first.resultMessageId());
        telegram.press(ALICE, BOB, "bob", zoomed.resultMessageId(), "pd:" + jobOf(zoomed).id());
        FakeTelegram.Call panned = photoReplyingTo(zoomed.resultMessageId());

        assertThat(Pngs.settingsOf(Pngs.parametersOf(onlyFile(zoomed)))).containsEntry("Outpaint", "zoom-1.5");
        assertThat(decoded(onlyFile(panned)).getHeight()).isEqualTo(384);
        assertThat(jobOf(panned).owner().id()).isEqualTo(Long.toString(BOB));
        assertThat(panned.callbackData()).contains("pl:" + jobOf(panned).id());
    }
}
