package dev.imagine.bot.ops;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What Imagine counts, in Micrometer's Prometheus registry, for {@code /metrics}: queue length, waits, time per
 * pipeline stage, cache hits and misses, jobs by platform and outcome, refusals, and the JVM and process meters that
 * come with Micrometer. The web server adds its own HTTP, connection and executor meters to {@link #registry()}.
 *
 * <p>{@link #scrape()} writes the Prometheus text exposition format, version 0.0.4 ({@link #CONTENT_TYPE}).
 */
public final class Metrics implements JobObserver, AutoCloseable {
    /** The content type of {@link #scrape()}: the Prometheus text format that every Prometheus version reads. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Duration[] WAIT_BUCKETS = seconds(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600);
    private static final Duration[] STAGE_BUCKETS = seconds(0.1, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320);
    private static final String[] STAGES = {"text_encoder", "denoising", "decoder"};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Supplier<ResultCache.Stats> cacheStats;
    // Read once per scrape: the disk tier's figures list a folder, which six gauges should not do six times.
    private volatile ResultCache.Stats cache;
    private final Timer wait;

    public Metrics(IntSupplier queueLength, Supplier<ResultCache.Stats> cacheStats) {
        this.cacheStats = cacheStats;
        this.cache = cacheStats.get();
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);

        // Held strongly: a gauge keeps only a weak reference to what it reads, and nothing else holds this lambda, so
        // after a garbage collection the gauge would read NaN.
        Gauge.builder("imagine.queue.length", queueLength, IntSupplier::getAsInt).strongReference(true)
                .description("Jobs waiting in the fair-share queue.").register(registry);
        this.wait = Timer.builder("imagine.job.wait")
                .description("Time from acceptance until the worker started the job.")
                .serviceLevelObjectives(WAIT_BUCKETS).register(registry);
        for (String stage : STAGES) {
            stageTimer(stage);
        }
        FunctionCounter.builder("imagine.cache.hits", this, m -> m.cache.hits())
                .description("Requests for pictures answered from the result cache, without generating.")
                .register(registry);
        FunctionCounter.builder("imagine.cache.misses", this, m -> m.cache.misses())
                .description("Requests for pictures the result cache could not answer (generated, or shared with an"
                        + " identical request in flight).")
                .register(registry);
        for (String tier : new String[] {"memory", "disk"}) {
            boolean memory = tier.equals("memory");
            Gauge.builder("imagine.cache.bytes", this, m -> memory ? m.cache.memoryBytes() : m.cache.diskBytes())
                    .description("Bytes of results held, by tier.").tag("tier", tier).register(registry);
            Gauge.builder("imagine.cache.entries", this, m -> memory ? m.cache.memoryEntries() : m.cache.diskEntries())
                    .description("Results held, by tier.").tag("tier", tier).register(registry);
        }
    }

    /** Where other parts (the web server) register their meters, and what {@link #scrape()} reads. */
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void refused(String platform) {
        Counter.builder("imagine.refusals")
                .description("Requests for pictures refused (bad input, limits, full queue, not allowed), by platform.")
                .tag("platform", platform).register(registry).increment();
    }

    @Override
    public void started(Job job, Duration waited) {
        wait.record(waited);
    }

    @Override
    public void generated(Job job, Duration textEncoding, Duration denoising, Duration decoding) {
        stageTimer("text_encoder").record(textEncoding);
        stageTimer("denoising").record(denoising);
        stageTimer("decoder").record(decoding);
    }

    @Override
    public void ended(Job job, Outcome outcome) {
        Counter.builder("imagine.jobs").description("Jobs that ended, by platform and outcome.")
                .tag("platform", job.owner().platform()).tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
    }

    private Timer stageTimer(String stage) {
        return Timer.builder("imagine.stage").description("Generation time per pipeline stage.")
                .tag("stage", stage).serviceLevelObjectives(STAGE_BUCKETS).register(registry);
    }

    /** The current values in the Prometheus text exposition format, version 0.0.4 ({@link #CONTENT_TYPE}). */
    public String scrape() {
        cache = cacheStats.get();
        return registry.scrape(CONTENT_TYPE);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private static Duration[] seconds(double... values) {
        return Arrays.stream(values).mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9))).toArray(Duration[]::new);
    }
}
