package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ModerationAction;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.safety.SafetyPolicy;
import dev.imagine.bot.testing.ScriptedClassifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bans, pauses, blocked words, rate limits and Delete by a community's admins and the operator. */
class ModerationTest {
    static final User ALICE = new User("telegram", "1", "alice");
    static final User BOB = new User("telegram", "2", "bob");
    static final Requester ALICE_HERE = new Requester(ALICE, "-100", "main", false);
    static final Requester BOB_HERE = new Requester(BOB, "-100", "main", false);
    static final Requester ALICE_ELSEWHERE = new Requester(ALICE, "-200", "main", false);
    static final Requester ADMIN_HERE = new Requester(new User("telegram", "3", "ada"), "-100", "main", true);
    static final Requester ADMIN_ELSEWHERE = new Requester(new User("telegram", "4", "eve"), "-200", "main", true);
    static final Requester CONFIGURED_OPERATOR = Requester.direct(new User("discord", "99", "op"));

    @TempDir
    Path audit;

    private PolicyEngine engine(int picturesPerWindow) {
        return new PolicyEngine(audit, new ScriptedClassifier(0f), SafetyPolicy.SPOILER,
                new ModerationSettings(Set.of("discord:99"), picturesPerWindow, Duration.ofMinutes(10)));
    }

    private static Reply moderate(PolicyEngine engine, Requester who, ModerationAction action) {
        return engine.service.handle(new Command.Moderate(who, null, action), "o");
    }

    @Test
    void bannedPerson_isRefusedInThatCommunity_onlyThere_untilUnbanned_andTheAuditLogSaysWhoDidIt() {
        try (PolicyEngine engine = engine(0)) {
            assertThat(moderate(engine, ADMIN_HERE, new ModerationAction.Ban("1"))).isInstanceOf(Reply.Info.class);

            Reply here = engine.imagine(ALICE_HERE, "a fox", 1);
            Reply elsewhere = engine.imagine(ALICE_ELSEWHERE, "a fox", 2);
            assertThat(moderate(engine, ADMIN_HERE, new ModerationAction.Unban("1"))).isInstanceOf(Reply.Info.class);
            Reply again = engine.imagine(ALICE_HERE, "a fox", 3);

            assertThat(here).isInstanceOfSatisfying(Reply.Refused.class, r -> {
                assertThat(r.reason()).isEqualTo(Reply.Refused.Reason.NOT_ALLOWED);
                assertThat(r.message()).contains("banned");
            });
            assertThat(elsewhere).isInstanceOf(Reply.Accepted.class);
            assertThat(again).isInstanceOf(Reply.Accepted.class);
            assertThat(engine.audit.entries()).extracting(e -> e.action() + " " + e.actor() + " " + e.community() + " "
                    + e.target()).containsExactly(
                    "ban telegram:3 telegram:-100 telegram:1",
                    "refused-banned telegram:1 telegram:-100 null",
                    "unban telegram:3 telegram:-100 telegram:1");
        }
    }

    @Test
    void onlyTheCommunitysAdmins_orTheOperator_canModerateIt() {
        try (PolicyEngine engine = engine(0)) {
            Reply member = moderate(engine, BOB_HERE, new ModerationAction.Ban("1"));
            Reply otherAdmin = engine.service.handle(new Command.Moderate(ADMIN_ELSEWHERE, "telegram:-100",
                    new ModerationAction.Ban("1")), "o");
            Reply operator = engine.service.handle(new Command.Moderate(CONFIGURED_OPERATOR, "telegram:-100",
                    new ModerationAction.Ban("telegram:1")), "o");
            Reply adminEverywhere = engine.service.handle(new Command.Moderate(ADMIN_HERE, CommunityRules.EVERYWHERE,
                    new ModerationAction.Pause()), "o");

            assertThat(member).isInstanceOfSatisfying(Reply.Refused.class, r -> assertThat(r.message())
                    .contains("Manage Server").contains("administrators"));
            assertThat(otherAdmin).isInstanceOfSatisfying(Reply.Refused.class,
                    r -> assertThat(r.reason()).isEqualTo(Reply.Refused.Reason.NOT_ALLOWED));
            assertThat(operator).isInstanceOf(Reply.Info.class);
            assertThat(adminEverywhere).isInstanceOfSatisfying(Reply.Refused.class,
                    r -> assertThat(r.message()).contains("Only the operator"));
            assertThat(engine.imagine(ALICE_HERE, "a fox", 1)).isInstanceOf(Reply.Refused.class);
        }
    }

    @Test
    void operatorThroughTheApi_canBanAndPauseEverywhere() {
        try (PolicyEngine engine = engine(0)) {
            engine.service.handle(new Command.Moderate(Requester.operator(), CommunityRules.EVERYWHERE,
                    new ModerationAction.Ban("telegram:2")), "o");
            Reply bob = engine.imagine(BOB_HERE, "a fox", 1);
            engine.service.handle(new Command.Moderate(Requester.operator(), CommunityRules.EVERYWHERE,
                    new ModerationAction.Pause()), "o");
            Reply alice = engine.imagine(Requester.direct(ALICE), "a fox", 2);

            assertThat(bob).isInstanceOfSatisfying(Reply.Refused.class,
                    r -> assertThat(r.message()).contains("operator has banned you"));
            assertThat(alice).isInstanceOfSatisfying(Reply.Refused.class,
                    r -> assertThat(r.message()).contains("paused by its operator"));
            assertThat(engine.audit.entries()).extracting(AuditLog.Entry::actor).contains("operator");
        }
    }

    @Test
    void pausedCommunity_refusesNewPictures_untilResumed_andOtherCommunitiesGoOn() {
        try (PolicyEngine engine = engine(0)) {
            moderate(engine, ADMIN_HERE, new ModerationAction.Pause());
            Reply paused = engine.imagine(ALICE_HERE, "a fox", 1);
            Reply elsewhere = engine.imagine(ALICE_ELSEWHERE, "a fox", 2);
            moderate(engine, ADMIN_HERE, new ModerationAction.Resume());

            assertThat(paused).isInstanceOfSatisfying(Reply.Refused.class,
                    r -> assertThat(r.message()).contains("paused in this community"));
            assertThat(elsewhere).isInstanceOf(Reply.Accepted.class);
            assertThat(engine.imagine(ALICE_HERE, "a fox", 3)).isInstanceOf(Reply.Accepted.class);
        }
    }

    @Test
    void blockedWords_refuseThePromptBeforeQueuing_asWholeWordsOrPatterns_inAnyCase() {
        try (PolicyEngine engine = engine(0)) {
            moderate(engine, ADMIN_HERE, new ModerationAction.Block(List.of("gor*", "red fox")));

            Reply pattern = engine.imagine(ALICE_HERE, "something GORY", 1);
            Reply phrase = engine.imagine(ALICE_HERE, "a  Red   Fox at night", 2);
            Reply partOfAWord = engine.imagine(ALICE_HERE, "a gargoyle on the gorge", 3);
            Reply elsewhere = engine.imagine(ALICE_ELSEWHERE, "something gory", 4);

            assertThat(pattern).isInstanceOfSatisfying(Reply.Refused.class,
                    r -> assertThat(r.message()).contains("not allowed here").contains("gor*"));
            assertThat(phrase).isInstanceOf(Reply.Refused.class);
            assertThat(partOfAWord).as("gor* blocks gorge too: * is any letters")
                    .isInstanceOf(Reply.Refused.class);
            assertThat(elsewhere).isInstanceOf(Reply.Accepted.class);
            assertThat(engine.store.findByState(Set.of(JobState.QUEUED, JobState.RUNNING, JobState.DONE)))
                    .singleElement().satisfies(job -> assertThat(job.community()).isEqualTo("-200"));
            assertThat(engine.audit.entries()).filteredOn(e -> e.action().equals("refused-prompt"))
                    .hasSize(3).allSatisfy(e -> assertThat(e.detail()).doesNotContain("night"));
        }
    }

    @Test
    void blockedWord_matchesOnlyWholeWords() {
        try (PolicyEngine engine = engine(0)) {
            moderate(engine, ADMIN_HERE, new ModerationAction.Block(List.of("cat")));

            assertThat(engine.imagine(ALICE_HERE, "a category of things", 1)).isInstanceOf(Reply.Accepted.class);
            assertThat(engine.imagine(ALICE_HERE, "a Cat.", 2)).isInstanceOf(Reply.Refused.class);
        }
    }

    @Test
    void rateLimit_refusesWithTheTimeToWait_andRefillsAsTheClockMoves() {
        try (PolicyEngine engine = engine(2)) {
            assertThat(engine.imagine(Requester.direct(ALICE), "a fox", 1)).isInstanceOf(Reply.Accepted.class);
            assertThat(engine.imagine(Requester.direct(ALICE), "a fox", 2)).isInstanceOf(Reply.Accepted.class);

            Reply third = engine.imagine(Requester.direct(ALICE), "a fox", 3);
            Reply bob = engine.imagine(Requester.direct(BOB), "a fox", 4);

            assertThat(third).isInstanceOfSatisfying(Reply.Refused.class, r -> {
                assertThat(r.reason()).isEqualTo(Reply.Refused.Reason.BUSY);
                assertThat(r.message()).contains("2 pictures per 10 min").contains("try again in 5 min");
                assertThat(r.retryAfter()).isEqualTo(Duration.ofMinutes(5));
            });
            assertThat(bob).isInstanceOf(Reply.Accepted.class);
            engine.clock.advance(Duration.ofMinutes(5).minusSeconds(1));
            assertThat(engine.imagine(Requester.direct(ALICE), "a fox", 5)).isInstanceOf(Reply.Refused.class);
            engine.clock.advance(Duration.ofSeconds(1));
            assertThat(engine.imagine(Requester.direct(ALICE), "a fox", 6)).isInstanceOf(Reply.Accepted.class);
        }
    }

    @Test
    void rateLimit_countsPictures_andARequestForMoreThanTheLimitSaysToAskForFewer() {
        try (PolicyEngine engine = engine(3)) {
            Reply four = engine.service.handle(new Command.Imagine(Requester.direct(ALICE), "a fox", 1L, null, null,
                    null, 4, null), "o");
            Reply two = engine.service.handle(new Command.Imagine(Requester.direct(ALICE), "a fox", 1L, null, null,
                    null, 2, null), "o");
            Reply twoMore = engine.service.handle(new Command.Imagine(Requester.direct(ALICE), "a fox", 9L, null, null,
                    null, 2, null), "o");

            assertThat(four).isInstanceOfSatisfying(Reply.Refused.class, r -> assertThat(r.message())
                    .contains("at most 3 pictures per 10 min").contains("fewer"));
            assertThat(two).isInstanceOf(Reply.Accepted.class);
            assertThat(twoMore).isInstanceOfSatisfying(Reply.Refused.class,
                    r -> assertThat(r.message()).contains("try again in 3 min"));
        }
    }

    @Test
    void aRequestTheFullQueueRefuses_costsNothingOfTheRateLimit() throws Exception {
        try (PolicyEngine engine = engine(5)) {
            engine.generator.holdSteps();
            Reply first = engine.imagine(Requester.direct(ALICE), "a fox", 1);
            // On the worker, so that the next three are the three waiting the queue allows one person.
            assertThat(engine.generator.stepWaiting.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
            List<Reply> waiting = new ArrayList<>();
            for (int seed = 2; seed <= 4; seed++) {
                waiting.add(engine.imagine(Requester.direct(ALICE), "a fox", seed));
                assertThat(waiting.getLast()).isInstanceOf(Reply.Accepted.class);
            }
            Reply full = engine.imagine(Requester.direct(ALICE), "a fox", 5);
            engine.generator.releaseAll();
            engine.await("finished", first);
            for (Reply reply : waiting) {
                engine.await("finished", reply);
            }

            assertThat(full).isInstanceOfSatisfying(Reply.Refused.class, r -> assertThat(r.message())
                    .doesNotContain("try again in"));
            assertThat(engine.imagine(Requester.direct(ALICE), "a cat", 6)).as("the fifth of five")
                    .isNotInstanceOf(Reply.Refused.class);
            assertThat(engine.imagine(Requester.direct(ALICE), "a cat", 7)).isInstanceOfSatisfying(
                    Reply.Refused.class, r -> assertThat(r.message()).contains("try again in"));
        }
    }

    @Test
    void communityAdmins_canLowerTheRateLimitForTheirCommunity_butNotRaiseIt() {
        try (PolicyEngine engine = engine(5)) {
            Reply raise = moderate(engine, ADMIN_HERE, new ModerationAction.Rate(10));
            Reply lower = moderate(engine, ADMIN_HERE, new ModerationAction.Rate(1));

            assertThat(raise).isInstanceOfSatisfying(Reply.Refused.class,
                    r -> assertThat(r.message()).contains("lower that, not raise it"));
            assertThat(lower).isInstanceOf(Reply.Info.class);
            assertThat(engine.imagine(ALICE_HERE, "a fox", 1)).isInstanceOf(Reply.Accepted.class);
            assertThat(engine.imagine(ALICE_HERE, "a fox", 2)).isInstanceOf(Reply.Refused.class);
            assertThat(engine.imagine(ALICE_ELSEWHERE, "a fox", 3)).isInstanceOf(Reply.Accepted.class);
        }
    }

    @Test
    void communityAdmins_canDeleteAnyPictureImaginePostedThere_othersOnlyTheirOwn() throws Exception {
        try (PolicyEngine engine = engine(0)) {
            Reply alices = engine.imagine(ALICE_HERE, "a fox", 1);
            Job job = engine.await("finished", alices).job();

            Reply byBob = engine.service.handle(new Command.Delete(BOB_HERE, job.id()), "o");
            Reply byOtherAdmin = engine.service.handle(new Command.Delete(ADMIN_ELSEWHERE, job.id()), "o");
            Reply byAdmin = engine.service.handle(new Command.Delete(ADMIN_HERE, job.id()), "o");

            assertThat(byBob).isInstanceOf(Reply.Refused.class);
            assertThat(byOtherAdmin).isInstanceOf(Reply.Refused.class);
            assertThat(byAdmin).isInstanceOf(Reply.Info.class);
            assertThat(engine.store.find(job.id()).orElseThrow().state()).isEqualTo(JobState.DELETED);
            assertThat(engine.audit.entries()).singleElement().satisfies(e -> {
                assertThat(e.action()).isEqualTo("delete");
                assertThat(e.actor()).isEqualTo("telegram:3");
                assertThat(e.target()).isEqualTo(job.id());
            });
        }
    }

    @Test
    void operator_canDeleteAnyPicture_alsoOneDrawnInAPrivateChat_andTheAuditLogSaysSo() throws Exception {
        try (PolicyEngine engine = engine(0)) {
            Job inPrivate = engine.await("finished", engine.imagine(Requester.direct(ALICE), "a fox", 1)).job();
            Job inGroup = engine.await("finished", engine.imagine(ALICE_HERE, "a fox", 2)).job();

            Reply byAdmin = engine.service.handle(new Command.Delete(ADMIN_HERE, inPrivate.id()), "o");
            Reply byConfiguredOperator = engine.service.handle(new Command.Delete(CONFIGURED_OPERATOR,
                    inGroup.id()), "o");
            Reply byApiOperator = engine.service.handle(new Command.Delete(Requester.operator(), inPrivate.id()), "o");

            assertThat(byAdmin).as("a private chat is no admin's community").isInstanceOf(Reply.Refused.class);
            assertThat(byConfiguredOperator).isInstanceOf(Reply.Info.class);
            assertThat(byApiOperator).isInstanceOf(Reply.Info.class);
            assertThat(engine.store.find(inPrivate.id()).orElseThrow().state()).isEqualTo(JobState.DELETED);
            assertThat(engine.store.find(inGroup.id()).orElseThrow().state()).isEqualTo(JobState.DELETED);
            assertThat(engine.audit.entries()).extracting(e -> e.action() + " " + e.actor() + " " + e.community()
                    + " " + e.target()).containsExactly(
                    "delete discord:99 telegram:-100 " + inGroup.id(),
                    "delete operator null " + inPrivate.id());
        }
    }

    @Test
    void show_describesTheCommunitysRules() {
        try (PolicyEngine engine = engine(20)) {
            moderate(engine, ADMIN_HERE, new ModerationAction.Ban("2"));
            moderate(engine, ADMIN_HERE, new ModerationAction.Block(List.of("gore")));

            Reply shown = moderate(engine, ADMIN_HERE, new ModerationAction.Show());

            assertThat(shown).isInstanceOfSatisfying(Reply.Info.class, i -> assertThat(i.text())
                    .contains("taking pictures").contains("spoiler").contains("gore")
                    .contains("20 pictures per 10 min").contains("telegram:2"));
        }
    }

    @Test
    void moderationInAPrivateChat_saysToUseItInTheCommunity() {
        try (PolicyEngine engine = engine(0)) {
            assertThat(moderate(engine, Requester.direct(ALICE), new ModerationAction.Pause()))
                    .isInstanceOfSatisfying(Reply.Refused.class,
                            r -> assertThat(r.message()).contains("inside a server or group"));
        }
    }
}
