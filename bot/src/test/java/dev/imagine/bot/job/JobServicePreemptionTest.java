package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.TestGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Preemption at step boundaries through the job service, with the test generator holding each step until the test
 * lets it go: the heavy user's job yields to a light user's, then finishes from where it stopped.
 */
class JobServicePreemptionTest {
    static final User HEAVY = new User("discord", "1", "heavy");
    static final User LIGHT = new User("discord", "2", "light");
    static final User OTHER = new User("discord", "3", "other");
    static final Requester HEAVY_IN_ART = new Requester(HEAVY, "900", "art", false);
    static final Requester LIGHT_IN_ART = new Requester(LIGHT, "900", "art", false);
    static final Requester OTHER_IN_ART = new Requester(OTHER, "900", "art", false);

    private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicLong seeds = new AtomicLong(1000);
    private final TestGenerator generator = TestGenerator.fake();
    private final JobStore store = MvJobStore.inMemory();
    private final RecordingSink sink = new RecordingSink();
    private FairShareQueue<Job> queue;
    private JobService service;

    @BeforeEach
    void start() {
        queue = new FairShareQueue<>(QueueSettings.DEFAULTS, clock);
        service = JobService.builder(JobSettings.defaults("fake-model", "r1"), generator, queue,
                new ResultCache(1 << 20, null, 0), store).clocks(new JobClocks(clock, Ticker.SYSTEM, () -> 0L))
                .randomSeeds(seeds::incrementAndGet).build();
        service.registerSink("discord", sink);
        // The heavy user has kept the machine busy for the last hour.
        queue.charge(HEAVY.key(), Duration.ofMinutes(60));
        service.start();
        generator.holdSteps();
    }

    @AfterEach
    void stop() {
        generator.releaseAll();
        service.shutdown(Duration.ofSeconds(5));
        store.close();
    }

    private Job submit(Requester who, String prompt) {
        Reply reply = service.handle(new Command.Imagine(who, prompt, 42L, null, null, null, null, null), "o");
        assertThat(reply).isInstanceOf(Reply.Accepted.class);
        return ((Reply.Accepted) reply).job();
    }

    private void awaitStepWaiting() throws InterruptedException {
        assertThat(generator.stepWaiting.tryAcquire(10, TimeUnit.SECONDS)).as("a step waiting").isTrue();
    }

    /** The heavy job has done its first step and is parked; the light job waits on its own first step. */
    private Job[] heavyParkedForLight() throws InterruptedException {
        Job heavy = submit(HEAVY_IN_ART, "a castle");
        awaitStepWaiting();
        Job light = submit(LIGHT_IN_ART, "a cat");
        generator.releaseSteps(1);
        awaitStepWaiting();
        assertThat(generator.stepLog).containsExactly("a castle#1");
        assertThat(store.find(heavy.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
        assertThat(store.find(light.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
        return new Job[] {heavy, light};
    }

    private long count(String kind, Job job) {
        return sink.events.stream().filter(e -> e.kind().equals(kind) && e.job().id().equals(job.id())).count();
    }

    @Test
    void heavyJob_yieldsToALightJobAtAStepBoundary_thenFinishesWhereItStopped() throws Exception {
        Job[] jobs = heavyParkedForLight();
        Job heavy = jobs[0];
        Job light = jobs[1];

        generator.releaseAll();

        RecordingSink.Event heavyDone = sink.await("finished", heavy.id());
        sink.await("finished", light.id());
        assertThat(generator.stepLog).containsExactly("a castle#1", "a cat#1", "a cat#2", "a cat#3", "a cat#4",
                "a castle#2", "a castle#3", "a castle#4");
        assertThat(TestGenerator.describe(heavyDone.pngs().get(0))).isEqualTo("png:a castle:42:4:512x512");
        assertThat(generator.generated).as("the heavy job was begun once, not restarted").hasSize(2);
        assertThat(sink.events.stream().filter(e -> e.kind().equals("progress") && e.job().id().equals(heavy.id()))
                .map(RecordingSink.Event::detail)).containsExactly("1/4", "2/4", "3/4", "4/4");
        assertThat(count("started", heavy)).isEqualTo(1);
        assertThat(count("notice", heavy)).as("no pause notice").isZero();
        assertThat(sink.events.indexOf(sink.await("finished", light.id())))
                .isLessThan(sink.events.indexOf(heavyDone));
        Job stored = store.find(heavy.id()).orElseThrow();
        assertThat(stored.state()).isEqualTo(JobState.DONE);
        assertThat(stored.startedAt()).as("its first start").isEqualTo(clock.instant());
        assertThat(generator.unclosed).isEmpty();
    }

    @Test
    void resumedJob_isNotParkedAgain() throws Exception {
        Job[] jobs = heavyParkedForLight();
        generator.releaseSteps(4); // the light job
        awaitStepWaiting(); // the light job's steps are each announced; drain until the heavy job is back
        awaitStepWaiting();
        awaitStepWaiting();
        awaitStepWaiting();
        sink.await("finished", jobs[1].id());
        Job other = submit(OTHER_IN_ART, "a dog");

        generator.releaseAll();

        sink.await("finished", other.id());
        assertThat(generator.stepLog).containsSubsequence("a castle#2", "a castle#3", "a castle#4", "a dog#1");
        assertThat(generator.stepLog.indexOf("a dog#1")).isGreaterThan(generator.stepLog.indexOf("a castle#4"));
    }

    @Test
    void cancellingAParkedJob_closesItsGeneration_andCostsNothing() throws Exception {
        Job[] jobs = heavyParkedForLight();
        Job heavy = jobs[0];
        double usageBefore = queue.usage(HEAVY.key());

        Reply reply = service.handle(new Command.Cancel(HEAVY_IN_ART, heavy.id()), "o");

        assertThat(reply).isInstanceOf(Reply.Info.class);
        assertThat(((Reply.Info) reply).text()).contains("costs you nothing");
        sink.await("cancelled", heavy.id());
        assertThat(generator.unclosed).containsExactly("a cat");
        generator.releaseAll();
        sink.await("finished", jobs[1].id());
        assertThat(store.find(heavy.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(queue.usage(HEAVY.key())).isEqualTo(usageBefore);
        assertThat(generator.stepLog).doesNotContain("a castle#2");
    }

    @Test
    void shutdownWithAParkedJob_keepsItQueued_andClosesItsGeneration() throws Exception {
        Job[] jobs = heavyParkedForLight();

        Thread shutdown = new Thread(() -> service.shutdown(Duration.ZERO));
        shutdown.start();
        assertThat(sink.await("notice", jobs[0].id()).detail()).contains("keeps its place");
        generator.releaseSteps(1);
        shutdown.join(Duration.ofSeconds(10));

        assertThat(shutdown.isAlive()).isFalse();

        assertThat(store.find(jobs[0].id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
        assertThat(store.find(jobs[1].id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
        assertThat(generator.unclosed).isEmpty();
        assertThat(count("finished", jobs[0])).isZero();
    }

    @Test
    void twoLightUsers_doNotPreemptEachOther() throws Exception {
        // One job more than the newcomer: the newcomer would go first if both waited, but that is no reason to stop
        // a job that runs.
        queue.charge(LIGHT.key(), Duration.ofSeconds(40));
        Job light = submit(LIGHT_IN_ART, "a cat");
        awaitStepWaiting();
        Job other = submit(OTHER_IN_ART, "a dog");

        generator.releaseAll();

        sink.await("finished", light.id());
        sink.await("finished", other.id());
        assertThat(generator.stepLog).containsExactly("a cat#1", "a cat#2", "a cat#3", "a cat#4",
                "a dog#1", "a dog#2", "a dog#3", "a dog#4");
    }
}
