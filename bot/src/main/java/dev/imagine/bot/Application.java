package dev.imagine.bot;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.config.ImagineConfig;
import dev.imagine.bot.job.Adapter;
import dev.imagine.bot.job.AuditLog;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobServiceBuilder;
import dev.imagine.bot.job.JobSettings;
import dev.imagine.bot.job.JobStore;
import dev.imagine.bot.job.ModerationSettings;
import dev.imagine.bot.job.MvJobStore;
import dev.imagine.bot.ops.Metrics;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.JobQueue;
import dev.imagine.bot.redis.RedisBackend;
import dev.imagine.bot.redis.RedisUrl;
import dev.imagine.bot.safety.PictureClassifier;
import dev.imagine.bot.web.HealthReport;
import dev.imagine.bot.web.MetricsPage;
import dev.imagine.pipeline.DownloadListener;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running application, and the one place where its parts are wired together: the model ({@link ModelLoader}),
 * the job store, the result cache, the fair-share queue, the job service and its metrics, then each adapter (its
 * reply sink registered before the worker starts), then the worker. {@link #close()} stops them in the reverse
 * order through one {@link Closer}: the worker drains first while the adapters can still tell people, then the
 * adapters, the metrics, the store and the model.
 */
final class Application implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private final ImagineConfig config;
    private final ModelLoader.LoadedModel model;
    private final JobService jobs;
    private final Metrics metrics;
    private final Path dataDir;
    private final Closer closer;
    private final List<Adapter> adapters = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Optional<RedisBackend> redis;
    /** The platforms whose news goes through Redis when the queue is shared (the adapters' own names). */
    private static final List<String> PLATFORMS = List.of("discord", "telegram", "web", "mcp");

    private Application(ImagineConfig config, ModelLoader.LoadedModel model, JobService jobs, Metrics metrics,
                        Path dataDir, Closer closer, Optional<RedisBackend> redis) {
        this.redis = redis;
        this.config = config;
        this.model = model;
        this.jobs = jobs;
        this.metrics = metrics;
        this.dataDir = dataDir;
        this.closer = closer;
    }

    /**
     * Loads the model (downloading it first when it is not cached), opens the job store and the cache, and makes the
     * job service. Adapters are opened afterwards with {@link #open}, then {@link #startWorking()} starts the worker.
     */
    static Application start(ImagineConfig config, Path modelOverride, Map<String, String> environment,
                             Supplier<DownloadListener> downloadProgress) {
        return start(config, modelOverride, environment, downloadProgress, config.workerEnabled());
    }

    /**
     * {@link #start(ImagineConfig, Path, Map, Supplier)}, with or without a worker in this process ({@code imagine.jar
     * worker} runs one whatever {@code worker.enabled} says).
     */
    static Application start(ImagineConfig config, Path modelOverride, Map<String, String> environment,
                             Supplier<DownloadListener> downloadProgress, boolean worker) {
        Closer closer = new Closer();
        try {
            // Redis first: one that cannot be reached stops start-up before a model download of gigabytes.
            Optional<RedisBackend> shared = config.redisBackend()
                    ? Optional.of(openRedis(config, environment, closer)) : Optional.empty();
            ModelLoader.LoadedModel model = closer.add("the model",
                    new ModelLoader(config, environment, downloadProgress).load(modelOverride));
            Path data = config.dataDir(environment);
            Backend backend = shared.map(r -> new Backend(r.queue(), r.store(), shared))
                    .orElseGet(() -> embedded(config, data, closer));
            // With Redis the pictures are shared too: a picture one worker drew answers any process's request.
            ResultCache cache = backend.redis()
                    .map(redis -> new ResultCache(config.cacheMemoryBytes(), redis.pictures(config.redisCacheBytes())))
                    .orElseGet(() -> new ResultCache(config.cacheMemoryBytes(), data.resolve("results"),
                            config.cacheDiskBytes()));
            ModelChoice choice = model.choice();
            // int8 pictures differ from fp32 ones: the job engine keys them apart through the revision (+int8).
            JobSettings settings = new JobSettings(config.limits(), config.defaults(), choice.id(), choice.revision(),
                    config.jobTimeout(), 10.0, model.generator().hasFastDecoder());
            JobServiceBuilder builder = JobService.builder(settings, model.generator(), backend.queue(), cache,
                    backend.store()).worker(worker)
                    .safety(model.classifier().orElse(null), config.safety().policy())
                    .moderation(new ModerationSettings(Set.copyOf(config.operators()), config.ratePictures(),
                            config.rateWindow()))
                    .audit(AuditLog.open(data.resolve("audit"), config.auditRetention(), InstantSource.system()));
            // Identical requests meet across processes too: the same button pressed on two adapters, one picture.
            backend.redis().ifPresent(redis -> builder.inFlight(redis.inFlight()));
            JobService jobs = builder.build();
            // With Redis, whatever this process's engine has to tell goes to the platform's stream, and the process
            // that runs that platform's adapter (maybe this one, see open) tells it.
            backend.redis().ifPresent(redis -> PLATFORMS.forEach(p -> jobs.registerSink(p, redis.newsFor(p))));
            Metrics metrics = closer.add("the metrics", new Metrics(jobs::queueLength, jobs::cacheStats));
            jobs.observe(metrics);
            LOG.info("model {} ({}) loaded; data in {}", choice.id(), choice.revision(), data);
            model.classifier().ifPresent(classifier -> LOG.info("picture classifier {}: flags '{}' above {}, policy {}",
                    classifier.name(), config.safety().label(), config.safety().threshold(),
                    config.safety().policy().configName()));
            return new Application(config, model, jobs, metrics, data, closer, backend.redis());
        } catch (RuntimeException e) {
            closer.closeAfter(e);
            throw e;
        }
    }

    /** Where the queue and the job store live. */
    private record Backend(JobQueue<Job> queue, JobStore store, Optional<RedisBackend> redis) {
    }

    /** The embedded queue and job store: this process, one machine (the default). */
    private static Backend embedded(ImagineConfig config, Path data, Closer closer) {
        JobStore store = closer.add("the job store", openJobStore(data.resolve("jobs.mv")));
        return new Backend(new FairShareQueue<>(config.queueSettings(), InstantSource.system()), store,
                Optional.empty());
    }

    /**
     * The queue, the job store, the shared cache and the news in Redis (queue.backend: redis), shared with the other
     * processes of the deployment. A Redis that cannot be reached stops start-up in one line, with its URL but never
     * its password.
     */
    private static RedisBackend openRedis(ImagineConfig config, Map<String, String> environment, Closer closer) {
        try {
            RedisUrl url = RedisUrl.parse(config.redisUrl(environment), config.redisUrlSource(environment));
            return closer.add("Redis", RedisBackend.open(url, config.queueSettings(), config.jobTimeout()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /** The job store; one that cannot be opened (most often: another Imagine uses it) stops start-up in one line. */
    private static JobStore openJobStore(Path file) {
        try {
            return MvJobStore.open(file);
        } catch (IllegalStateException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /**
     * Makes and starts an adapter: its sink answers its platform's people from now on, and it is closed with the rest.
     * A start that fails (a rejected token, a port in use) stops start-up with the adapter's message.
     */
    Adapter open(Supplier<? extends Adapter> making) {
        return open(making, true);
    }

    /**
     * Makes and starts the server of {@code /healthz} and {@code /metrics} of a worker-only process: closed with the
     * rest, but not a platform (its sink is not registered: web jobs are told by the bot's own web adapter).
     */
    Adapter openOperations(Supplier<? extends Adapter> making) {
        return open(making, false);
    }

    private Adapter open(Supplier<? extends Adapter> making, boolean platform) {
        Adapter adapter = forStartup(making);
        closer.add(adapter.platform(), adapter);
        adapters.add(adapter);
        if (platform && redis.isEmpty()) {
            jobs.registerSink(adapter.platform(), adapter.sink());
        }
        forStartup(() -> {
            adapter.start();
            return adapter;
        });
        if (platform && redis.isPresent()) {
            // Its news waits in Redis until the adapter can deliver it (connected), and while the platform is away.
            closer.add("the news of " + adapter.platform(),
                    redis.get().relayNews(adapter.platform(), adapter.sink(), adapter::connected));
        }
        return adapter;
    }

    private static <T> T forStartup(Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /**
     * Starts the worker: jobs that were waiting before the last stop are resumed now, and report through the sinks of
     * the adapters opened before. At the close it drains first.
     */
    void startWorking() {
        jobs.start();
        closer.add("the job service", () -> jobs.shutdown(config.shutdownGrace()));
    }

    /** What {@code /healthz} says, from the real state of each part. */
    HealthReport health() {
        Map<String, Boolean> connected = new LinkedHashMap<>();
        for (Adapter adapter : adapters) {
            connected.put(adapter.platform(), adapter.connected());
        }
        return new HealthReport(model.loaded(), jobs.workerAlive(), !jobs.admitting(), connected);
    }

    /** What {@code /metrics} shows. */
    MetricsPage metricsPage() {
        return new MetricsPage(metrics.registry(), Metrics.CONTENT_TYPE, metrics::scrape);
    }

    JobService jobs() {
        return jobs;
    }

    Metrics metrics() {
        return metrics;
    }

    ModelChoice model() {
        return model.choice();
    }

    /** The picture classifier the job engine asks before delivering a picture; empty when none is configured. */
    Optional<PictureClassifier> pictureClassifier() {
        return model.classifier();
    }

    ImagineConfig config() {
        return config;
    }

    /** Where the job store, the result cache and adapters' own small state files live. */
    Path dataDir() {
        return dataDir;
    }

    /**
     * Drains the job service within the configured grace (new requests are refused politely, waiting people are told
     * their job keeps its place), then stops the adapters, the metrics, the store and the model, in reverse order of
     * starting.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            // Closed by the main thread and the shutdown hook alike: the second caller waits for the first.
            awaitClosed();
            return;
        }
        try {
            closer.close();
            LOG.info("stopped");
        } finally {
            closed.countDown();
        }
    }

    /** Whether {@link #close} has begun. */
    boolean closing() {
        return closing.get();
    }

    /** While closing: the running picture stops after its current step and is kept, instead of finishing. */
    void stopRunningJobNow() {
        jobs.stopRunningJobNow();
    }

    private void awaitClosed() {
        boolean interrupted = false;
        while (true) {
            try {
                closed.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
