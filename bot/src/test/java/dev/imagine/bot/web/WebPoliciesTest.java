package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.AuditLog;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobServiceBuilder;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.job.ModerationSettings;
import dev.imagine.bot.job.Reply;
import dev.imagine.bot.job.Screening;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.safety.SafetyPolicy;
import dev.imagine.bot.testing.ScriptedClassifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety policy, the operator's moderation and the fair shares per client address, through the JSON API over
 * real HTTP against the real job service and the small model.
 */
class WebPoliciesTest {
    static final String KEY = "a-test-api-key-of-enough-length";
    static final WebSettings LOOPBACK = new WebSettings("127.0.0.1", 0, null);
    static final WebSettings LOOPBACK_WITH_KEY = new WebSettings("127.0.0.1", 0, KEY);
    static final WebSettings OPEN = new WebSettings("0.0.0.0", 0, KEY);

    @TempDir
    Path data;

    private final ScriptedClassifier classifier = ScriptedClassifier.flaggingEverything();

    private UnaryOperator<JobServiceBuilder> policy(SafetyPolicy policy, int picturesPerWindow) {
        return builder -> builder.safety(classifier, policy)
                .moderation(new ModerationSettings(Set.of(), picturesPerWindow, Duration.ofMinutes(10)))
                .audit(AuditLog.open(data.resolve("audit"), Duration.ofDays(7), InstantSource.system()));
    }

    private TinyImagine start(WebSettings web, QueueSettings queue, SafetyPolicy policy, int picturesPerWindow) {
        return TinyImagine.start(data, web, null, queue, policy(policy, picturesPerWindow));
    }

    /** Submits a prompt and follows the job to its end; returns the job as GET /api/jobs/{id} shows it then. */
    private static JsonObject drawn(Person who, String prompt) throws Exception {
        Person.Answer accepted = who.post("/api/jobs", "{\"prompt\": \"" + prompt + "\", \"seed\": 7}");
        assertThat(accepted.status()).as(accepted.error()).isIn(200, 202);
        String id = accepted.json().getAsJsonObject("job").get("id").getAsString();
        if (accepted.status() == 202) {
            who.events(id);
        }
        return who.get("/api/jobs/" + id).json();
    }

    @Test
    void flaggedPicture_isMarkedAsASpoilerInTheJobView_andStillDownloads() throws Exception {
        try (TinyImagine imagine = start(LOOPBACK, QueueSettings.DEFAULTS, SafetyPolicy.SPOILER, 0)) {
            Person me = new Person(imagine.base());

            JsonObject job = drawn(me, "a fox");

            assertThat(job.getAsJsonArray("spoilers").get(0).getAsBoolean()).isTrue();
            assertThat(me.get(job.getAsJsonArray("images").get(0).getAsString()).status()).isEqualTo(200);
        }
    }

    @Test
    void unflaggedPicture_isNoSpoiler() throws Exception {
        classifier.score(0.2f);
        try (TinyImagine imagine = start(LOOPBACK, QueueSettings.DEFAULTS, SafetyPolicy.SPOILER, 0)) {
            JsonObject job = drawn(new Person(imagine.base()), "a fox");

            assertThat(job.getAsJsonArray("spoilers").get(0).getAsBoolean()).isFalse();
        }
    }

    @Test
    void blurPolicy_servesTheBlurredCopy_asNoSpoiler() throws Exception {
        try (TinyImagine imagine = start(LOOPBACK, QueueSettings.DEFAULTS, SafetyPolicy.BLUR, 0)) {
            Person me = new Person(imagine.base());

            JsonObject job = drawn(me, "a fox");
            Person.Answer image = me.get(job.getAsJsonArray("images").get(0).getAsString());
            Job kept = imagine.jobs.job(job.get("id").getAsString()).orElseThrow();

            assertThat(job.getAsJsonArray("spoilers").get(0).getAsBoolean()).isFalse();
            assertThat(kept.treatment(0)).isEqualTo(Screening.Treatment.BLURRED);
            assertThat(image.response().body()).as("the blurred copy, never the drawn picture")
                    .isEqualTo(imagine.jobs.images(kept).orElseThrow().get(0));
        }
    }

    @Test
    void refusePolicy_leavesThePictureOut_andSaysWhy() throws Exception {
        try (TinyImagine imagine = start(LOOPBACK, QueueSettings.DEFAULTS, SafetyPolicy.REFUSE, 0)) {
            Person me = new Person(imagine.base());

            JsonObject job = drawn(me, "a fox");
            Person.Answer image = me.get("/api/jobs/" + job.get("id").getAsString() + "/images/0");

            assertThat(job.getAsJsonArray("images")).isEmpty();
            assertThat(job.get("message").getAsString()).contains("held back");
            assertThat(image.status()).isEqualTo(404);
            assertThat(image.error()).contains("held back");
        }
    }

    @Test
    void moderationThroughTheApi_needsTheKey_evenOnLoopback() throws Exception {
        try (TinyImagine imagine = start(LOOPBACK, QueueSettings.DEFAULTS, SafetyPolicy.SPOILER, 0)) {
            Person.Answer answer = new Person(imagine.base()).post("/api/moderation",
                    "{\"community\": \"*\", \"action\": \"pause\"}");

            assertThat(answer.status()).isEqualTo(403);
            assertThat(answer.error()).contains("IMAGINE_API_KEY");
        }
    }

    @Test
    void operatorWithTheKey_pausesEverything_bansAndSeesTheSettings() throws Exception {
        try (TinyImagine imagine = start(LOOPBACK_WITH_KEY, QueueSettings.DEFAULTS, SafetyPolicy.SPOILER, 0)) {
            Person operator = new Person(imagine.base()).withKey(KEY);

            Person.Answer paused = operator.post("/api/moderation", "{\"community\": \"*\", \"action\": \"pause\"}");
            Person.Answer refused = new Person(imagine.base()).withKey(KEY).post("/api/jobs",
                    "{\"prompt\": \"a fox\"}");
            Person.Answer banned = operator.post("/api/moderation", "{\"community\": \"discord:900\", \"action\":"
                    + " \"ban\", \"user\": \"discord:123\"}");
            Person.Answer shown = operator.get("/api/moderation?community=discord:900");
            Person.Answer wrong = operator.post("/api/moderation", "{\"community\": \"*\", \"action\": \"explode\"}");

            assertThat(paused.status()).isEqualTo(200);
            assertThat(paused.json().get("message").getAsString()).contains("paused everywhere");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.error()).contains("paused by its operator");
            assertThat(banned.status()).isEqualTo(200);
            assertThat(shown.json().get("message").getAsString()).contains("discord:123");
            assertThat(wrong.status()).isEqualTo(400);
            assertThat(wrong.error()).contains("explode").contains("ban");
            assertThat(AuditLog.open(data.resolve("audit"), Duration.ofDays(7), InstantSource.system()).entries())
                    .extracting(AuditLog.Entry::action).contains("pause", "refused-paused", "ban");
        }
    }

    @Test
    void operatorWithTheKey_deletesAnyonesPictureDrawnThroughTheApi_butSendsAChatPictureToItsDeleteButton()
            throws Exception {
        try (TinyImagine imagine = start(LOOPBACK_WITH_KEY, QueueSettings.DEFAULTS, SafetyPolicy.SPOILER, 0)) {
            Person alice = new Person(imagine.base()).withKey(KEY);
            Person operator = new Person(imagine.base()).withKey(KEY);
            String alicesPicture = drawn(alice, "a fox").get("id").getAsString();
            Reply inTelegram = imagine.jobs.handle(new Command.Imagine(new Requester(new User("telegram", "5", "bob"),
                    "-100", "main", false), "a fox", 3L, null, null, null, null, null), "origin");
            String telegramPicture = ((Reply.Accepted) inTelegram).job().id();

            Person.Answer asAPerson = operator.delete("/api/jobs/" + alicesPicture);
            Person.Answer deleted = operator.post("/api/moderation", "{\"action\": \"delete\", \"job\": \""
                    + alicesPicture + "\"}");
            Person.Answer again = operator.post("/api/moderation", "{\"action\": \"delete\", \"job\": \""
                    + alicesPicture + "\"}");
            Person.Answer chat = operator.post("/api/moderation", "{\"action\": \"delete\", \"job\": \""
                    + telegramPicture + "\"}");
            Person.Answer unknown = operator.post("/api/moderation", "{\"action\": \"delete\", \"job\": \"nope\"}");
            Person.Answer noJob = operator.post("/api/moderation", "{\"action\": \"delete\"}");

            assertThat(asAPerson.status()).as("the jobs' own DELETE: the key, a cookie of its own, not Alice's")
                    .isEqualTo(403);
            assertThat(deleted.status()).as(deleted.error()).isEqualTo(200);
            assertThat(deleted.json().get("message").getAsString()).isEqualTo("Deleted.");
            assertThat(alice.get("/api/jobs/" + alicesPicture).json().get("state").getAsString()).isEqualTo("deleted");
            assertThat(alice.get("/api/jobs/" + alicesPicture + "/images/0").status()).isEqualTo(410);
            assertThat(again.status()).isEqualTo(410);
            assertThat(chat.status()).isEqualTo(409);
            assertThat(chat.error()).contains("posted in telegram").contains("Delete button")
                    .contains("moderation.operators");
            assertThat(imagine.jobs.job(telegramPicture).orElseThrow().state()).isNotEqualTo(JobState.DELETED);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(noJob.status()).isEqualTo(400);
            assertThat(noJob.error()).contains("job");
            assertThat(AuditLog.open(data.resolve("audit"), Duration.ofDays(7), InstantSource.system()).entries())
                    .filteredOn(e -> e.action().equals("delete")).singleElement()
                    .satisfies(e -> assertThat(e.actor() + " " + e.target()).isEqualTo("operator " + alicesPicture));
        }
    }

    @Test
    void openApi_aClientAddressIsOneFairShare_whateverCookiesItSends() throws Exception {
        QueueSettings onePerPerson = QueueSettings.DEFAULTS.withPerUserLimit(1);
        try (TinyImagine imagine = start(OPEN, onePerPerson, SafetyPolicy.SPOILER, 0);
             TinyImagine.Hold held = imagine.holdWorker()) {
            Person first = new Person(imagine.base()).withKey(KEY);
            first.post("/api/jobs", "{\"prompt\": \"" + TinyImagine.HOLD_PROMPT + "\"}");
            held.awaitHeld();
            Person.Answer waiting = first.post("/api/jobs", "{\"prompt\": \"a fox\"}");

            Person.Answer newCookie = new Person(imagine.base()).withKey(KEY).post("/api/jobs",
                    "{\"prompt\": \"a cat\"}");

            assertThat(waiting.status()).isEqualTo(202);
            assertThat(newCookie.status()).as(newCookie.error()).isEqualTo(429);
            assertThat(newCookie.response().headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void onLoopback_eachCookieIsAPerson() throws Exception {
        QueueSettings onePerPerson = QueueSettings.DEFAULTS.withPerUserLimit(1);
        try (TinyImagine imagine = start(LOOPBACK, onePerPerson, SafetyPolicy.SPOILER, 0);
             TinyImagine.Hold held = imagine.holdWorker()) {
            Person first = new Person(imagine.base());
            first.post("/api/jobs", "{\"prompt\": \"" + TinyImagine.HOLD_PROMPT + "\"}");
            held.awaitHeld();
            first.post("/api/jobs", "{\"prompt\": \"a fox\"}");

            assertThat(new Person(imagine.base()).post("/api/jobs", "{\"prompt\": \"a cat\"}").status())
                    .isEqualTo(202);
        }
    }

    @Test
    void openApi_theRateLimitHoldsPerClientAddress_withRetryAfter() throws Exception {
        try (TinyImagine imagine = start(OPEN, QueueSettings.DEFAULTS, SafetyPolicy.SPOILER, 1)) {
            Person.Answer first = new Person(imagine.base()).withKey(KEY).post("/api/jobs", "{\"prompt\": \"a fox\"}");
            Person.Answer newCookie = new Person(imagine.base()).withKey(KEY).post("/api/jobs",
                    "{\"prompt\": \"a cat\"}");

            assertThat(first.status()).isIn(200, 202);
            assertThat(newCookie.status()).isEqualTo(429);
            assertThat(newCookie.error()).contains("try again in 10 min");
            assertThat(newCookie.response().headers().firstValue("Retry-After")).hasValue("600");
        }
    }
}
