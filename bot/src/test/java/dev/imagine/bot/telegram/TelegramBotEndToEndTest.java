package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.ReplyTexts;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.Engine;
import dev.imagine.bot.testing.OutOfRange;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.bot.testing.TinyModel;
import dev.imagine.pipeline.ImageGenerator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The real TelegramBots client, long polling and all, against {@link FakeTelegram} on 127.0.0.1; real jobs through
 * the job service, the real pipeline on the tiny fixture model, and the durable store and cache on disk.
 */
class TelegramBotEndToEndTest {
    static final long GROUP = -1001234567890L;
    static final long ALICE = 700;
    static final long BOB = 701;
    static final String FOX = "a red fox --seed 42 --steps 2 --size 256x256";

    private static final ImageGenerator pipeline = TinyModel.shared();

    @TempDir
    Path data;

    private FakeTelegram telegram;
    private final List<Imagine> started = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<Logger> debugLoggers = new ArrayList<>();

    @BeforeEach
    void startFakeTelegram() throws IOException {
        telegram = new FakeTelegram();
        logs.start();
        root().addAppender(logs);
        for (String name : List.of("dev.imagine.bot.telegram", "org.telegram")) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            logger.setLevel(Level.DEBUG);
            debugLoggers.add(logger);
        }
    }

    @AfterEach
    void stopEverything_andCheckTheTokenNeverReachedALog() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        telegram.close();
        root().detachAppender(logs);
        debugLoggers.forEach(logger -> logger.setLevel(null));
        String secret = FakeTelegram.TOKEN.substring(FakeTelegram.TOKEN.indexOf(':') + 1);
        for (ILoggingEvent event : logs.list) {
            String text = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertThat(text).as("log line").doesNotContain(secret).doesNotContain("/bot");
        }
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** One running Imagine: store, cache, job service and Telegram bot, on this test's data folder. */
    private final class Imagine implements AutoCloseable {
        final TestGenerator generator = TestGenerator.over(pipeline);
        final Engine engine;
        final JobService jobs;

        Imagine(QueueSettings queue, TelegramSettings telegramSettings) {
            engine = new Engine(data, generator, queue, () -> 1234L);
            jobs = engine.jobs();
            engine.open(new TelegramBot(telegramSettings, jobs, FakeTelegram.TOKEN));
            engine.startWorking();
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    /** Telegram's real limits, scaled down so the suite stays fast; their pacing is tested in RateLimiterTest. */
    static TelegramSettings settings(String url) {
        return TelegramSettings.defaults().withApiUrl(url).withPollTimeout(Duration.ofSeconds(2))
                .withPacing(new TelegramSettings.Pacing(Duration.ofMillis(10), 1000, 1000))
                .withEditIntervals(Duration.ofMillis(50), Duration.ofMillis(200));
    }

    private Imagine startImagine() {
        return startImagine(QueueSettings.DEFAULTS);
    }

    private Imagine startImagine(QueueSettings queue) {
        return startImagine(queue, settings(telegram.url()));
    }

    private Imagine startImagine(QueueSettings queue, TelegramSettings telegramSettings) {
        Imagine imagine = new Imagine(queue, telegramSettings);
        started.add(imagine);
        return imagine;
    }

    private FakeTelegram.Call photoReplyingTo(int messageId) throws InterruptedException {
        return telegram.await("sendPhoto", c -> c.replyToMessageId() == messageId && c.result().has("photo"));
    }

    /**
     * The first reply to message {@code asked} once it says what {@code expected} looks for: as it was sent, or as an
     * edit made it (the status message of an accepted job is edited as the job moves on).
     */
    private String firstReplyTo(int asked, Predicate<String> expected) throws InterruptedException {
        FakeTelegram.Call first = telegram.await("sendMessage", c -> c.replyToMessageId() == asked);
        if (expected.test(first.param("text"))) {
            return first.param("text");
        }
        String id = Integer.toString(first.resultMessageId());
        return telegram.await("editMessageText", c -> c.chatId() == first.chatId() && c.param("message_id").equals(id)
                && expected.test(c.param("text"))).param("text");
    }

    private static byte[] onlyFile(FakeTelegram.Call photo) {
        assertThat(photo.files()).hasSize(1);
        return photo.files().values().iterator().next();
    }

    private static String jobIdOf(FakeTelegram.Call photo, String verb) {
        return photo.callbackData().stream().filter(d -> d.startsWith(verb + ":")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + verb + " button in " + photo.callbackData()))
                .split(":")[1];
    }

    private static String pngText(byte[] png) {
        return new String(png, StandardCharsets.ISO_8859_1);
    }

    // ---- tests ----

    @Test
    void start_deletesTheWebhook_andRegistersTheCommandList() throws Exception {
        startImagine();

        telegram.await("deleteWebhook");
        FakeTelegram.Call commands = telegram.await("setMyCommands");
        List<String> names = new ArrayList<>();
        commands.json("commands").forEach(c -> names.add(c.get("command").asText()));
        assertThat(names).containsExactly("imagine", "inpaint", "queue", "cancel", "settings", "moderate", "help");
        telegram.await("getUpdates");
    }

    @Test
    void imagineInAGroup_repliesAtOnce_thenPostsThePhotoWithButtons_andDeletesTheStatusMessage() throws Exception {
        Imagine imagine = startImagine();
        int asked = telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/imagine@img_bot " + FOX);

        FakeTelegram.Call status = telegram.await("sendMessage", c -> c.replyToMessageId() == asked);
        assertThat(status.param("text")).as("the first reply says where the job is, no placeholder first")
                .containsAnyOf("⏳ Queued #1", "🎨 Drawing");
        FakeTelegram.Call photo = photoReplyingTo(asked);

        byte[] png = onlyFile(photo);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(256);
        assertThat(image.getHeight()).isEqualTo(256);
        assertThat(pngText(png)).contains("parameters").contains("a red fox").contains("Seed: 42");
        assertThat(photo.param("caption")).startsWith("a red fox\n")
                .contains("seed 42").contains("2 steps").contains("256x256").contains("guidance 8")
                .doesNotContain("from cache");
        String jobId = jobIdOf(photo, "same");
        assertThat(photo.callbackData()).containsExactly("same:" + jobId, "rr:" + jobId, "var:" + jobId,
                "vst:" + jobId, "up:" + jobId, "upd:" + jobId, "zo:" + jobId, "zoo:" + jobId, "pl:" + jobId,
                "pr:" + jobId, "pu:" + jobId, "pd:" + jobId, "del:" + jobId);
        assertThat(photo.chatId()).isEqualTo(GROUP);
        assertThat(imagine.jobs.job(jobId).orElseThrow().origin()).as("what the job store keeps to answer later")
                .isEqualTo("tg1:" + GROUP + ":supergroup:" + asked + ":" + status.resultMessageId() + ":0");

        FakeTelegram.Call deleted = telegram.await("deleteMessage",
                c -> c.param("message_id").equals(Integer.toString(status.resultMessageId())));
        assertThat(telegram.calls().indexOf(deleted)).isGreaterThan(telegram.calls().indexOf(photo));
        FakeTelegram.Call action = telegram.await("sendChatAction");
        assertThat(action.param("action")).isEqualTo("upload_photo");
        assertThat(action.atNanos()).isLessThan(photo.atNanos());
        // Every edit went to the status message; none after it was deleted.
        for (FakeTelegram.Call edit : telegram.calls("editMessageText")) {
            assertThat(edit.param("message_id")).isEqualTo(Integer.toString(status.resultMessageId()));
            assertThat(edit.atNanos()).isLessThan(deleted.atNanos());
        }
    }

    @Test
    void aCommand_reachesTheJobServiceBeforeItsFirstReplyIsOut_andTheStatusMessageIsKeptWithTheJobWhenItIs()
            throws Exception {
        Imagine imagine = startImagine();
        imagine.generator.hold();
        telegram.floodOnce("sendMessage", 5); // the first reply must wait 5 s before Telegram takes it
        int asked = telegram.sendText(ALICE, "private", ALICE, "alice", "/imagine " + FOX);

        assertThat(imagine.generator.entered.tryAcquire(4, TimeUnit.SECONDS))
                .as("the job is drawn while its first reply still waits").isTrue();
        assertThat(telegram.calls("sendMessage")).noneMatch(c -> c.result().has("message_id"));
        FakeTelegram.Call status = telegram.await("sendMessage", c -> c.replyToMessageId() == asked
                && c.result().has("message_id"));
        assertThat(status.param("text")).as("the news that came meanwhile travels in it")
                .isEqualTo(ReplyTexts.drawing(0, 2).withIcon());
        String jobId = status.callbackData().get(0).split(":")[1];
        imagine.generator.open();

        photoReplyingTo(asked);
        assertThat(imagine.jobs.job(jobId).orElseThrow().origin()).as("kept with the job, through its later saves")
                .isEqualTo("tg1:" + ALICE + ":private:" + asked + ":" + status.resultMessageId() + ":0");
        telegram.await("deleteMessage", c -> c.param("message_id").equals(Integer.toString(status.resultMessageId())));
    }

    @Test
    void imagineInAPrivateChat_postsThePhoto() throws Exception {
        startImagine();
        int asked = telegram.sendText(ALICE, "private", ALICE, "alice", "/imagine " + FOX);

        byte[] png = onlyFile(photoReplyingTo(asked));

        assertThat(ImageIO.read(new ByteArrayInputStream(png)).getWidth()).isEqualTo(256);
        assertThat(pngText(png)).contains("Seed: 42");
    }

    @Test
    void plainTextInAPrivateChat_isAPrompt_butPlainTextInAGroupIsIgnored() throws Exception {
        Imagine imagine = startImagine();
        telegram.sendText(GROUP, "supergroup", BOB, "bob", "a blue whale --seed 5 --steps 1 --size 256x256");
        int asked = telegram.sendText(ALICE, "private", ALICE, "alice",
                "a lighthouse at dusk —seed 7 --steps 1 --size 256x256");

        FakeTelegram.Call photo = photoReplyingTo(asked);

        assertThat(pngText(onlyFile(photo))).contains("a lighthouse at dusk").contains("Seed: 7");
        assertThat(photo.param("caption")).contains("1 step ");
        assertThat(imagine.generator.generations).hasValue(1);
        assertThat(telegram.calls()).noneMatch(c -> c.params().containsKey("chat_id")
                && c.param("chat_id").equals(Long.toString(GROUP)));
    }

    @Test
    void sameSeed_sendsIdenticalBytesFromTheCache_withoutRunningThePipeline() throws Exception {
        Imagine imagine = startImagine();
        int asked = telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/imagine " + FOX);
        FakeTelegram.Call first = photoReplyingTo(asked);
        String jobId = jobIdOf(first, "same");

        String query = telegram.press(GROUP, BOB, "bob", first.resultMessageId(), "same:" + jobId);

        FakeTelegram.Call replay = photoReplyingTo(first.resultMessageId());
        assertThat(onlyFile(replay)).isEqualTo(onlyFile(first));
        assertThat(replay.param("caption")).contains("seed 42").contains("from cache");
        assertThat(imagine.generator.generations).hasValue(1);
        telegram.await("answerCallbackQuery", c -> c.param("callback_query_id").equals(query));
        assertThat(jobIdOf(replay, "same")).isNotEqualTo(jobId); // Bob's own job, so Bob may delete his copy
    }

    @Test
    void reroll_drawsThePromptAgainWithANewSeed() throws Exception {
        Imagine imagine = startImagine();
        int asked = telegram.sendText(ALICE, "private", ALICE, "alice", "/imagine " + FOX);
        FakeTelegram.Call first = photoReplyingTo(asked);

        String query = telegram.press(ALICE, ALICE, "alice", first.resultMessageId(), "rr:" + jobIdOf(first, "rr"));

        FakeTelegram.Call rerolled = photoReplyingTo(first.resultMessageId());
        assertThat(onlyFile(rerolled)).isNotEqualTo(onlyFile(first));
        assertThat(pngText(onlyFile(rerolled))).contains("a red fox").contains("Seed: 1234");
        assertThat(rerolled.param("caption")).contains("seed 1234");
        assertThat(imagine.generator.generations).hasValue(2);
        FakeTelegram.Call answer = telegram.await("answerCallbackQuery",
                c -> c.param("callback_query_id").equals(query));
        assertThat(answer.param("text")).startsWith("Queued #1");
    }

    @Test
    void delete_byAStrangerIsRefused_andByTheOwnerDeletesThePhoto() throws Exception {
        startImagine();
        int asked = telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/imagine " + FOX);
        FakeTelegram.Call photo = photoReplyingTo(asked);
        String delete = "del:" + jobIdOf(photo, "del");
        String photoId = Integer.toString(photo.resultMessageId());

        String byBob = telegram.press(GROUP, BOB, "bob", photo.resultMessageId(), delete);
        FakeTelegram.Call refused = telegram.await("answerCallbackQuery",
                c -> c.param("callback_query_id").equals(byBob));
        assertThat(refused.param("text")).isEqualTo("Only the person who asked for this picture (or this"
                + " community's admins) can delete it.");
        assertThat(refused.param("show_alert")).isEqualTo("true");

        String byAlice = telegram.press(GROUP, ALICE, "alice", photo.resultMessageId(), delete);
        FakeTelegram.Call done = telegram.await("answerCallbackQuery",
                c -> c.param("callback_query_id").equals(byAlice));
        assertThat(done.param("text")).isEqualTo("Deleted.");
        FakeTelegram.Call deleted = telegram.await("deleteMessage", c -> c.param("message_id").equals(photoId));
        assertThat(telegram.calls("deleteMessage").stream().filter(c -> c.param("message_id").equals(photoId))
                .toList()).containsExactly(deleted);
        assertThat(deleted.atNanos()).isGreaterThan(refused.atNanos());
    }

    @Test
    void flagsThatDoNotParse_getAMessageWithTheRightSyntax_andStartNothing() throws Exception {
        Imagine imagine = startImagine();
        int asked = telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/imagine a red fox --steps many");

        FakeTelegram.Call answer = telegram.await("sendMessage", c -> c.replyToMessageId() == asked);

        assertThat(answer.param("text")).isEqualTo("I didn't understand `--steps many`: steps must be a whole number from 1 to 8,"
                + " got 'many'. Use: /imagine a red fox"
                + " --seed 42 --steps 4 --size 512x768 --guidance 8 --count 2 --fast");
        assertThat(imagine.generator.generations).hasValue(0);
        assertThat(imagine.jobs.queueLength()).isZero();
    }

    @Test
    void optionsOutOfRange_areRefusedInTheStatusMessage_inTheSameWordsAsOnEveryPlatform() throws Exception {
        startImagine();
        for (OutOfRange.Case wrong : OutOfRange.CASES) {
            int asked = telegram.sendText(ALICE, "private", ALICE, "alice", "/imagine a red fox --" + wrong.option()
                    + " " + wrong.text());

            assertThat(firstReplyTo(asked, text -> text.equals(wrong.refusal()))).as(wrong.option())
                    .isEqualTo(wrong.refusal());
        }
    }

    @Test
    void refusals_sayWhatToChange_inTheStatusMessage() throws Exception {
        startImagine();
        int asked = telegram.sendText(ALICE, "private", ALICE, "alice", "/imagine a red fox --steps 12");

        assertThat(firstReplyTo(asked, text -> text.contains("outside"))).contains("steps 12 is outside 1 to 8");
    }

    @Test
    void aFullQueue_refusesWithWhenToTryAgain_andTheWaitingJobsStillFinish() throws Exception {
        Imagine imagine = startImagine(QueueSettings.DEFAULTS.withPerUserLimit(1).withTotalLimit(1));
        imagine.generator.hold();
        int running = telegram.sendText(ALICE, "private", ALICE, "alice", "/imagine " + FOX);
        assertThat(imagine.generator.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        int waiting = telegram.sendText(BOB, "private", BOB, "bob", "/imagine a blue whale --steps 1 --size 256x256");
        firstReplyTo(waiting, text -> text.startsWith("⏳ Queued #1"));

        int refused = telegram.sendText(BOB + 1, "private", BOB + 1, "carol", "/imagine a green frog");

        assertThat(firstReplyTo(refused, text -> !text.startsWith("⏳")))
                .startsWith("The queue is full (1 job waiting). Try again");
        imagine.generator.open();
        photoReplyingTo(running);
        photoReplyingTo(waiting);
        assertThat(imagine.generator.generations).hasValue(2);
    }

    @Test
    void a429OnSendPhoto_isRetriedAfterRetryAfter_withTheSamePicture() throws Exception {
        startImagine();
        telegram.floodOnce("sendPhoto", 1);
        int asked = telegram.sendText(ALICE, "private", ALICE, "alice", "/imagine " + FOX);

        FakeTelegram.Call delivered = photoReplyingTo(asked);

        List<FakeTelegram.Call> attempts = telegram.calls("sendPhoto");
        assertThat(attempts).hasSize(2);
        FakeTelegram.Call flooded = attempts.get(0);
        assertThat(flooded.result().path("error_code").asInt()).isEqualTo(429);
        assertThat(delivered.atNanos() - flooded.atNanos()).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
        assertThat(onlyFile(delivered)).isEqualTo(onlyFile(flooded));
        assertThat(ImageIO.read(new ByteArrayInputStream(onlyFile(delivered))).getWidth()).isEqualTo(256);
    }

    @Test
    void afterTheBotStopsAndStartsAgain_aButtonUnderAnOldPhotoStillWorks() throws Exception {
        Imagine before = startImagine();
        int asked = telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/imagine " + FOX);
        FakeTelegram.Call photo = photoReplyingTo(asked);
        String same = photo.callbackData().get(0);
        before.close();

        Imagine after = startImagine();
        assertThat(telegram.calls("setMyCommands")).hasSize(2);
        String query = telegram.press(GROUP, BOB, "bob", photo.resultMessageId(), same);

        FakeTelegram.Call replay = photoReplyingTo(photo.resultMessageId());
        assertThat(onlyFile(replay)).isEqualTo(onlyFile(photo));
        assertThat(after.generator.generations).hasValue(0);
        telegram.await("answerCallbackQuery", c -> c.param("callback_query_id").equals(query));
    }

    @Test
    void everyCallbackQueryIsAnswered_once_varyAndUpscaleIncluded() throws Exception {
        startImagine();
        int asked = telegram.sendText(ALICE, "private", ALICE, "alice", "/imagine " + FOX);
        FakeTelegram.Call photo = photoReplyingTo(asked);
        String jobId = jobIdOf(photo, "var");
        int under = photo.resultMessageId();

        String vary = telegram.press(ALICE, ALICE, "alice", under, "var:" + jobId);
        String upscale = telegram.press(ALICE, ALICE, "alice", under, "up:" + jobId);
        String garbage = telegram.press(ALICE, ALICE, "alice", under, "nonsense");
        String unknownVerb = telegram.press(ALICE, ALICE, "alice", under, "zz:" + jobId);
        String unknownJob = telegram.press(ALICE, ALICE, "alice", under, "same:abcdefghij");
        String cancelDone = telegram.press(ALICE, ALICE, "alice", under, "cx:" + jobId);

        assertThat(String.valueOf(answerTo(vary).param("text"))).doesNotContain("coming");
        assertThat(String.valueOf(answerTo(upscale).param("text"))).doesNotContain("coming");
        assertThat(answerTo(garbage).param("text")).contains("no longer works");
        assertThat(answerTo(unknownVerb).param("text")).contains("no longer works");
        assertThat(answerTo(unknownJob).param("text")).contains("can't find that picture");
        assertThat(answerTo(cancelDone).param("text")).contains("already done");
        for (String query : List.of(vary, upscale, garbage, unknownVerb, unknownJob, cancelDone)) {
            assertThat(telegram.calls("answerCallbackQuery").stream()
                    .filter(c -> c.param("callback_query_id").equals(query))).hasSize(1);
        }
    }

    private FakeTelegram.Call answerTo(String query) throws InterruptedException {
        return telegram.await("answerCallbackQuery", c -> c.param("callback_query_id").equals(query));
    }

    @Test
    void settings_saveMyDefaults_andOnlyGroupAdminsSetGroupLimits() throws Exception {
        startImagine();
        int mine = telegram.sendText(ALICE, "private", ALICE, "alice", "/settings steps 2 size 256x256");
        assertThat(telegram.await("sendMessage", c -> c.replyToMessageId() == mine).param("text"))
                .startsWith("Saved.").contains("2 steps, 256x256");

        int byBob = telegram.sendText(GROUP, "supergroup", BOB, "bob", "/settings group steps 2");
        assertThat(telegram.await("sendMessage", c -> c.replyToMessageId() == byBob).param("text"))
                .isEqualTo("Only admins of this community can change its limits.");

        telegram.makeAdmin(GROUP, ALICE);
        int byAlice = telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/settings group steps 2");
        assertThat(telegram.await("sendMessage", c -> c.replyToMessageId() == byAlice).param("text"))
                .startsWith("Saved.").contains("up to 2 steps");
        int again = telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/settings group count 1");
        telegram.await("sendMessage", c -> c.replyToMessageId() == again);
        assertThat(telegram.calls("getChatMember").stream().filter(c -> c.param("user_id").equals("700")))
                .as("the admin check is remembered").hasSize(1);

        int tooMany = telegram.sendText(GROUP, "supergroup", BOB, "bob", "/imagine a cat --steps 4");
        assertThat(firstReplyTo(tooMany, text -> !text.startsWith("⏳"))).contains("outside 1 to 2");
    }

    @Test
    void queueHelpAndCancel_answerTheMessage() throws Exception {
        startImagine();
        int queue = telegram.sendText(ALICE, "private", ALICE, "alice", "/queue");
        int help = telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/help@img_bot");
        int otherBot = telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/help@other_bot");
        int cancel = telegram.sendText(ALICE, "private", ALICE, "alice", "/cancel");

        assertThat(telegram.await("sendMessage", c -> c.replyToMessageId() == queue).param("text"))
                .contains("You have nothing waiting.");
        assertThat(telegram.await("sendMessage", c -> c.replyToMessageId() == help).param("text"))
                .contains("/imagine a lighthouse at dusk");
        assertThat(telegram.await("sendMessage", c -> c.replyToMessageId() == cancel).param("text"))
                .isEqualTo("You have no waiting or running picture to cancel.");
        assertThat(telegram.calls("sendMessage")).noneMatch(c -> c.replyToMessageId() == otherBot);
    }

    @Test
    void aTokenTelegramRejects_failsTheStartWithAMessage_thatDoesNotContainIt() throws Exception {
        try (Imagine ignored = startImagine()) {
            String wrong = "7012345678:AAWrongTokenWrongTokenWrongToken123";
            TelegramBot bot = new TelegramBot(settings(telegram.url()), ignored.jobs, wrong);

            assertThatThrownBy(() -> ignored.engine.open(bot))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("did not accept the bot token")
                    .hasMessageNotContaining("AAWrongToken")
                    .hasNoCause();
        }
    }

    @Test
    void countTwo_comesAsOneAlbum_withTheButtonsOnTheNextMessage_whoseDeleteRemovesTheAlbumToo() throws Exception {
        Imagine imagine = startImagine();
        int asked = telegram.sendText(GROUP, "supergroup", ALICE, "alice",
                "/imagine a red fox --seed 42 --steps 1 --size 256x256 --count 2");

        FakeTelegram.Call album = telegram.await("sendMediaGroup", c -> c.replyToMessageId() == asked);
        assertThat(album.files()).hasSize(2);
        List<byte[]> pngs = List.copyOf(album.files().values());
        assertThat(pngText(pngs.get(0))).contains("Seed: 42");
        assertThat(pngText(pngs.get(1))).contains("Seed: 43");
        assertThat(album.json("media").get(0).get("caption").asText()).contains("seed 42–43");
        List<Integer> albumIds = new ArrayList<>();
        album.result().forEach(m -> albumIds.add(m.get("message_id").asInt()));
        FakeTelegram.Call buttons = telegram.await("sendMessage", c -> c.replyToMessageId() == albumIds.get(0));
        assertThat(buttons.callbackData()).hasSize(dev.imagine.bot.command.Action.UNDER_A_PICTURE.size());
        assertThat(imagine.generator.generations).hasValue(1);

        String query = telegram.press(GROUP, ALICE, "alice", buttons.resultMessageId(),
                buttons.callbackData().getLast());

        telegram.await("answerCallbackQuery", c -> c.param("callback_query_id").equals(query));
        for (int id : List.of(buttons.resultMessageId(), albumIds.get(0), albumIds.get(1))) {
            telegram.await("deleteMessage", c -> c.param("message_id").equals(Integer.toString(id)));
        }
    }

    @Test
    void progress_isShownStepByStepInAPrivateChat_butHeldToTheEditIntervalInAGroup() throws Exception {
        TelegramSettings quick = settings(telegram.url())
                .withEditIntervals(Duration.ofNanos(1), Duration.ofSeconds(30));
        Imagine imagine = startImagine(QueueSettings.DEFAULTS, quick);
        imagine.generator.holdSteps();
        int asked = telegram.sendText(ALICE, "private", ALICE, "alice", "/imagine " + FOX);
        int status = telegram.await("sendMessage", c -> c.replyToMessageId() == asked).resultMessageId();
        for (int step = 1; step <= 2; step++) {
            imagine.generator.releaseSteps(1);
            String text = ReplyTexts.drawing(step, 2).withIcon();
            telegram.await("editMessageText", c -> c.param("message_id").equals(Integer.toString(status))
                    && c.param("text").equals(text));
        }
        photoReplyingTo(asked);

        int inGroup = telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/imagine a blue whale --steps 2"
                + " --size 256x256");
        int groupStatus = telegram.await("sendMessage", c -> c.replyToMessageId() == inGroup).resultMessageId();
        String drawing = ReplyTexts.drawing(0, 2).withIcon();
        firstReplyTo(inGroup, text -> text.equals(drawing));
        imagine.generator.releaseSteps(1);
        imagine.generator.releaseSteps(1);
        photoReplyingTo(inGroup);
        assertThat(telegram.calls("editMessageText").stream()
                .filter(c -> c.param("message_id").equals(Integer.toString(groupStatus)))
                .map(c -> c.param("text"))).noneMatch(text -> text.contains("step"));
    }

    // ---- a group that becomes a supergroup ----

    static final long BASIC_GROUP = -4001L;

    /** Calls Telegram answered "group chat was upgraded to a supergroup chat", naming {@code supergroup}. */
    private List<FakeTelegram.Call> upgradeAnswers(long supergroup) {
        return telegram.calls().stream().filter(c -> c.result() != null
                && c.result().path("parameters").path("migrate_to_chat_id").asLong() == supergroup).toList();
    }

    @Test
    void aGroupThatBecomesASupergroupWhileItsPictureIsDrawn_getsThePictureInTheSupergroup() throws Exception {
        Imagine imagine = startImagine();
        imagine.generator.hold();
        long supergroup;
        try {
            int asked = telegram.sendText(BASIC_GROUP, "group", ALICE, "alice", "/imagine " + FOX);
            telegram.await("sendMessage", c -> c.replyToMessageId() == asked && c.chatId() == BASIC_GROUP);
            assertThat(imagine.generator.entered.tryAcquire(20, TimeUnit.SECONDS)).as("the job runs").isTrue();
            // The bot does not see the service messages (it was not polling, say): it learns from Telegram's answer.
            supergroup = telegram.upgradeToSupergroup(BASIC_GROUP, ALICE, "alice", false);
        } finally {
            imagine.generator.open();
        }

        FakeTelegram.Call photo = telegram.await("sendPhoto", c -> c.chatId() == supergroup
                && c.result().has("photo"));
        assertThat(pngText(onlyFile(photo))).contains("Seed: 42");
        assertThat(photo.replyToMessageId()).as("the request stayed behind in the old group").isZero();
        assertThat(upgradeAnswers(supergroup)).as("one answer taught the bot the new id").hasSize(1);
        String jobId = jobIdOf(photo, "same");

        // The group goes on: Same seed under the picture answers in the supergroup, straight away.
        String query = telegram.press(supergroup, BOB, "bob", photo.resultMessageId(), "same:" + jobId);
        telegram.await("answerCallbackQuery", c -> c.param("callback_query_id").equals(query));
        FakeTelegram.Call again = telegram.await("sendPhoto", c -> c.chatId() == supergroup
                && c.replyToMessageId() == photo.resultMessageId());
        assertThat(onlyFile(again)).isEqualTo(onlyFile(photo));
        assertThat(upgradeAnswers(supergroup)).hasSize(1);
    }

    @Test
    void aGroupUpgradeAnnouncedByTelegram_carriesTheGroupsLimitsOver_andWaitingPicturesFollow() throws Exception {
        Imagine imagine = startImagine();
        telegram.makeAdmin(BASIC_GROUP, ALICE);
        int limits = telegram.sendText(BASIC_GROUP, "group", ALICE, "alice", "/settings group steps 2");
        assertThat(telegram.await("sendMessage", c -> c.replyToMessageId() == limits).param("text"))
                .startsWith("Saved.").contains("up to 2 steps");
        imagine.generator.hold();
        long supergroup;
        try {
            int asked = telegram.sendText(BASIC_GROUP, "group", ALICE, "alice", "/imagine " + FOX);
            telegram.await("sendMessage", c -> c.replyToMessageId() == asked && c.chatId() == BASIC_GROUP);
            assertThat(imagine.generator.entered.tryAcquire(20, TimeUnit.SECONDS)).as("the job runs").isTrue();

            supergroup = telegram.upgradeToSupergroup(BASIC_GROUP, ALICE, "alice", true);

            int tooMany = telegram.sendText(supergroup, "supergroup", BOB, "bob", "/imagine a cat --steps 4");
            FakeTelegram.Call status = telegram.await("sendMessage", c -> c.replyToMessageId() == tooMany);
            assertThat(status.chatId()).isEqualTo(supergroup);
            assertThat(firstReplyTo(tooMany, text -> !text.startsWith("⏳")))
                    .as("the group's limit holds in the supergroup").contains("outside 1 to 2");
        } finally {
            imagine.generator.open();
        }

        FakeTelegram.Call photo = telegram.await("sendPhoto", c -> c.chatId() == supergroup
                && c.result().has("photo"));
        assertThat(pngText(onlyFile(photo))).contains("Seed: 42");
        assertThat(telegram.calls("sendPhoto")).as("no picture tried the old group").hasSize(1);
    }
}
