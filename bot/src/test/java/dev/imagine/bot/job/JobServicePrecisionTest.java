package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Precision;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.bot.testing.TinyModel;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.PipelineOptions;
import dev.imagine.pipeline.PngParameters;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request's UNet precision (the web API's {@code precision}, when {@code model.compare-precision} loaded both): it
 * reaches the generator, keys the pictures apart, stays with Same seed and Re-roll, is said in the PNG text, and a
 * precision that is not loaded is refused with what loads it. The fake generator draws other pixels for int8.
 */
class JobServicePrecisionTest {
    static final Requester ALICE = new Requester(new User("web", "1", "alice"), null, null, false);

    private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicLong seeds = new AtomicLong(1000);
    private TestGenerator generator;
    private JobStore store;
    private RecordingSink sink;
    private JobService service;

    private void start(TestGenerator drawing) {
        generator = drawing;
        store = MvJobStore.inMemory();
        sink = new RecordingSink();
        service = JobService.builder(JobSettings.defaults("fake-model", "r1"), generator,
                        new FairShareQueue<>(QueueSettings.DEFAULTS, clock), new ResultCache(1 << 20, null, 0), store)
                .clocks(new JobClocks(clock, new FakeTicker(), () -> 0L)).randomSeeds(seeds::incrementAndGet).build();
        service.registerSink("web", sink);
        service.start();
    }

    @AfterEach
    void stop() {
        if (service != null) {
            generator.releaseAll();
            service.shutdown(Duration.ofSeconds(5));
            store.close();
        }
    }

    private static Command.Imagine fox(Precision precision) {
        return new Command.Imagine(ALICE, "a fox", 7L, 2, new ImageSize(256, 256), 8f, 1, null)
                .withPrecision(precision);
    }

    private Job drawn(Reply reply) throws InterruptedException {
        if (reply instanceof Reply.Finished finished) {
            return finished.job();
        }
        assertThat(reply).isInstanceOf(Reply.Accepted.class);
        Job job = ((Reply.Accepted) reply).job();
        return sink.await("finished", job.id()).job();
    }

    private byte[] pictureOf(Job job) {
        return service.images(service.job(job.id()).orElseThrow()).orElseThrow().get(0);
    }

    @Test
    void aPrecisionThatIsNotLoaded_isRefusedAsNotAvailable_sayingWhichKeyLoadsIt() {
        start(TestGenerator.fake());

        Reply reply = service.handle(fox(Precision.INT8), "o");

        assertThat(reply).isInstanceOf(Reply.Refused.class);
        Reply.Refused refused = (Reply.Refused) reply;
        assertThat(refused.reason()).isEqualTo(Reply.Refused.Reason.NOT_AVAILABLE);
        assertThat(refused.message()).contains("only its fp32 UNet").contains("int8")
                .contains("model.compare-precision: true");
        assertThat(generator.generated).isEmpty();
        assertThat(service.precisions()).containsExactly(Precision.FP32);
    }

    @Test
    void withBothLoaded_eachJobIsDrawnWithTheUnetItNames_andNoneNamedIsTheConfiguredOne() throws Exception {
        start(TestGenerator.fake().withPrecisions(dev.imagine.pipeline.Precision.FP32,
                dev.imagine.pipeline.Precision.INT8));
        assertThat(service.precisions()).containsExactly(Precision.FP32, Precision.INT8);

        Job int8 = drawn(service.handle(fox(Precision.INT8), "o"));
        Job unnamed = drawn(service.handle(fox(null).withPrecision(null), "o"));

        assertThat(generator.generated).extracting(GenerationRequestPrecision::of)
                .containsExactly(dev.imagine.pipeline.Precision.INT8, dev.imagine.pipeline.Precision.FP32);
        assertThat(int8.parameters().precision()).isEqualTo(Precision.INT8);
        assertThat(unnamed.parameters().precision()).as("every new job names its UNet").isEqualTo(Precision.FP32);
        assertThat(store.find(int8.id()).orElseThrow().parameters().precision()).isEqualTo(Precision.INT8);
    }

    @Test
    void int8AndFp32PicturesOfTheSameRequest_neverShareACacheEntry() throws Exception {
        start(TestGenerator.fake().withPrecisions(dev.imagine.pipeline.Precision.FP32,
                dev.imagine.pipeline.Precision.INT8));

        Job fp32 = drawn(service.handle(fox(Precision.FP32), "o"));
        Reply int8Reply = service.handle(fox(Precision.INT8), "o");
        assertThat(int8Reply).as("fp32's picture is not int8's").isInstanceOf(Reply.Accepted.class);
        Job int8 = drawn(int8Reply);
        Reply int8Again = service.handle(fox(Precision.INT8), "o");
        Reply fp32Again = service.handle(fox(Precision.FP32), "o");

        assertThat(int8.resultKeys()).doesNotContainAnyElementsOf(fp32.resultKeys());
        assertThat(int8Again).isInstanceOf(Reply.Finished.class);
        assertThat(((Reply.Finished) int8Again).job().resultKeys()).isEqualTo(int8.resultKeys());
        assertThat(((Reply.Finished) fp32Again).job().resultKeys()).isEqualTo(fp32.resultKeys());
        assertThat(generator.generations.get()).isEqualTo(2);
        assertThat(pictureOf(int8)).isNotEqualTo(pictureOf(fp32));
    }

    @Test
    void sameSeedAndReroll_ofAnInt8Picture_stayInt8_andItsPngTextSaysSo() throws Exception {
        start(TestGenerator.fake().withPrecisions(dev.imagine.pipeline.Precision.FP32,
                dev.imagine.pipeline.Precision.INT8));
        Job int8 = drawn(service.handle(fox(Precision.INT8), "o"));

        Job replayed = drawn(service.handle(new Command.Replay(ALICE, int8.id()), "o"));
        Job rerolled = drawn(service.handle(new Command.Reroll(ALICE, int8.id()), "o"));

        assertThat(replayed.parameters().precision()).isEqualTo(Precision.INT8);
        assertThat(replayed.resultKeys()).isEqualTo(int8.resultKeys());
        assertThat(rerolled.parameters().precision()).isEqualTo(Precision.INT8);
        assertThat(rerolled.parameters().seed()).isNotEqualTo(int8.parameters().seed());
        assertThat(generator.generated).extracting(GenerationRequestPrecision::of)
                .containsOnly(dev.imagine.pipeline.Precision.INT8);
        assertThat(PngParameters.read(pictureOf(rerolled)).orElseThrow()).contains("UNet precision: int8");
        Job fp32 = drawn(service.handle(fox(Precision.FP32), "o"));
        assertThat(PngParameters.read(pictureOf(fp32)).orElseThrow()).doesNotContain("precision");
    }

    @Test
    void aJobStoredBeforeJobsNamedAPrecision_isReplayedWithTheConfiguredOne_asTheSamePicture() throws Exception {
        start(TestGenerator.fake().withPrecisions(dev.imagine.pipeline.Precision.FP32,
                dev.imagine.pipeline.Precision.INT8));
        Job fp32 = drawn(service.handle(fox(null), "o"));
        // As an older Imagine stored it: no precision in its parameters.
        Job stored = store.find(fp32.id()).orElseThrow();
        store.save(new Job(stored.id(), stored.owner(), stored.community(), stored.channel(),
                stored.parameters().withPrecision(null), stored.state(), stored.createdAt(), stored.startedAt(),
                stored.finishedAt(), stored.resultKeys(), stored.error(), stored.origin(), stored.fromCache(),
                stored.cpuSeconds(), stored.sourceJobId(), stored.rating(), stored.screening(), stored.shareKey(),
                stored.reading()));

        Reply replay = service.handle(new Command.Replay(ALICE, fp32.id()), "o");

        assertThat(replay).as("the same key, so the kept picture").isInstanceOf(Reply.Finished.class);
        Job replayed = ((Reply.Finished) replay).job();
        assertThat(replayed.resultKeys()).isEqualTo(fp32.resultKeys());
        assertThat(replayed.parameters().precision()).isEqualTo(Precision.FP32);
        assertThat(generator.generations.get()).isEqualTo(1);
    }

    @Test
    void onTheSmallModel_int8AndFp32Jobs_drawWhatTheInt8OnlyAndFp32OnlyPipelinesDrawForTheSameSeed(
            @TempDir Path models) throws Exception {
        byte[] int8Png;
        byte[] fp32Png;
        try (ImageGenerator both = TinyModel.comparingPrecisions(models)) {
            start(TestGenerator.over(both));
            int8Png = pictureOf(drawn(service.handle(fox(Precision.INT8), "o")));
            fp32Png = pictureOf(drawn(service.handle(fox(Precision.FP32), "o")));
            stop();
            service = null;
        }

        GenerationRequest request = new GenerationRequest("a fox", 7, 2, 8f, 256, 256, 1);
        Path model = models.resolve("tiny-lcm");
        try (ImageGenerator int8Only = ImageGenerator.open(model, new PipelineOptions(2).withPrecision(
                dev.imagine.pipeline.Precision.INT8))) {
            assertThat(int8Png).isEqualTo(int8Only.generate(request).images().get(0).png());
        }
        try (ImageGenerator fp32Only = ImageGenerator.open(model, new PipelineOptions(2))) {
            assertThat(fp32Png).isEqualTo(fp32Only.generate(request).images().get(0).png());
        }
        assertThat(int8Png).isNotEqualTo(fp32Png);
    }

    /** The precision a generation request names. */
    private static final class GenerationRequestPrecision {
        static dev.imagine.pipeline.Precision of(dev.imagine.pipeline.GenerationRequest request) {
            return request.precision();
        }
    }
}
