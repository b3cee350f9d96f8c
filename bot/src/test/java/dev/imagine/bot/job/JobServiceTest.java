package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.SettingsChange;
import dev.imagine.bot.command.User;
import dev.imagine.bot.command.Variation;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.queue.Usage;
import dev.imagine.bot.testing.TestGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The job service with a fake generator: admission, cache, sharing, cancellation, failures, settings. */
class JobServiceTest {
    static final User ALICE = new User("discord", "1", "alice");
    static final User BOB = new User("discord", "2", "bob");
    static final Requester ALICE_IN_ART = new Requester(ALICE, "900", "art", false);
    static final Requester BOB_IN_ART = new Requester(BOB, "900", "art", false);
    static final Requester ADMIN_IN_ART = new Requester(new User("discord", "3", "carol"), "900", "art", true);

    private final InstantSource clock = ServiceFixture.CLOCK;
    private final TestGenerator generator = TestGenerator.fake();
    private final ServiceFixture fixture = ServiceFixture.inMemory("discord");
    private final FakeTicker ticker = fixture.ticker();
    private final JobStore store = fixture.store();
    private FairShareQueue<Job> queue;
    private RecordingSink sink;
    private JobService service;

    @BeforeEach
    void start() {
        startService(JobSettings.defaults("fake-model", "r1"), QueueSettings.DEFAULTS);
    }

    private void startService(JobSettings settings, QueueSettings queueSettings) {
        service = fixture.start(generator, settings, queueSettings).service();
        queue = fixture.queue();
        sink = fixture.sink();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    /** Starts the service again over the same store; returns what the resumption logged while it started. */
    private List<String> restartLoggingResumption() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger serviceLog = (Logger) LoggerFactory.getLogger(Resumption.class);
        serviceLog.addAppender(log);
        try {
            startService(JobSettings.defaults("fake-model", "r1"), QueueSettings.DEFAULTS);
        } finally {
            serviceLog.detachAppender(log);
        }
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static Command.Imagine imagine(Requester who, String prompt, Long seed) {
        return new Command.Imagine(who, prompt, seed, null, null, null, null, null);
    }

    private Job accepted(Reply reply) {
        assertThat(reply).isInstanceOf(Reply.Accepted.class);
        return ((Reply.Accepted) reply).job();
    }

    @Test
    void imagine_isQueuedAtPositionOne_thenRunsWithProgress_andFinishes() throws Exception {
        Reply reply = service.handle(imagine(ALICE_IN_ART, "a red fox", 42L), "origin-1");

        assertThat(((Reply.Accepted) reply).position()).isEqualTo(1);
        Job job = accepted(reply);
        RecordingSink.Event finished = sink.await("finished", job.id());
        assertThat(TestGenerator.describe(finished.pngs().get(0))).isEqualTo("png:a red fox:42:4:512x512");
        assertThat(sink.events).extracting(RecordingSink.Event::kind).contains("started", "progress");
        assertThat(sink.events.stream().filter(e -> e.kind().equals("progress")).map(RecordingSink.Event::detail))
                .containsExactly("1/4", "2/4", "3/4", "4/4");
        Job stored = store.find(job.id()).orElseThrow();
        assertThat(stored.state()).isEqualTo(JobState.DONE);
        assertThat(stored.origin()).isEqualTo("origin-1");
        assertThat(stored.resultKeys()).hasSize(1);
    }

    @Test
    void anOriginTheAdapterCompletesWhileTheJobRuns_isKept_throughTheWorkersLaterSaves() throws Exception {
        generator.hold();
        Job job = accepted(service.handle(imagine(ALICE_IN_ART, "a red fox", 42L), "origin-without-status"));
        assertThat(generator.entered.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        assertThat(service.updateOrigin(job.id(), "origin-with-status")).isTrue();
        generator.open();
        sink.await("finished", job.id());

        Job stored = store.find(job.id()).orElseThrow();
        assertThat(stored.state()).isEqualTo(JobState.DONE);
        assertThat(stored.origin()).isEqualTo("origin-with-status");
        assertThat(service.updateOrigin("zzzzzzzzzz", "anything")).as("no such job").isFalse();
    }

    @Test
    void replay_ofAFinishedJob_isAnsweredFromTheCache_withoutGenerating() throws Exception {
        Job first = accepted(service.handle(imagine(ALICE_IN_ART, "a red fox", 42L), "o"));
        sink.await("finished", first.id());

        Reply replay = service.handle(new Command.Replay(BOB_IN_ART, first.id()), "o2");

        assertThat(replay).isInstanceOf(Reply.Finished.class);
        Reply.Finished finished = (Reply.Finished) replay;
        assertThat(TestGenerator.describe(finished.pngs().get(0))).isEqualTo("png:a red fox:42:4:512x512");
        assertThat(finished.job().owner()).isEqualTo(BOB);
        assertThat(finished.job().fromCache()).isTrue();
        assertThat(generator.generated).hasSize(1);
    }

    @Test
    void identicalRequestsInFlight_shareOneGeneration() throws Exception {
        generator.holdSteps();
        Job first = accepted(service.handle(imagine(ALICE_IN_ART, "a boat", 7L), "o"));
        Job second = accepted(service.handle(imagine(BOB_IN_ART, "a boat", 7L), "o"));

        generator.releaseAll();

        RecordingSink.Event a = sink.await("finished", first.id());
        RecordingSink.Event b = sink.await("finished", second.id());
        assertThat(generator.generated).hasSize(1);
        assertThat(b.pngs().get(0)).isEqualTo(a.pngs().get(0));
        assertThat(store.find(second.id()).orElseThrow().fromCache()).isTrue();
    }

    @Test
    void whenTheSharedJobIsCancelled_theJobWaitingForIt_takesItsPlaceUnderItsOwnId() throws Exception {
        runningHeld(ALICE_IN_ART, "someone else first", 9L);
        Job leader = accepted(service.handle(imagine(ALICE_IN_ART, "a boat", 7L), "o"));
        Job follower = accepted(service.handle(imagine(BOB_IN_ART, "a boat", 7L), "o"));

        assertThat(((Reply.Info) service.handle(new Command.Cancel(ALICE_IN_ART, leader.id()), "o")).text())
                .contains("Cancelled");
        generator.releaseAll();

        assertThat(sink.await("queued", follower.id()).job().id()).isEqualTo(follower.id());
        RecordingSink.Event finished = sink.await("finished", follower.id());
        assertThat(TestGenerator.describe(finished.pngs().get(0))).isEqualTo("png:a boat:7:4:512x512");
        assertThat(store.find(follower.id()).orElseThrow().state()).isEqualTo(JobState.DONE);
        assertThat(store.find(leader.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void whenTheRunningSharedJobIsCancelled_theJobWaitingForIt_isDrawnUnderItsOwnId() throws Exception {
        Job leader = runningHeld(ALICE_IN_ART, "a boat", 7L);
        Job follower = accepted(service.handle(imagine(BOB_IN_ART, "a boat", 7L), "o"));

        service.handle(new Command.Cancel(ALICE_IN_ART, leader.id()), "o");
        generator.releaseAll();

        sink.await("cancelled", leader.id());
        RecordingSink.Event finished = sink.await("finished", follower.id());
        assertThat(TestGenerator.describe(finished.pngs().get(0))).isEqualTo("png:a boat:7:4:512x512");
        assertThat(store.find(follower.id()).orElseThrow().state()).isEqualTo(JobState.DONE);
        assertThat(generator.generated).hasSize(2);
    }

    @Test
    void reroll_drawsTheSameParametersWithANewSeed_ownedByTheClicker() throws Exception {
        Job first = accepted(service.handle(new Command.Imagine(ALICE_IN_ART, "a tower", 5L, 2, new ImageSize(384, 384),
                6f, 1, Decoder.FULL), "o"));
        sink.await("finished", first.id());

        Job reroll = accepted(service.handle(new Command.Reroll(BOB_IN_ART, first.id()), "o"));

        assertThat(reroll.owner()).isEqualTo(BOB);
        assertThat(reroll.parameters().seed()).isNotEqualTo(5L);
        assertThat(reroll.parameters().withSeed(5L)).isEqualTo(first.parameters());
        assertThat(reroll.sourceJobId()).isEqualTo(first.id());
    }

    @Test
    void vary_ofAnUnknownJob_saysItIsGone() {
        Reply reply = service.handle(new Command.Vary(ALICE_IN_ART, "abcdefghij", Variation.SUBTLE), "o");

        assertThat(reply).isInstanceOf(Reply.Refused.class);
        assertThat(((Reply.Refused) reply).reason()).isEqualTo(Reply.Refused.Reason.NOT_FOUND);
    }

    @Test
    void replay_ofAnUnknownJob_saysItIsGone() {
        Reply reply = service.handle(new Command.Replay(ALICE_IN_ART, "nonsense!!"), "o");

        assertThat(((Reply.Refused) reply).message()).contains("can't find that picture");
    }

    @Test
    void overTheLimits_isRefusedNamingEachLimit() {
        Reply reply = service.handle(new Command.Imagine(ALICE_IN_ART, "x".repeat(1001), 1L, 9,
                new ImageSize(2048, 512), 30f, 5, null), "o");

        String message = ((Reply.Refused) reply).message();
        assertThat(message).contains("1001 characters long; the limit is 1000")
                .contains("steps 9 is outside 1 to 8")
                .contains("width 2048 must be a multiple of 8 from 256 to 1024")
                .contains("guidance 30.0 is outside 1.0 to 20.0")
                .contains("count 5 is outside 1 to 4");
    }

    @Test
    void emptyPrompt_isRefusedWithAnExample() {
        Reply reply = service.handle(imagine(ALICE_IN_ART, "   ", null), "o");

        assertThat(((Reply.Refused) reply).message()).contains("prompt is empty").contains("/imagine a lighthouse");
    }

    @Test
    void fourthWaitingJobOfOneUser_isRefusedSayingWhyAndHowLong() {
        runningHeld(ALICE_IN_ART, "running", 1L);
        for (int i = 0; i < 3; i++) {
            accepted(service.handle(imagine(ALICE_IN_ART, "waiting " + i, 1L), "o"));
        }

        Reply reply = service.handle(imagine(ALICE_IN_ART, "one too many", 1L), "o");

        assertThat(((Reply.Refused) reply).message()).contains("You already have 3 jobs waiting").contains("Try again");
    }

    @Test
    void communityAdmins_tightenLimits_andRestrictChannels_othersCannot() {
        Reply byMember = service.handle(new Command.Settings(ALICE_IN_ART,
                new SettingsChange.CommunityLimits(2, null, null, null, null)), "o");
        assertThat(((Reply.Refused) byMember).message()).contains("Only admins");

        Reply byAdmin = service.handle(new Command.Settings(ADMIN_IN_ART,
                new SettingsChange.CommunityLimits(2, null, null, null, Set.of("art", "bots"))), "o");
        assertThat(((Reply.Info) byAdmin).text()).contains("up to 2 steps");

        Reply tooMany = service.handle(new Command.Imagine(ALICE_IN_ART, "fox", 1L, 4, null, null, null, null), "o");
        assertThat(((Reply.Refused) tooMany).message()).contains("steps 4 is outside 1 to 2");
        Reply elsewhere = service.handle(imagine(new Requester(ALICE, "900", "general", false), "fox", 1L), "o");
        assertThat(((Reply.Refused) elsewhere).message()).contains("not allowed in this channel");
        Reply inDirectMessage = service.handle(new Command.Imagine(Requester.direct(ALICE), "fox", 1L, 4, null, null,
                null, null), "o");
        assertThat(inDirectMessage).isInstanceOf(Reply.Accepted.class);
    }

    @Test
    void userDefaults_areSaved_andUsedByLaterRequests() throws Exception {
        Reply saved = service.handle(new Command.Settings(ALICE_IN_ART,
                new SettingsChange.UserDefaults(2, new ImageSize(384, 512), null, null, null)), "o");
        assertThat(((Reply.Info) saved).text()).contains("2 steps, 384x512");

        Job job = accepted(service.handle(imagine(ALICE_IN_ART, "a cat", 3L), "o"));

        assertThat(job.parameters().steps()).isEqualTo(2);
        assertThat(job.parameters().size()).isEqualTo(new ImageSize(384, 512));
    }

    @Test
    void cancel_ofAWaitingJob_removesItAndChargesNothing_butNotForStrangers() throws Exception {
        runningHeld(BOB_IN_ART, "bob runs", 1L);
        Job waiting = accepted(service.handle(imagine(ALICE_IN_ART, "alice waits", 1L), "o"));

        Reply byStranger = service.handle(new Command.Cancel(BOB_IN_ART, waiting.id()), "o");
        assertThat(((Reply.Refused) byStranger).message()).contains("Only the person who asked");

        Reply byOwner = service.handle(new Command.Cancel(ALICE_IN_ART, null), "o");
        assertThat(((Reply.Info) byOwner).text()).contains("Cancelled");
        assertThat(store.find(waiting.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(queue.usage(ALICE.key())).isZero();
        assertThat(service.queueLength()).isZero();
    }

    @Test
    void cancel_ofTheRunningJob_stopsItBetweenSteps() throws Exception {
        Job job = runningHeld(ALICE_IN_ART, "long one", 1L);

        Reply reply = service.handle(new Command.Cancel(ALICE_IN_ART, job.id()), "o");
        generator.releaseSteps(1);

        assertThat(((Reply.Info) reply).text()).contains("Stopping");
        assertThat(sink.await("cancelled", job.id()).detail()).isEqualTo("cancelled by you");
        assertThat(store.find(job.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void aFailingJob_tellsItsOwnerWithTheJobIdButNoInternals_andTheNextJobStillRuns() throws Exception {
        generator.failWhenPromptIs("cursed");
        Job bad = accepted(service.handle(imagine(ALICE_IN_ART, "cursed", 1L), "o"));
        Job good = accepted(service.handle(imagine(BOB_IN_ART, "fine", 1L), "o"));

        String told = sink.await("failed", bad.id()).detail();
        assertThat(told).contains("Something went wrong").contains(bad.id())
                .doesNotContain("fake network broke").doesNotContain("/").doesNotContain("Exception");
        assertThat(store.find(bad.id()).orElseThrow().error()).isEqualTo(told);
        sink.await("finished", good.id());
        assertThat(service.workerAlive()).isTrue();
        assertThat(queue.usage(ALICE.key())).isZero();
    }

    @Test
    void aJobThatFailsWhileTheJvmShutsDown_isKeptForTheNextStart_notShownAsFailed() throws Exception {
        // As when ONNX Runtime's own shutdown hook has released its environment under the running picture.
        service.jvmStoppingForTest(() -> true);
        generator.failWhenPromptIs("torn down");
        Job job = accepted(service.handle(imagine(ALICE_IN_ART, "torn down", 1L), "o"));

        assertThat(sink.await("notice", job.id()).detail()).contains("will be drawn when it is back");
        assertThat(store.find(job.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
        assertThat(sink.events).noneSatisfy(e -> assertThat(e.kind()).isEqualTo("failed"));
    }

    @Test
    void stopRunningJobNow_duringAShutdown_stopsTheRunningJobAfterItsStep_andKeepsIt() throws Exception {
        Job job = runningHeld(ALICE_IN_ART, "long one", 1L);
        Job waiting = accepted(service.handle(imagine(BOB_IN_ART, "waiting", 2L), "o"));
        service.stopRunningJobNow();
        assertThat(store.find(job.id()).orElseThrow().state()).as("no effect before a shutdown")
                .isEqualTo(JobState.RUNNING);

        Thread shutdown = new Thread(() -> service.shutdown(Duration.ofMinutes(5)));
        shutdown.start();
        sink.await("notice", waiting.id());
        assertThat(service.handle(imagine(BOB_IN_ART, "late", 3L), "o")).as("draining")
                .isInstanceOf(Reply.Refused.class);
        service.stopRunningJobNow();
        generator.releaseSteps(1);
        shutdown.join(Duration.ofSeconds(10));

        assertThat(shutdown.isAlive()).as("shutdown still waiting for the grace").isFalse();
        assertThat(store.find(job.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
        assertThat(generator.stepLog).as("stopped before the step it was about to take").isEmpty();
    }

    @Test
    void aCompletedJob_keepsItsOwnersFairShareUsageInTheStore() throws Exception {
        Job job = accepted(service.handle(imagine(ALICE_IN_ART, "a fox", 1L), "o"));
        sink.await("finished", job.id());

        assertThat(store.usageLedger()).containsOnlyKeys(ALICE.key());
        assertThat(store.usageLedger().get(ALICE.key()).asOf()).isEqualTo(clock.instant());
    }

    @Test
    void restart_takesBackEachPersonsFairShareUsageFromTheStore() throws Exception {
        service.shutdown(Duration.ofSeconds(5));
        store.saveUsage(ALICE.key(), new Usage(120, clock.instant()));

        startService(JobSettings.defaults("fake-model", "r1"), QueueSettings.DEFAULTS);

        assertThat(queue.usage(ALICE.key())).isEqualTo(120);
        assertThat(queue.usage(BOB.key())).isZero();
    }

    @Test
    void prompts_areReadInTheConfiguredSyntax_a1111ByDefault_andTheSyntaxIsPartOfTheCacheKey() throws Exception {
        Job a1111 = accepted(service.handle(imagine(ALICE_IN_ART, "a (red:1.3) fox", 5L), "o"));
        sink.await("finished", a1111.id());
        service.shutdown(Duration.ofSeconds(5));
        JobSettings standard = JobSettings.defaults("fake-model", "r1");
        dev.imagine.bot.command.Defaults plainDefaults = new dev.imagine.bot.command.Defaults(4,
                dev.imagine.bot.command.ImageSize.SQUARE_512, 8f, 1, dev.imagine.bot.command.Decoder.FULL,
                dev.imagine.bot.command.PromptSyntax.PLAIN);
        startService(new JobSettings(standard.limits(), plainDefaults, "fake-model", "r1", standard.jobTimeout(), 10,
                false), QueueSettings.DEFAULTS);

        Job plain = accepted(service.handle(imagine(ALICE_IN_ART, "a (red:1.3) fox", 5L), "o"));
        sink.await("finished", plain.id());

        assertThat(generator.generated).extracting(dev.imagine.pipeline.GenerationRequest::promptSyntax)
                .containsExactly(dev.imagine.pipeline.PromptSyntax.A1111, dev.imagine.pipeline.PromptSyntax.PLAIN);
        assertThat(plain.parameters().promptSyntax()).isEqualTo(dev.imagine.bot.command.PromptSyntax.PLAIN);
        assertThat(service.cacheKeys(plain.parameters())).doesNotContainAnyElementsOf(
                service.cacheKeys(a1111.parameters()));
    }

    @Test
    void promptOfMoreChunksThanAreDrawn_isRefusedAtOnce_sayingWhatToChange() {
        Reply reply = service.handle(imagine(ALICE_IN_ART, "a fox BREAK ".repeat(10) + "a fox", 5L), "o");

        assertThat(reply).isInstanceOf(Reply.Refused.class);
        assertThat(((Reply.Refused) reply).message()).isEqualTo("Your prompt is read in 11 chunks of up to 75 tokens;"
                + " at most 10 are drawn. Shorten it or use fewer BREAKs.");
        assertThat(((Reply.Refused) reply).reason()).isEqualTo(Reply.Refused.Reason.INVALID);
        assertThat(generator.generated).isEmpty();
    }

    @Test
    void aJobOverTheTimeout_isGivenUp_withAMessageSayingTheLimit() throws Exception {
        service.shutdown(Duration.ofSeconds(5));
        JobSettings defaults = JobSettings.defaults("fake-model", "r1");
        startService(new JobSettings(defaults.limits(), defaults.defaults(), "fake-model", "r1", Duration.ofSeconds(90),
                10, false), QueueSettings.DEFAULTS);
        Job job = runningHeld(ALICE_IN_ART, "slow", 1L);
        generator.releaseSteps(1);
        waitUntilRunning();
        ticker.advance(Duration.ofSeconds(91));
        generator.releaseSteps(1);

        assertThat(sink.await("failed", job.id()).detail()).contains("longer than the limit of 90 s");
        assertThat(generator.stepLog).as("given up between two steps").containsExactly("slow#1");
        assertThat(store.find(job.id()).orElseThrow().state()).isEqualTo(JobState.FAILED);
    }

    @Test
    void aJobWithinTheTimeout_isNotGivenUp() throws Exception {
        Job job = runningHeld(ALICE_IN_ART, "slow", 1L);
        ticker.advance(JobSettings.defaults("fake-model", "r1").jobTimeout().minusSeconds(1));
        generator.releaseAll();

        sink.await("finished", job.id());
    }

    @Test
    void refusals_sayWhyInAFormAnHttpApiCanMapToAStatus() throws Exception {
        Job first = accepted(service.handle(imagine(ALICE_IN_ART, "a lamp", 1L), "o"));
        sink.await("finished", first.id());

        assertThat(((Reply.Refused) service.handle(imagine(ALICE_IN_ART, "", 1L), "o")).reason())
                .isEqualTo(Reply.Refused.Reason.INVALID);
        assertThat(((Reply.Refused) service.handle(new Command.Replay(ALICE_IN_ART, "zzzzzzzzzz"), "o")).reason())
                .isEqualTo(Reply.Refused.Reason.NOT_FOUND);
        assertThat(((Reply.Refused) service.handle(new Command.Delete(BOB_IN_ART, first.id()), "o")).reason())
                .isEqualTo(Reply.Refused.Reason.NOT_ALLOWED);
        assertThat(((Reply.Refused) service.handle(new Command.Cancel(ALICE_IN_ART, first.id()), "o")).reason())
                .isEqualTo(Reply.Refused.Reason.CONFLICT);
        assertThat(((Reply.Refused) service.handle(new Command.Upscale(ALICE_IN_ART, first.id(), false), "o"))
                .reason()).isEqualTo(Reply.Refused.Reason.NOT_AVAILABLE);

        service.shutdown(Duration.ofSeconds(5));

        Reply afterShutdown = service.handle(imagine(ALICE_IN_ART, "too late", 2L), "o");
        assertThat(((Reply.Refused) afterShutdown).reason()).isEqualTo(Reply.Refused.Reason.SHUTTING_DOWN);
        assertThat(((Reply.Refused) afterShutdown).message()).contains("restarting");
    }

    @Test
    void fastDecoder_isRefusedWhenNotInstalled() {
        Reply reply = service.handle(new Command.Imagine(ALICE_IN_ART, "fox", 1L, null, null, null, null, Decoder.FAST), "o");

        assertThat(((Reply.Refused) reply).message()).contains("fast decoder is not installed");
    }

    @Test
    void queueStatus_showsMyPositionAndTheQueueLength() {
        runningHeld(BOB_IN_ART, "bob runs", 1L);
        accepted(service.handle(imagine(ALICE_IN_ART, "alice waits", 1L), "o"));

        String status = ((Reply.Info) service.handle(new Command.QueueStatus(ALICE_IN_ART), "o")).text();

        assertThat(status).contains("#1: \"alice waits\"").contains("1 picture is waiting in all, one is being drawn.");
    }

    @Test
    void restart_resumesWaitingAndRunningJobs_andTellsTheirOwners() throws Exception {
        Job running = runningHeld(BOB_IN_ART, "bob runs", 1L);
        Job waiting = accepted(service.handle(imagine(ALICE_IN_ART, "alice waits", 1L), "o"));
        // A crash: the worker stops after the step it is in and the store keeps what it had.
        Thread shutdown = new Thread(() -> service.shutdown(Duration.ZERO));
        shutdown.start();
        sink.await("notice", waiting.id());
        generator.releaseSteps(1);
        shutdown.join(Duration.ofSeconds(10));
        assertThat(shutdown.isAlive()).isFalse();
        assertThat(store.find(running.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
        assertThat(sink.events).anySatisfy(e -> assertThat(e.detail()).contains("keeps its place"));

        generator.releaseAll();
        List<String> logged = restartLoggingResumption();

        assertThat(logged)
                .contains("resumed 2 jobs from the last run: 2 were waiting, 0 were running");
        assertThat(sink.await("notice", waiting.id()).detail()).contains("back in the queue");
        sink.await("finished", running.id());
        sink.await("finished", waiting.id());
    }

    @Test
    void restart_afterACrash_saysInTheLogWhichJobsWereRunningAndWhichWaiting() throws Exception {
        // What a kill -9 leaves in the store: one job RUNNING, one QUEUED.
        Instant now = clock.instant();
        store.save(Job.queued("aaaaaaaaaa", ALICE, "900", "art", new dev.imagine.bot.command.JobParameters("a fox", 1,
                4, new ImageSize(512, 512), 8f, 1, Decoder.FULL), now, "o", null).running(now));
        store.save(Job.queued("bbbbbbbbbb", BOB, "900", "art", new dev.imagine.bot.command.JobParameters("a cat", 1,
                4, new ImageSize(512, 512), 8f, 1, Decoder.FULL), now, "o", null));
        service.shutdown(Duration.ofSeconds(5));
        List<String> logged = restartLoggingResumption();

        assertThat(logged)
                .contains("resumed 2 jobs from the last run: 1 was waiting, 1 was running (drawn again from the"
                        + " start)");
        sink.await("finished", "aaaaaaaaaa");
        sink.await("finished", "bbbbbbbbbb");
    }

    /** A job that runs and waits before its first step until the test releases it. */
    private Job runningHeld(Requester who, String prompt, long seed) {
        generator.holdSteps();
        Job job = accepted(service.handle(imagine(who, prompt, seed), "o"));
        waitUntilRunning();
        return job;
    }

    private void waitUntilRunning() {
        try {
            assertThat(generator.stepWaiting.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
