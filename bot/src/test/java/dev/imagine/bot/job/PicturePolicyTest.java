package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.ChannelRating;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ModerationAction;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.safety.SafetyPolicy;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.bot.testing.TestGenerator;
import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every picture is judged before it is delivered, and shown as the policy where it goes says. */
class PicturePolicyTest {
    static final User ALICE = new User("discord", "1", "alice");
    static final User BOB = new User("discord", "2", "bob");
    static final Requester ALICE_GENERAL = new Requester(ALICE, "900", "art", false, ChannelRating.GENERAL);
    static final Requester ALICE_NSFW = new Requester(ALICE, "900", "after-dark", false,
            ChannelRating.AGE_RESTRICTED);
    static final Requester BOB_GENERAL = new Requester(BOB, "900", "art", false, ChannelRating.GENERAL);
    static final Requester ADMIN = new Requester(new User("discord", "3", "ada"), "900", "art", true,
            ChannelRating.GENERAL);
    static final Requester TELEGRAM_GROUP = new Requester(new User("telegram", "7", "tg"), "-100", "main", false);

    @TempDir
    Path audit;

    @Test
    void flaggedPicture_underSpoiler_isDeliveredAsSpoiler_withTheVerdictKeptInTheStore_notInThePng() throws Exception {
        try (PolicyEngine engine = new PolicyEngine(audit, SafetyPolicy.SPOILER)) {
            RecordingSink.Event done = engine.await("finished", engine.imagine(TELEGRAM_GROUP, "a fox", 42));

            assertThat(done.job().spoiler(0)).isTrue();
            Job stored = engine.store.find(done.job().id()).orElseThrow();
            assertThat(stored.screening().policy()).isEqualTo("spoiler");
            assertThat(stored.screening().classifier()).isEqualTo("scripted/nsfw@test");
            assertThat(stored.screening().pictures()).singleElement().satisfies(v -> {
                assertThat(v.score()).isEqualTo(0.93f);
                assertThat(v.flagged()).isTrue();
                assertThat(v.treatment()).isEqualTo(Screening.Treatment.SPOILER);
            });
            String chunk = Pngs.parametersOf(done.pngs().get(0));
            assertThat(chunk).doesNotContainIgnoringCase("nsfw").doesNotContain("0.93").contains("Seed: 42");
        }
    }

    @Test
    void pictureBelowTheThreshold_isShownPlainly_evenWhereThePolicyRefuses() throws Exception {
        try (PolicyEngine engine = new PolicyEngine(audit, SafetyPolicy.REFUSE)) {
            engine.classifier.score(0.2f);
            RecordingSink.Event done = engine.await("finished", engine.imagine(TELEGRAM_GROUP, "a fox", 42));

            assertThat(done.job().treatment(0)).isEqualTo(Screening.Treatment.PLAIN);
            assertThat(engine.store.find(done.job().id()).orElseThrow().screening().pictures().get(0).flagged())
                    .isFalse();
        }
    }

    @Test
    void discordChannelForEveryone_neverShowsAFlaggedPicturePlainly_butAnAgeRestrictedOneMay() throws Exception {
        try (PolicyEngine engine = new PolicyEngine(audit, SafetyPolicy.ALLOW)) {
            RecordingSink.Event general = engine.await("finished", engine.imagine(ALICE_GENERAL, "a fox", 1));
            RecordingSink.Event adult = engine.await("finished", engine.imagine(ALICE_NSFW, "a fox", 2));

            assertThat(general.job().treatment(0)).isEqualTo(Screening.Treatment.SPOILER);
            assertThat(adult.job().treatment(0)).isEqualTo(Screening.Treatment.PLAIN);
        }
    }

    @Test
    void refusePolicy_withholdsTheFlaggedPicture_tellsThePersonWhy_andAuditsIt() throws Exception {
        try (PolicyEngine engine = new PolicyEngine(audit, SafetyPolicy.REFUSE)) {
            RecordingSink.Event failed = engine.await("failed", engine.imagine(TELEGRAM_GROUP, "a fox", 42));

            assertThat(failed.detail()).contains("held back").contains("flagged");
            assertThat(engine.sink.events).noneMatch(e -> e.kind().equals("finished"));
            assertThat(engine.service.images(engine.store.find(failed.job().id()).orElseThrow()))
                    .hasValueSatisfying(images -> assertThat(images).isEmpty());
            assertThat(engine.audit.entries()).singleElement().satisfies(e -> {
                assertThat(e.action()).isEqualTo("withheld");
                assertThat(e.actor()).isEqualTo("telegram:7");
                assertThat(e.target()).isEqualTo(failed.job().id());
                assertThat(e.detail()).contains("0.930").contains("refuse").doesNotContain("a fox");
            });
        }
    }

    @Test
    void blurPolicy_deliversABlurredCopy_ofTheSameSize_withTheJobsText() throws Exception {
        try (PolicyEngine engine = new PolicyEngine(audit, SafetyPolicy.BLUR)) {
            RecordingSink.Event done = engine.await("finished", engine.imagine(TELEGRAM_GROUP, "a fox", 42));

            byte[] shown = done.pngs().get(0);
            byte[] drawn = engine.generator.pngFor(PictureLabels.requestOf(done.job().parameters(), engine.generator), 0);
            BufferedImage blurred = ImageIO.read(new ByteArrayInputStream(shown));
            BufferedImage original = ImageIO.read(new ByteArrayInputStream(drawn));
            assertThat(done.job().treatment(0)).isEqualTo(Screening.Treatment.BLURRED);
            assertThat(blurred.getWidth()).isEqualTo(original.getWidth());
            assertThat(Pngs.imageData(shown)).isNotEqualTo(Pngs.imageData(drawn));
            assertThat(Pngs.parametersOf(shown)).contains("a fox").contains("Seed: 42");
            // The copy the API hands out later is the same blurred one, never the original.
            assertThat(engine.service.images(done.job()).orElseThrow().get(0)).isEqualTo(shown);
        }
    }

    @Test
    void flaggedPictureInTheCache_isNotServedToACommunityThatRefusesIt_butStillToOneThatAllowsIt()
            throws Exception {
        try (PolicyEngine engine = new PolicyEngine(audit, SafetyPolicy.SPOILER)) {
            RecordingSink.Event first = engine.await("finished", engine.imagine(ALICE_NSFW, "a fox", 42));
            engine.service.handle(new Command.Moderate(new Requester(new User("telegram", "8", "admin"), "-100",
                    "main", true), null, new ModerationAction.Policy("refuse")), "o");
            int checks = engine.classifier.checks.get();

            Reply elsewhere = engine.service.handle(new Command.Replay(TELEGRAM_GROUP, first.job().id()), "o");
            Reply sameServer = engine.service.handle(new Command.Replay(BOB_GENERAL, first.job().id()), "o");

            assertThat(elsewhere).isInstanceOfSatisfying(Reply.Refused.class, r -> {
                assertThat(r.reason()).isEqualTo(Reply.Refused.Reason.NOT_ALLOWED);
                assertThat(r.message()).contains("held back");
            });
            assertThat(sameServer).isInstanceOfSatisfying(Reply.Finished.class, f -> {
                assertThat(f.pngs()).hasSize(1);
                assertThat(f.job().spoiler(0)).isTrue();
            });
            assertThat(engine.classifier.checks.get()).as("the cached verdict is reused").isEqualTo(checks);
        }
    }

    @Test
    void communityAdmins_canTightenThePolicy_butNotLoosenIt() throws Exception {
        try (PolicyEngine engine = new PolicyEngine(audit, SafetyPolicy.SPOILER)) {
            Reply looser = engine.service.handle(new Command.Moderate(ADMIN, null,
                    new ModerationAction.Policy("allow")), "o");
            Reply stricter = engine.service.handle(new Command.Moderate(ADMIN, null,
                    new ModerationAction.Policy("blur")), "o");
            Reply byMember = engine.service.handle(new Command.Moderate(BOB_GENERAL, null,
                    new ModerationAction.Policy("refuse")), "o");

            assertThat(looser).isInstanceOfSatisfying(Reply.Refused.class, r -> assertThat(r.message())
                    .contains("stricter, not looser").contains("spoiler, blur, refuse"));
            assertThat(stricter).isInstanceOf(Reply.Info.class);
            assertThat(byMember).isInstanceOfSatisfying(Reply.Refused.class,
                    r -> assertThat(r.reason()).isEqualTo(Reply.Refused.Reason.NOT_ALLOWED));
            RecordingSink.Event done = engine.await("finished", engine.imagine(ALICE_GENERAL, "a fox", 5));
            assertThat(done.job().treatment(0)).isEqualTo(Screening.Treatment.BLURRED);
            assertThat(engine.audit.entries()).extracting(AuditLog.Entry::action).containsExactly("policy");
        }
    }

    @Test
    void identicalRequestsInFlight_areEachJudgedForTheirOwnChannel() throws Exception {
        try (PolicyEngine engine = new PolicyEngine(audit, SafetyPolicy.ALLOW)) {
            engine.generator.holdSteps();
            Reply general = engine.imagine(ALICE_GENERAL, "a boat", 7);
            Reply adult = engine.imagine(ALICE_NSFW, "a boat", 7);
            engine.generator.releaseAll();

            assertThat(engine.await("finished", general).job().spoiler(0)).isTrue();
            assertThat(engine.await("finished", adult).job().spoiler(0)).isFalse();
            assertThat(engine.generator.generated).hasSize(1);
        }
    }
}
