package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.CountingGenerator;
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
    static final Path TINY_MODEL = Path.of("../pipeline/src/test/resources/reference/tiny-lcm").toAbsolutePath();
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
        JobStore store = MvJobStore.open(data.resolve("jobs.mv"));
        ResultCache cache = new ResultCache(8 << 20, data.resolve("results"), 64 << 20);
        JobService service = new JobService(JobSettings.defaults("tiny-lcm", "fixture"), generator,
                new FairShareQueue<>(QueueSettings.DEFAULTS, InstantSource.system()), cache, store,
                InstantSource.system(), () -> 0L, new JobIds(), () -> 1234L);
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
        CountingGenerator generator = new CountingGenerator(pipeline);
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
        CountingGenerator afterRestart = new CountingGenerator(pipeline);
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
        CountingGenerator generator = new CountingGenerator(pipeline);
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
}
