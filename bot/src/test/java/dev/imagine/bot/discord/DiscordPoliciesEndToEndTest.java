package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety policy and the moderation tools through the real JDA client against {@link FakeDiscord}: spoilers
 * outside age-restricted channels, held-back pictures, /moderate for members with Manage Server, Delete by them.
 */
class DiscordPoliciesEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path data;

    private FakeDiscord discord;
    private Engine running;
    private final ScriptedClassifier classifier = ScriptedClassifier.flaggingEverything();
    private final AtomicLong seeds = new AtomicLong(1000);

    @BeforeEach
    void startDiscord() throws IOException {
        discord = new FakeDiscord();
    }

    @AfterEach
    void stopEverything() throws IOException {
        if (running != null) {
            running.close();
        }
        discord.close();
    }

    private void start(SafetyPolicy policy, int picturesPerWindow) {
        Engine engine = new Engine(data, TestGenerator.fake(), JobSettings.defaults("tiny-lcm", "fixture"),
                QueueSettings.DEFAULTS, seeds::incrementAndGet, builder -> builder.safety(classifier, policy)
                .moderation(new ModerationSettings(Set.of(), picturesPerWindow, Duration.ofMinutes(10)))
                .audit(AuditLog.open(data.resolve("audit"), Duration.ofDays(7), InstantSource.system())));
        DiscordSettings settings = DiscordSettings.DEFAULTS.withEndpoints(discord.restUrl(), discord.gatewayUrl())
                .withProgressInterval(Duration.ZERO).withReadyTimeout(Duration.ofSeconds(15));
        engine.open(new DiscordBot(FakeDiscord.TOKEN, settings, engine.jobs(), data, discord.clock(),
                InteractionListener.DECISION_BUDGET));
        running = engine.startWorking();
    }

    private static Predicate<FakeDiscord.Request> imageEditOf(String token) {
        return r -> r.is("PATCH", "/api/v10/webhooks/") && token.equals(r.token()) && !r.files().isEmpty()
                && r.status() == 200;
    }

    private FakeDiscord.Request awaitImage(String token) throws InterruptedException {
        return discord.await(imageEditOf(token), WAIT, "the picture for " + token);
    }

    private String imagine(String channel, FakeDiscord.User who, String prompt, long seed) {
        return discord.slashIn(channel, who, "imagine", FakeDiscord.option("prompt", prompt),
                FakeDiscord.option("seed", seed));
    }

    private FakeDiscord.Shown awaitPrivateAnswer(String token, String text) throws InterruptedException {
        List<FakeDiscord.Shown> shown = discord.awaitMessages(token, all -> all.stream()
                .anyMatch(m -> m.ephemeral && m.content != null && m.content.contains(text)), WAIT,
                "an ephemeral answer saying " + text);
        return shown.stream().filter(m -> m.ephemeral && m.content.contains(text)).findFirst().orElseThrow();
    }

    private static String jobIdOf(FakeDiscord.Request imageMessage) {
        String customId = imageMessage.payload().getArray("components").getObject(0).getArray("components")
                .getObject(0).getString("custom_id");
        return customId.substring(customId.indexOf(':') + 1);
    }

    @Test
    void flaggedPicture_inAChannelForEveryone_isASpoilerAttachment_withNoEmbedImage_evenWhenThePolicyAllows()
            throws Exception {
        start(SafetyPolicy.ALLOW, 0);

        FakeDiscord.Request image = awaitImage(imagine(FakeDiscord.CHANNEL_ID, FakeDiscord.ALICE, "a fox", 42));

        assertThat(image.files()).singleElement().satisfies(f -> assertThat(f.fileName()).startsWith("SPOILER_"));
        DataObject embed = image.payload().getArray("embeds").getObject(0);
        assertThat(embed.hasKey("image") && !embed.isNull("image")).as("no embed image: it cannot be hidden")
                .isFalse();
    }

    @Test
    void flaggedPicture_inAnAgeRestrictedChannel_isShownPlainly_whenThePolicyAllows() throws Exception {
        start(SafetyPolicy.ALLOW, 0);

        FakeDiscord.Request image = awaitImage(imagine(FakeDiscord.NSFW_CHANNEL_ID, FakeDiscord.ALICE, "a fox", 42));

        String name = image.files().get(0).fileName();
        assertThat(name).doesNotStartWith("SPOILER_");
        assertThat(image.payload().getArray("embeds").getObject(0).getObject("image").getString("url"))
                .isEqualTo("attachment://" + name);
    }

    @Test
    void flaggedPicture_inADirectMessage_isASpoilerToo() throws Exception {
        start(SafetyPolicy.ALLOW, 0);

        FakeDiscord.Request image = awaitImage(discord.slashInDirectMessage(FakeDiscord.BOB, "imagine",
                FakeDiscord.option("prompt", "a fox"), FakeDiscord.option("seed", 5L)));

        assertThat(image.files().get(0).fileName()).startsWith("SPOILER_");
    }

    @Test
    void blurPolicy_showsTheBlurredCopy_inTheEmbed_withoutSpoiler() throws Exception {
        start(SafetyPolicy.BLUR, 0);

        FakeDiscord.Request image = awaitImage(imagine(FakeDiscord.CHANNEL_ID, FakeDiscord.ALICE, "a fox", 42));
        Job job = running.jobs().job(jobIdOf(image)).orElseThrow();

        FakeDiscord.Upload file = image.files().get(0);
        assertThat(file.fileName()).doesNotStartWith("SPOILER_");
        assertThat(image.payload().getArray("embeds").getObject(0).getObject("image").getString("url"))
                .isEqualTo("attachment://" + file.fileName());
        assertThat(job.treatment(0)).isEqualTo(Screening.Treatment.BLURRED);
        assertThat(file.bytes()).as("the blurred copy the job keeps, never the drawn picture")
                .isEqualTo(running.jobs().images(job).orElseThrow().get(0));
    }

    @Test
    void pictureBelowTheThreshold_isShownPlainly_everywhere() throws Exception {
        classifier.score(0.1f);
        start(SafetyPolicy.SPOILER, 0);

        FakeDiscord.Request image = awaitImage(imagine(FakeDiscord.CHANNEL_ID, FakeDiscord.ALICE, "a fox", 42));

        assertThat(image.files().get(0).fileName()).doesNotStartWith("SPOILER_");
    }

    @Test
    void refusePolicy_replacesThePlaceholderWithWhyThePictureWasHeldBack() throws Exception {
        start(SafetyPolicy.REFUSE, 0);

        String token = imagine(FakeDiscord.NSFW_CHANNEL_ID, FakeDiscord.ALICE, "a fox", 42);

        discord.awaitMessages(token, all -> all.stream().anyMatch(m -> m.content != null
                && m.content.contains("held back")), WAIT, "the notice that the picture was held back");
        assertThat(discord.requests(r -> token.equals(r.token()) && !r.files().isEmpty())).as("no picture sent")
                .isEmpty();
    }

    @Test
    void moderate_isOfferedOnlyToMembersWithManageServer_andItsBanHolds_untilUnbanned() throws Exception {
        start(SafetyPolicy.SPOILER, 0);

        assertThatThrownBy(() -> discord.slash(FakeDiscord.BOB, "moderate",
                FakeDiscord.subcommand("ban", FakeDiscord.userOption("user", FakeDiscord.ALICE))))
                .hasMessageContaining("does not offer /moderate");
        String ban = discord.slash(FakeDiscord.ADMIN, "moderate",
                FakeDiscord.subcommand("ban", FakeDiscord.userOption("user", FakeDiscord.ALICE)));
        awaitPrivateAnswer(ban, "can no longer use Imagine here");

        String refused = imagine(FakeDiscord.CHANNEL_ID, FakeDiscord.ALICE, "a fox", 1);
        awaitPrivateAnswer(refused, "banned");
        assertThat(discord.messagesOf(refused)).allMatch(m -> m.ephemeral);

        String unban = discord.slash(FakeDiscord.ADMIN, "moderate",
                FakeDiscord.subcommand("unban", FakeDiscord.userOption("user", FakeDiscord.ALICE)));
        awaitPrivateAnswer(unban, "may use Imagine again");
        awaitImage(imagine(FakeDiscord.CHANNEL_ID, FakeDiscord.ALICE, "a fox", 2));
        assertThat(running.jobs().settings()).isNotNull();
    }

    @Test
    void moderate_pauseAndResume_theServer() throws Exception {
        start(SafetyPolicy.SPOILER, 0);

        awaitPrivateAnswer(discord.slash(FakeDiscord.ADMIN, "moderate", FakeDiscord.subcommand("pause")),
                "paused here");
        awaitPrivateAnswer(imagine(FakeDiscord.CHANNEL_ID, FakeDiscord.BOB, "a fox", 1), "paused in this community");
        awaitPrivateAnswer(discord.slash(FakeDiscord.ADMIN, "moderate", FakeDiscord.subcommand("resume")),
                "taking pictures again");

        awaitImage(imagine(FakeDiscord.CHANNEL_ID, FakeDiscord.BOB, "a fox", 2));
    }

    @Test
    void moderate_policyAndBlockedWords_tightenTheServer() throws Exception {
        start(SafetyPolicy.SPOILER, 0);

        awaitPrivateAnswer(discord.slash(FakeDiscord.ADMIN, "moderate", FakeDiscord.subcommand("policy",
                FakeDiscord.option("policy", "allow"))), "stricter, not looser");
        awaitPrivateAnswer(discord.slash(FakeDiscord.ADMIN, "moderate", FakeDiscord.subcommand("block",
                FakeDiscord.option("words", "gore, blood*"))), "Blocked gore, blood*");
        awaitPrivateAnswer(imagine(FakeDiscord.CHANNEL_ID, FakeDiscord.BOB, "so much Bloodshed", 1),
                "not allowed here");
        awaitPrivateAnswer(discord.slash(FakeDiscord.ADMIN, "moderate", FakeDiscord.subcommand("policy",
                FakeDiscord.option("policy", "refuse"))), "held back");

        String token = imagine(FakeDiscord.NSFW_CHANNEL_ID, FakeDiscord.BOB, "a fox", 2);
        discord.awaitMessages(token, all -> all.stream().anyMatch(m -> m.content != null
                && m.content.contains("held back")), WAIT, "the picture held back under the server's policy");
    }

    @Test
    void admin_deletesSomeoneElsesPicture_withItsDeleteButton() throws Exception {
        start(SafetyPolicy.SPOILER, 0);
        String jobId = jobIdOf(awaitImage(imagine(FakeDiscord.CHANNEL_ID, FakeDiscord.ALICE, "a fox", 42)));

        String admins = discord.click(FakeDiscord.ADMIN, "del:" + jobId);

        discord.await(r -> r.is("DELETE", "/api/v10/webhooks/") && admins.equals(r.token()), WAIT, "the delete");
        assertThat(discord.originalOf(admins).deleted).isTrue();
        assertThat(running.jobs().job(jobId).orElseThrow().state()).hasToString("DELETED");
    }

    @Test
    void rateLimit_refusesPrivately_sayingWhenToTryAgain() throws Exception {
        start(SafetyPolicy.SPOILER, 1);
        awaitImage(imagine(FakeDiscord.CHANNEL_ID, FakeDiscord.ALICE, "a fox", 1));

        awaitPrivateAnswer(imagine(FakeDiscord.CHANNEL_ID, FakeDiscord.ALICE, "a fox", 2), "try again in 10 min");
    }
}
