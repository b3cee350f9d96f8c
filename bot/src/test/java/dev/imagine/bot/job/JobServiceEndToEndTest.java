package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.PipelineOptions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real jobs through the job service to the real pipeline running the small fixture model, with the durable store
 * and the disk cache on disk, including a restart of the whole service between a job and its replay.
 */
class JobServiceEndToEndTest {
    static final Path REFERENCE = Path.of("../pipeline/src/test/resources/reference").toAbsolutePath();
    static final Path TINY_MODEL = REFERENCE.resolve("tiny-lcm");
    static final Requester ALICE = Requester.direct(new User("telegram", "700", "alice"));
    static final Requester BOB = Requester.direct(new User("telegram", "701", "bob"));

    private static ImageGenerator pipeline;

    @TempDir
    Path data;

    @BeforeAll
    static void loadModel() {
        pipeline = ImageGenerator.open(TINY_MODEL, new PipelineOptions(2));
    }

    @AfterAll
    static void closeModel() {
        pipeline.close();
    }

    private record Running(JobService service, JobStore store, RecordingSink sink) implements AutoCloseable {
        @Override
        public void close() {
            service.shutdown(Duration.ofSeconds(30));
            store.close();
        }
    }

    private Running startService(ImageGenerator generator) {
        return startService(generator, JobSettings.defaults("tiny-lcm", "fixture"));
    }

    private Running startService(ImageGenerator generator, JobSettings settings) {
        JobStore store = MvJobStore.open(data.resolve("jobs.mv"));
        ResultCache cache = new ResultCache(8 << 20, data.resolve("results"), 64 << 20);
        FairShareQueue<Job> queue = new FairShareQueue<>(QueueSettings.DEFAULTS, InstantSource.system());
        JobService service = JobService.builder(settings, generator, queue, cache, store).randomSeeds(() -> 1234L)
                .build();
        RecordingSink sink = new RecordingSink();
        service.registerSink("telegram", sink);
        service.start();
        return new Running(service, store, sink);
    }

    private static Command.Imagine fox(Requester who) {
        return new Command.Imagine(who, "a red fox in the snow", 42L, 2, new ImageSize(256, 256), 8f, 1, null);
    }

    @Test
    void imagine_generatesARealPng_andItsReplayComesFromTheCache_evenAfterARestart() throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        byte[] generated;
        String jobId;
        try (Running first = startService(generator)) {
            Reply reply = first.service().handle(fox(ALICE), "chat-700");
            assertThat(reply).isInstanceOf(Reply.Accepted.class);
            jobId = ((Reply.Accepted) reply).job().id();
            generated = first.sink().await("finished", jobId).pngs().get(0);

            BufferedImage image = ImageIO.read(new ByteArrayInputStream(generated));
            assertThat(image.getWidth()).isEqualTo(256);
            assertThat(new String(generated, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .contains("parameters").contains("a red fox in the snow").contains("Seed: 42");

            Reply replay = first.service().handle(new Command.Replay(BOB, jobId), "chat-701");
            assertThat(replay).isInstanceOf(Reply.Finished.class);
            assertThat(((Reply.Finished) replay).pngs().get(0)).isEqualTo(generated);
            assertThat(generator.generations).hasValue(1);
        }

        // A new process: new store handle, new cache, new queue; the files on disk are all that is left.
        TestGenerator afterRestart = TestGenerator.over(pipeline);
        try (Running second = startService(afterRestart)) {
            Reply replay = second.service().handle(new Command.Replay(BOB, jobId), "chat-701");

            assertThat(replay).isInstanceOf(Reply.Finished.class);
            assertThat(((Reply.Finished) replay).pngs().get(0)).isEqualTo(generated);
            assertThat(afterRestart.generations).hasValue(0);
            assertThat(second.service().cacheStats().hits()).isEqualTo(1);
        }
    }

    @Test
    void reroll_generatesAnotherPicture_withTheNewSeedInItsParameters() throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        try (Running running = startService(generator)) {
            String first = ((Reply.Accepted) running.service().handle(fox(ALICE), "c")).job().id();
            byte[] original = running.sink().await("finished", first).pngs().get(0);

            Reply reroll = running.service().handle(new Command.Reroll(ALICE, first), "c");
            Job job = ((Reply.Accepted) reroll).job();
            byte[] rerolled = running.sink().await("finished", job.id()).pngs().get(0);

            assertThat(job.parameters().seed()).isEqualTo(1234L);
            assertThat(rerolled).isNotEqualTo(original);
            assertThat(new String(rerolled, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("Seed: 1234");
        }
    }

    @Test
    void imagineWithTheFastDecoder_isDecodedByTaesd_asDiffusersDoes() throws Exception {
        Path taesd = REFERENCE.resolve("tiny-taesd");
        JobSettings defaults = JobSettings.defaults("tiny-lcm", "fixture");
        JobSettings withFast = new JobSettings(defaults.limits(), defaults.defaults(), defaults.modelId(),
                defaults.modelRevision(), defaults.jobTimeout(), defaults.initialSecondsPerUnit(), true);
        try (ImageGenerator fast = ImageGenerator.open(TINY_MODEL, new PipelineOptions(2).withFastDecoder(taesd));
             Running running = startService(fast, withFast)) {
            Command.Imagine astronaut = new Command.Imagine(ALICE, "a photograph of an astronaut riding a horse", 0L, 4,
                    new ImageSize(256, 256), 8.5f, 1, Decoder.FAST);
            Reply fastReply = running.service().handle(astronaut, "chat-700");
            Reply fullReply = running.service().handle(new Command.Imagine(ALICE, astronaut.prompt(), 0L, 4,
                    new ImageSize(256, 256), 8.5f, 1, Decoder.FULL), "chat-700");

            byte[] fastPng = running.sink().await("finished", ((Reply.Accepted) fastReply).job().id()).pngs().get(0);
            byte[] fullPng = running.sink().await("finished", ((Reply.Accepted) fullReply).job().id()).pngs().get(0);
            assertThat(maxDifference(fastPng, REFERENCE.resolve("taesd/images/t01-astronaut-0.png"))).isLessThanOrEqualTo(2);
            assertThat(maxDifference(fullPng, REFERENCE.resolve("images/m01-astronaut-0.png"))).isLessThanOrEqualTo(2);
        }
    }

    private static int maxDifference(byte[] png, Path expectedFile) throws java.io.IOException {
        BufferedImage actual = ImageIO.read(new ByteArrayInputStream(png));
        BufferedImage expected = ImageIO.read(expectedFile.toFile());
        int max = 0;
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                int a = expected.getRGB(x, y);
                int b = actual.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    max = Math.max(max, Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)));
                }
            }
        }
        return max;
    }
}
