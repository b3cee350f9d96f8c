package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.job.AuditLog;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobSettings;
import dev.imagine.bot.job.ModerationSettings;
import dev.imagine.bot.job.Screening;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.safety.SafetyPolicy;
import dev.imagine.bot.testing.Engine;
import dev.imagine.bot.testing.ScriptedClassifier;
import dev.imagine.bot.testing.TestGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety policy and the moderation tools through the real TelegramBots client against {@link FakeTelegram}:
 * has_spoiler on flagged photos, /moderate for the group's administrators (asked of Telegram), Delete by them.
 */
class TelegramPoliciesEndToEndTest {
    static final long GROUP = -1001234567890L;
    static final long OTHER_GROUP = -1009876543210L;
    static final long ALICE = 700;
    static final long BOB = 701;
    static final long ADA = 702;
    /** Named in moderation.operators: may moderate every group, administrator there or not. */
    static final long OPERATOR = 799;

    @TempDir
    Path data;

    private FakeTelegram telegram;
    private Engine engine;
    private final ScriptedClassifier classifier = ScriptedClassifier.flaggingEverything();

    @BeforeEach
    void startFakeTelegram() throws IOException {
        telegram = new FakeTelegram();
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        telegram.close();
    }

    private void start(SafetyPolicy policy, int picturesPerWindow) {
        engine = new Engine(data, TestGenerator.fake(), JobSettings.defaults("tiny-lcm", "fixture"),
                QueueSettings.DEFAULTS, () -> 1234L, builder -> builder.safety(classifier, policy)
                .moderation(new ModerationSettings(Set.of("telegram:" + OPERATOR), picturesPerWindow,
                        Duration.ofMinutes(10)))
                .audit(AuditLog.open(data.resolve("audit"), Duration.ofDays(7), InstantSource.system())));
        engine.open(new TelegramBot(TelegramBotEndToEndTest.settings(telegram.url()), engine.jobs(),
                FakeTelegram.TOKEN));
        engine.startWorking();
    }

    private FakeTelegram.Call photoReplyingTo(int messageId) throws InterruptedException {
        return telegram.await("sendPhoto", c -> c.replyToMessageId() == messageId && c.result().has("photo"));
    }

    /** The text the request's answer ends up showing (a new message, or the status message edited). */
    private String answerTo(int messageId, String containing) throws InterruptedException {
        return telegram.await(null, c -> (c.method().equals("sendmessage") && c.replyToMessageId() == messageId
                || c.method().equals("editmessagetext")) && c.param("text") != null
                && c.param("text").contains(containing)).param("text");
    }

    @Test
    void flaggedPhoto_isSentWithHasSpoiler_andAnAlbumMarksEachFlaggedPhoto() throws Exception {
        start(SafetyPolicy.SPOILER, 0);

        int one = telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/imagine a fox --seed 1");
        int two = telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/imagine a fox --seed 9 --count 2");

        assertThat(photoReplyingTo(one).spoilers()).containsExactly(true);
        assertThat(telegram.await("sendMediaGroup", c -> c.replyToMessageId() == two).spoilers())
                .containsExactly(true, true);
    }

    @Test
    void photoBelowTheThreshold_isSentWithoutSpoiler() throws Exception {
        classifier.score(0.1f);
        start(SafetyPolicy.SPOILER, 0);

        int asked = telegram.sendText(ALICE, "private", ALICE, "alice", "a fox --seed 1");

        assertThat(photoReplyingTo(asked).spoilers()).containsExactly(false);
    }

    @Test
    void refusePolicy_sendsNoPhoto_andSaysWhy() throws Exception {
        start(SafetyPolicy.REFUSE, 0);

        int asked = telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/imagine a fox --seed 1");

        assertThat(answerTo(asked, "held back")).contains("flagged");
        assertThat(telegram.calls("sendPhoto")).isEmpty();
    }

    @Test
    void moderate_byAGroupAdministrator_bansAPersonByReply_andOnlyInThatGroup() throws Exception {
        start(SafetyPolicy.SPOILER, 0);
        telegram.makeAdmin(GROUP, ADA);
        telegram.makeAdmin(OTHER_GROUP, BOB);

        int byBob = telegram.sendReply(GROUP, "supergroup", BOB, "bob", "/moderate ban", 5, ALICE);
        assertThat(answerTo(byBob, "Only this community's admins")).contains("administrators");
        int byAda = telegram.sendReply(GROUP, "supergroup", ADA, "ada", "/moderate ban", 6, ALICE);
        assertThat(answerTo(byAda, "can no longer use Imagine here")).contains("telegram:" + ALICE);

        int refused = telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/imagine a fox --seed 1");
        assertThat(answerTo(refused, "banned")).contains("admins");
        int elsewhere = telegram.sendText(OTHER_GROUP, "supergroup", ALICE, "alice", "/imagine a fox --seed 2");
        photoReplyingTo(elsewhere);
        assertThat(telegram.calls("getChatMember")).extracting(c -> c.param("chat_id"))
                .containsOnly(Long.toString(GROUP));

        int unban = telegram.sendText(GROUP, "supergroup", ADA, "ada", "/moderate unban " + ALICE);
        answerTo(unban, "may use Imagine again");
        photoReplyingTo(telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/imagine a fox --seed 3"));
    }

    @Test
    void moderate_pauseBlockRateAndPolicy_holdInTheGroup() throws Exception {
        start(SafetyPolicy.SPOILER, 0);
        telegram.makeAdmin(GROUP, ADA);

        answerTo(telegram.sendText(GROUP, "supergroup", ADA, "ada", "/moderate pause"), "paused here");
        answerTo(telegram.sendText(GROUP, "supergroup", BOB, "bob", "/imagine a fox"), "paused in this community");
        answerTo(telegram.sendText(GROUP, "supergroup", ADA, "ada", "/moderate resume"), "taking pictures again");
        answerTo(telegram.sendText(GROUP, "supergroup", ADA, "ada", "/moderate block gore, blood*"), "Blocked");
        answerTo(telegram.sendText(GROUP, "supergroup", BOB, "bob", "/imagine bloody fox"), "not allowed here");
        answerTo(telegram.sendText(GROUP, "supergroup", ADA, "ada", "/moderate rate 1"), "At most 1 pictures");
        photoReplyingTo(telegram.sendText(GROUP, "supergroup", BOB, "bob", "/imagine a fox --seed 1"));
        answerTo(telegram.sendText(GROUP, "supergroup", BOB, "bob", "/imagine a fox --seed 2"), "try again in");
        answerTo(telegram.sendText(GROUP, "supergroup", ADA, "ada", "/moderate policy refuse"), "held back");
        assertThat(answerTo(telegram.sendText(GROUP, "supergroup", ADA, "ada", "/moderate"), "Moderation here"))
                .contains("held back").contains("gore, blood*").contains("1 pictures per 10 min");
    }

    @Test
    void groupAdministrator_deletesSomeoneElsesPicture_butAnotherMemberCannot() throws Exception {
        start(SafetyPolicy.SPOILER, 0);
        telegram.makeAdmin(GROUP, ADA);
        FakeTelegram.Call photo = photoReplyingTo(telegram.sendText(GROUP, "supergroup", ALICE, "alice",
                "/imagine a fox --seed 1"));
        String delete = photo.callbackData().stream().filter(d -> d.startsWith("del:")).findFirst().orElseThrow();

        String byBob = telegram.press(GROUP, BOB, "bob", photo.resultMessageId(), delete);
        assertThat(telegram.await("answerCallbackQuery", c -> byBob.equals(c.param("callback_query_id")))
                .param("text")).contains("Only the person who asked");
        String byAda = telegram.press(GROUP, ADA, "ada", photo.resultMessageId(), delete);
        assertThat(telegram.await("answerCallbackQuery", c -> byAda.equals(c.param("callback_query_id")))
                .param("text")).isEqualTo("Deleted.");

        telegram.await("deleteMessage", c -> c.param("message_id").equals(Integer.toString(photo.resultMessageId())));
    }

    private Job jobOf(FakeTelegram.Call photo) {
        String delete = photo.callbackData().stream().filter(d -> d.startsWith("del:")).findFirst().orElseThrow();
        return engine.jobs().job(delete.substring("del:".length())).orElseThrow();
    }

    @Test
    void blurPolicyOfTheGroup_sendsTheBlurredCopy_withoutSpoiler() throws Exception {
        start(SafetyPolicy.SPOILER, 0);
        telegram.makeAdmin(GROUP, ADA);
        answerTo(telegram.sendText(GROUP, "supergroup", ADA, "ada", "/moderate policy blur"), "blurred");

        FakeTelegram.Call photo = photoReplyingTo(telegram.sendText(GROUP, "supergroup", ALICE, "alice",
                "/imagine a fox --seed 1"));
        Job job = jobOf(photo);

        assertThat(photo.spoilers()).containsExactly(false);
        assertThat(job.treatment(0)).isEqualTo(Screening.Treatment.BLURRED);
        byte[] sent = photo.files().values().iterator().next();
        assertThat(sent).as("the blurred copy the job keeps, never the drawn picture")
                .isEqualTo(engine.jobs().images(job).orElseThrow().get(0));
    }

    @Test
    void flaggedPictureInTheCache_isHeldBackInAGroupThatRefusesIt_butStillSentWhereItIsASpoiler()
            throws Exception {
        start(SafetyPolicy.SPOILER, 0);
        telegram.makeAdmin(GROUP, ADA);
        answerTo(telegram.sendText(GROUP, "supergroup", ADA, "ada", "/moderate policy refuse"), "held back");
        photoReplyingTo(telegram.sendText(OTHER_GROUP, "supergroup", ALICE, "alice", "/imagine a fox --seed 5"));
        int checks = classifier.checks.get();

        int refused = telegram.sendText(GROUP, "supergroup", BOB, "bob", "/imagine a fox --seed 5");
        int allowed = telegram.sendText(OTHER_GROUP, "supergroup", BOB, "bob", "/imagine a fox --seed 5");

        assertThat(answerTo(refused, "held back")).contains("flagged");
        assertThat(photoReplyingTo(allowed).spoilers()).containsExactly(true);
        assertThat(telegram.calls("sendPhoto")).noneMatch(c -> c.chatId() == GROUP);
        assertThat(classifier.checks.get()).as("both answers came from the cache, judged once").isEqualTo(checks);
    }

    @Test
    void operatorNamedInTheConfig_moderatesAGroupWithoutAdministeringIt() throws Exception {
        start(SafetyPolicy.SPOILER, 0);
        FakeTelegram.Call alices = photoReplyingTo(telegram.sendText(GROUP, "supergroup", ALICE, "alice",
                "/imagine a fox --seed 1"));

        answerTo(telegram.sendText(GROUP, "supergroup", OPERATOR, "op", "/moderate ban " + ALICE),
                "can no longer use Imagine here");
        String delete = alices.callbackData().stream().filter(d -> d.startsWith("del:")).findFirst().orElseThrow();
        String pressed = telegram.press(GROUP, OPERATOR, "op", alices.resultMessageId(), delete);

        assertThat(telegram.await("answerCallbackQuery", c -> pressed.equals(c.param("callback_query_id")))
                .param("text")).isEqualTo("Deleted.");
        telegram.await("deleteMessage", c -> c.param("message_id").equals(Integer.toString(alices.resultMessageId())));
        assertThat(answerTo(telegram.sendText(GROUP, "supergroup", ALICE, "alice", "/imagine a fox --seed 2"),
                "banned")).contains("admins");
    }
}
