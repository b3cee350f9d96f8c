package dev.imagine.bot.testing;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.job.Adapter;
import dev.imagine.bot.job.JobClocks;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobServiceBuilder;
import dev.imagine.bot.job.JobSettings;
import dev.imagine.bot.job.JobStore;
import dev.imagine.bot.job.MvJobStore;
import dev.imagine.bot.job.Ticker;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.pipeline.ImageGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The job engine as the application wires it, on a test's data folder: the durable store, the result cache on disk,
 * the fair-share queue and the job service. Adapters are opened as the application opens them (the sink registered,
 * then started), and {@link #close()} stops everything in the application's order: the job service drains first, while
 * the adapters can still tell people, then the adapters, then the store.
 */
public final class Engine implements AutoCloseable {
    private final JobStore store;
    private final JobService jobs;
    private final List<Adapter> adapters = new ArrayList<>();
    private boolean closed;

    public Engine(Path data, ImageGenerator generator, JobSettings settings, QueueSettings queue,
                  LongSupplier randomSeeds) {
        this(data, generator, settings, queue, randomSeeds, UnaryOperator.identity());
    }

    /** With {@code more} added to the job service's making: a classifier, moderation, an audit log. */
    public Engine(Path data, ImageGenerator generator, JobSettings settings, QueueSettings queue,
                  LongSupplier randomSeeds, UnaryOperator<JobServiceBuilder> more) {
        this(data, generator, settings, queue, randomSeeds, new JobClocks(InstantSource.system(), Ticker.SYSTEM,
                () -> 0L), more);
    }

    /** With {@code clocks} (the benchmarks charge jobs the process's real CPU time: {@link JobClocks#system()}). */
    public Engine(Path data, ImageGenerator generator, JobSettings settings, QueueSettings queue,
                  LongSupplier randomSeeds, JobClocks clocks) {
        this(data, generator, settings, queue, randomSeeds, clocks, UnaryOperator.identity());
    }

    /** With {@code clocks} and {@code more} added to the job service's making (a classifier, moderation, audit). */
    public Engine(Path data, ImageGenerator generator, JobSettings settings, QueueSettings queue,
                  LongSupplier randomSeeds, JobClocks clocks, UnaryOperator<JobServiceBuilder> more) {
        this.store = MvJobStore.open(data.resolve("jobs.mv"));
        this.jobs = more.apply(JobService.builder(settings, generator,
                        new FairShareQueue<>(queue, InstantSource.system()),
                        new ResultCache(8 << 20, data.resolve("results"), 64 << 20), store)
                .clocks(clocks)
                .randomSeeds(randomSeeds))
                .build();
    }

    /** With the fixture model's identity and the configured defaults and limits. */
    public Engine(Path data, ImageGenerator generator, QueueSettings queue, LongSupplier randomSeeds) {
        this(data, generator, JobSettings.defaults("tiny-lcm", "fixture"), queue, randomSeeds);
    }

    public JobService jobs() {
        return jobs;
    }

    public JobStore store() {
        return store;
    }

    /** Registers the adapter's sink and starts it; one that does not start is closed again. */
    public <A extends Adapter> A open(A adapter) {
        jobs.registerSink(adapter.platform(), adapter.sink());
        try {
            adapter.start();
        } catch (RuntimeException e) {
            adapter.close();
            throw e;
        }
        adapters.add(adapter);
        return adapter;
    }

    /** Starts the worker (jobs waiting in the store are resumed now). */
    public Engine startWorking() {
        jobs.start();
        return this;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        jobs.shutdown(Duration.ofSeconds(30));
        for (int i = adapters.size() - 1; i >= 0; i--) {
            adapters.get(i).close();
        }
        store.close();
    }
}
