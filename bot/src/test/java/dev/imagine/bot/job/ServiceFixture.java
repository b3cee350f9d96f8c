package dev.imagine.bot.job;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.TestGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A job service as the job service's own tests drive it: a fixed wall clock, a ticker that moves only when the test
 * says so, random seeds counting up from 1001, and every reply for one platform recorded. The store is kept across
 * {@link #start}s, so a second start is a restart of the process over the same store (and the same results folder,
 * when the cache is on disk). {@link #close()} lets the generator go, drains the service and closes the store.
 */
final class ServiceFixture implements AutoCloseable {
    static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));

    private final FakeTicker ticker = new FakeTicker();
    private final AtomicLong seeds = new AtomicLong(1000);
    private final String platform;
    private final JobStore store;
    private final ResultCacheFactory cache;
    private TestGenerator generator;
    private FairShareQueue<Job> queue;
    private RecordingSink sink;
    private JobService service;
    private boolean closed;

    private interface ResultCacheFactory {
        ResultCache create();
    }

    private ServiceFixture(String platform, JobStore store, ResultCacheFactory cache) {
        this.platform = platform;
        this.store = store;
        this.cache = cache;
    }

    /** Store and result cache in memory: a restart forgets the cached pictures but keeps the jobs. */
    static ServiceFixture inMemory(String platform) {
        return new ServiceFixture(platform, MvJobStore.inMemory(), () -> new ResultCache(1 << 20, null, 0));
    }

    /** Store ({@code jobs.mv}) and result cache ({@code results/}) in {@code data}, as the application keeps them. */
    static ServiceFixture onDisk(Path data, String platform) {
        return new ServiceFixture(platform, MvJobStore.open(data.resolve("jobs.mv")),
                () -> new ResultCache(1 << 20, data.resolve("results"), 64 << 20));
    }

    /** Starts a service drawing with {@code generator}, with the fake model's default settings and queue. */
    ServiceFixture start(TestGenerator generator) {
        return start(generator, JobSettings.defaults("fake-model", "r1"), QueueSettings.DEFAULTS);
    }

    /** Starts a new service over the store, with a new queue, cache and sink (a restart, when one ran before). */
    ServiceFixture start(TestGenerator generator, JobSettings settings, QueueSettings queueSettings) {
        this.generator = generator;
        queue = new FairShareQueue<>(queueSettings, CLOCK);
        sink = new RecordingSink();
        service = JobService.builder(settings, generator, queue, cache.create(), store)
                .clocks(new JobClocks(CLOCK, ticker, () -> 0L)).randomSeeds(seeds::incrementAndGet).build();
        service.registerSink(platform, sink);
        service.start();
        return this;
    }

    JobService service() {
        return service;
    }

    RecordingSink sink() {
        return sink;
    }

    FairShareQueue<Job> queue() {
        return queue;
    }

    JobStore store() {
        return store;
    }

    FakeTicker ticker() {
        return ticker;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (service != null) {
            generator.releaseAll();
            service.shutdown(Duration.ofSeconds(5));
        }
        store.close();
    }
}
