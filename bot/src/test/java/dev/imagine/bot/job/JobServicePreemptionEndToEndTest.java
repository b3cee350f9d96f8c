package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.PipelineOptions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A job parked for another and resumed gives the PNG it gives when it runs through, with the real tiny model. */
class JobServicePreemptionEndToEndTest {
    static final Requester HEAVY = Requester.direct(new User("telegram", "800", "heavy"));
    static final Requester LIGHT = Requester.direct(new User("telegram", "801", "light"));

    private static ImageGenerator pipeline;

    @BeforeAll
    static void loadModel() {
        pipeline = ImageGenerator.open(JobServiceEndToEndTest.TINY_MODEL, new PipelineOptions(2));
    }

    @AfterAll
    static void closeModel() {
        pipeline.close();
    }

    private static Command.Imagine imagine(Requester who, String prompt, long seed) {
        return new Command.Imagine(who, prompt, seed, 4, new ImageSize(256, 256), 8f, 1, null);
    }

    @Test
    void preemptedJob_givesThePngOfAnUninterruptedOne() throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        generator.holdSteps();
        FairShareQueue<Job> queue = new FairShareQueue<>(QueueSettings.DEFAULTS, InstantSource.system());
        queue.charge(HEAVY.user().key(), Duration.ofMinutes(60));
        JobStore store = MvJobStore.inMemory();
        JobService service = JobService.builder(JobSettings.defaults("tiny-lcm", "fixture"), generator, queue,
                new ResultCache(8 << 20, null, 0), store).randomSeeds(() -> 1L).build();
        RecordingSink sink = new RecordingSink();
        service.registerSink("telegram", sink);
        service.start();
        try {
            Job heavy = ((Reply.Accepted) service.handle(imagine(HEAVY, "a lighthouse at dusk", 42), "c")).job();
            assertThat(generator.stepWaiting.tryAcquire(20, TimeUnit.SECONDS)).isTrue();
            generator.releaseSteps(1);
            assertThat(generator.stepWaiting.tryAcquire(20, TimeUnit.SECONDS)).isTrue();
            // The heavy job waits before its second step; a light request arrives, so it yields after that step.
            Job light = ((Reply.Accepted) service.handle(imagine(LIGHT, "a red boat", 7), "c")).job();
            generator.releaseAll();

            byte[] heavyPng = sink.await("finished", heavy.id()).pngs().get(0);
            byte[] lightPng = sink.await("finished", light.id()).pngs().get(0);

            assertThat(generator.stepLog).containsExactly("a lighthouse at dusk#1", "a lighthouse at dusk#2",
                    "a red boat#1", "a red boat#2", "a red boat#3", "a red boat#4",
                    "a lighthouse at dusk#3", "a lighthouse at dusk#4");
            assertThat(heavyPng).isEqualTo(pipeline.generate(new GenerationRequest("a lighthouse at dusk", 42, 4, 8f,
                    256, 256, 1)).images().get(0).png());
            assertThat(lightPng).isEqualTo(pipeline.generate(new GenerationRequest("a red boat", 7, 4, 8f,
                    256, 256, 1)).images().get(0).png());
        } finally {
            generator.releaseAll();
            service.shutdown(Duration.ofSeconds(30));
            store.close();
        }
    }
}
