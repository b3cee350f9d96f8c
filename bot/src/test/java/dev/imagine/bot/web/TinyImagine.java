package dev.imagine.bot.web;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.Defaults;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobSettings;
import dev.imagine.bot.job.JobStore;
import dev.imagine.bot.job.MvJobStore;
import dev.imagine.bot.ops.Metrics;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.PipelineOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A whole Imagine for tests: the job service with the durable store and the disk cache in a folder, running the real
 * small fixture model (256x256 pictures in a few hundred milliseconds), and the web server on a free port.
 */
final class TinyImagine implements AutoCloseable {
    static final Path TINY_MODEL = Path.of("../pipeline/src/test/resources/reference/tiny-lcm").toAbsolutePath();
    static final Defaults SMALL = new Defaults(2, new ImageSize(256, 256), 8f, 1, Decoder.FULL);
    /** A job with this prompt keeps the worker busy until the test lets it go ({@link #holdWorker()}). */
    static final String HOLD_PROMPT = "hold the worker";

    private static ImageGenerator model;

    final JobService jobs;
    final JobStore store;
    final WebServer web;
    final Metrics metrics;

    private final TestGenerator generator;

    private TinyImagine(JobService jobs, JobStore store, WebServer web, TestGenerator generator, Metrics metrics) {
        this.generator = generator;
        this.metrics = metrics;
        this.jobs = jobs;
        this.store = store;
        this.web = web;
    }

    /** The model is loaded once for the whole test run and closed by the JVM. */
    static synchronized ImageGenerator model() {
        if (model == null) {
            model = ImageGenerator.open(TINY_MODEL, new PipelineOptions(2));
        }
        return model;
    }

    static TinyImagine start(Path data, WebSettings settings) {
        return start(data, settings, () -> new HealthReport(true, true, Map.of("web", true)));
    }

    static TinyImagine start(Path data, WebSettings settings, Supplier<HealthReport> health) {
        JobStore store = MvJobStore.open(data.resolve("jobs.mv"));
        ResultCache cache = new ResultCache(8 << 20, data.resolve("results"), 64 << 20);
        AtomicLong seeds = new AtomicLong(1000);
        JobSettings jobSettings = new JobSettings(Limits.DEFAULTS, SMALL, "tiny-lcm", "fixture",
                Duration.ofMinutes(1), 0.5, false);
        TestGenerator generator = TestGenerator.over(model());
        FairShareQueue<Job> queue = new FairShareQueue<>(QueueSettings.DEFAULTS, InstantSource.system());
        JobService jobs = JobService.builder(jobSettings, generator, queue, cache, store)
                .randomSeeds(seeds::incrementAndGet).build();
        Metrics metrics = new Metrics(jobs::queueLength, jobs::cacheStats);
        jobs.observe(metrics);
        WebServer web;
        try {
            web = WebServer.start(settings, jobs, health, metrics);
        } catch (RuntimeException e) {
            store.close();
            metrics.close();
            throw e;
        }
        jobs.start();
        return new TinyImagine(jobs, store, web, generator, metrics);
    }

    /**
     * From now on a job with {@link #HOLD_PROMPT} waits before drawing until the returned handle is closed, so that
     * the jobs submitted after it wait in the queue.
     */
    Hold holdWorker() {
        generator.holdPrompt(HOLD_PROMPT);
        return new Hold(generator);
    }

    /** Holds the next job with {@link #HOLD_PROMPT} on the worker until closed. */
    static final class Hold implements AutoCloseable {
        private final TestGenerator generator;

        private Hold(TestGenerator generator) {
            this.generator = generator;
        }

        /** Waits until the held job is on the worker (so later jobs really wait in the queue). */
        void awaitHeld() throws InterruptedException {
            if (!generator.held.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the held job never reached the worker");
            }
        }

        @Override
        public void close() {
            generator.open();
        }
    }

    String base() {
        return "http://127.0.0.1:" + web.port();
    }

    @Override
    public void close() {
        web.close();
        jobs.shutdown(Duration.ofSeconds(30));
        store.close();
        metrics.close();
    }
}
