package dev.imagine.bot.web;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.Defaults;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobServiceBuilder;
import dev.imagine.bot.job.JobSettings;
import dev.imagine.bot.job.JobStore;
import dev.imagine.bot.ops.Metrics;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.Engine;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.bot.testing.TinyModel;
import dev.imagine.pipeline.ImageGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A whole Imagine for tests: the job service with the durable store and the disk cache in a folder, running the real
 * small fixture model (256x256 pictures in a few hundred milliseconds), and the web server on a free port.
 */
final class TinyImagine implements AutoCloseable {
    static final Defaults SMALL = new Defaults(2, new ImageSize(256, 256), 8f, 1, Decoder.FULL);
    /** A job with this prompt keeps the worker busy until the test lets it go ({@link #holdWorker()}). */
    static final String HOLD_PROMPT = "hold the worker";

    final JobService jobs;
    final JobStore store;
    final WebServer web;
    final Metrics metrics;

    private final Engine engine;
    private final TestGenerator generator;

    private TinyImagine(Engine engine, WebServer web, TestGenerator generator, Metrics metrics) {
        this.engine = engine;
        this.jobs = engine.jobs();
        this.store = engine.store();
        this.web = web;
        this.generator = generator;
        this.metrics = metrics;
    }

    static ImageGenerator model() {
        return TinyModel.shared();
    }

    /** With the health of its real parts: the worker, draining, and whether the server listens. */
    static TinyImagine start(Path data, WebSettings settings) {
        return start(data, settings, null);
    }

    static TinyImagine start(Path data, WebSettings settings, Supplier<HealthReport> health) {
        return start(data, settings, health, QueueSettings.DEFAULTS, UnaryOperator.identity());
    }

    /** With {@code queue} settings and {@code more} added to the job service (a classifier, moderation, audit). */
    static TinyImagine start(Path data, WebSettings settings, Supplier<HealthReport> health, QueueSettings queue,
                             UnaryOperator<JobServiceBuilder> more) {
        return start(data, settings, health, queue, more, model());
    }

    /** Drawing with {@code pipeline} (which the caller closes) instead of the shared fixture model. */
    static TinyImagine drawingWith(Path data, WebSettings settings, ImageGenerator pipeline) {
        return start(data, settings, null, QueueSettings.DEFAULTS, UnaryOperator.identity(), pipeline);
    }

    private static TinyImagine start(Path data, WebSettings settings, Supplier<HealthReport> health,
                                     QueueSettings queue, UnaryOperator<JobServiceBuilder> more,
                                     ImageGenerator pipeline) {
        AtomicLong seeds = new AtomicLong(1000);
        JobSettings jobSettings = new JobSettings(Limits.DEFAULTS, SMALL, "tiny-lcm", "fixture",
                Duration.ofMinutes(1), 0.5, false);
        TestGenerator generator = TestGenerator.over(pipeline);
        Engine engine = new Engine(data, generator, jobSettings, queue, seeds::incrementAndGet, more);
        JobService jobs = engine.jobs();
        Metrics metrics = new Metrics(jobs::queueLength, jobs::cacheStats);
        jobs.observe(metrics);
        AtomicReference<WebServer> server = new AtomicReference<>();
        Supplier<HealthReport> real = () -> new HealthReport(true, jobs.workerAlive(), !jobs.admitting(),
                Map.of("web", server.get().connected()));
        try {
            server.set(engine.open(new WebServer(settings, jobs, health != null ? health : real,
                    new MetricsPage(metrics.registry(), Metrics.CONTENT_TYPE, metrics::scrape))));
        } catch (RuntimeException e) {
            engine.close();
            metrics.close();
            throw e;
        }
        engine.startWorking();
        return new TinyImagine(engine, server.get(), generator, metrics);
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
        engine.close();
        metrics.close();
    }
}
