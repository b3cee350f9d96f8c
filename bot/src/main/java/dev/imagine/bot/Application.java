package dev.imagine.bot;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.config.ImagineConfig;
import dev.imagine.bot.job.JobIds;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobSettings;
import dev.imagine.bot.job.JobStore;
import dev.imagine.bot.job.MvJobStore;
import dev.imagine.bot.ops.Metrics;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.pipeline.DownloadListener;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.ModelRef;
import dev.imagine.pipeline.ModelStore;
import dev.imagine.pipeline.PipelineOptions;
import dev.imagine.pipeline.Precision;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running application: model, job store, cache, queue, job service and the adapters, started in that order and
 * closed in reverse. This is the one place where the parts are wired together.
 */
final class Application implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private final ImagineConfig config;
    private final List<AutoCloseable> adapters = new ArrayList<>();
    private final ImageGenerator generator;
    private final JobStore store;
    private final JobService jobs;
    private final Metrics metrics;
    private final ModelChoice model;
    private final Path dataDir;

    private Application(ImagineConfig config, ModelChoice model, ImageGenerator generator, JobStore store,
                        JobService jobs, Metrics metrics, Path dataDir) {
        this.config = config;
        this.dataDir = dataDir;
        this.model = model;
        this.generator = generator;
        this.store = store;
        this.jobs = jobs;
        this.metrics = metrics;
    }

    /**
     * Loads the model (downloading it first when it is not cached), opens the job store and the cache, and starts
     * the job service. Adapters are attached afterwards with {@link #attach}.
     */
    static Application start(ImagineConfig config, Path modelOverride, Map<String, String> environment,
                             Supplier<DownloadListener> downloadProgress) {
        ModelChoice model = chooseModel(config, modelOverride, environment, downloadProgress);
        PipelineOptions options = (config.threads() > 0 ? new PipelineOptions(config.threads())
                : PipelineOptions.defaults()).withPrecision(config.precision());
        Optional<Path> fastDecoder = chooseFastDecoder(config, modelOverride, environment, downloadProgress);
        if (fastDecoder.isPresent()) {
            options = options.withFastDecoder(fastDecoder.get());
        }
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            ImageGenerator generator = ImageGenerator.open(model.folder(), options);
            opened.add(generator);
            Path data = config.dataDir(environment);
            JobStore store = MvJobStore.open(data.resolve("jobs.mv"));
            opened.add(store);
            ResultCache cache = new ResultCache(config.cacheMemoryBytes(), data.resolve("results"),
                    config.cacheDiskBytes());
            // int8 pictures differ from fp32 ones: the result cache keys them apart through the revision.
            String revision = config.precision() == Precision.FP32 ? model.revision()
                    : model.revision() + "+" + config.precision().label();
            JobSettings settings = new JobSettings(config.limits(), config.defaults(), model.id(), revision,
                    config.jobTimeout(), 10.0, generator.hasFastDecoder());
            SecureRandom random = new SecureRandom();
            JobService jobs = new JobService(settings, generator,
                    new FairShareQueue<>(config.queueSettings(), InstantSource.system()), cache, store,
                    InstantSource.system(), Application::processCpuNanos, new JobIds(), random::nextLong);
            Metrics metrics = new Metrics(jobs::queueLength, jobs::cacheStats);
            jobs.observe(metrics);
            Application application = new Application(config, model, generator, store, jobs, metrics, data);
            LOG.info("model {} ({}) loaded; data in {}", model.id(), model.revision(), data);
            return application;
        } catch (RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static ModelChoice chooseModel(ImagineConfig config, Path modelOverride, Map<String, String> environment,
                                           Supplier<DownloadListener> downloadProgress) {
        if (modelOverride != null) {
            return ModelChoice.local(modelOverride);
        }
        Optional<Path> configured = config.modelFolder();
        if (configured.isPresent()) {
            return ModelChoice.local(configured.get());
        }
        ModelStore modelStore = modelStore(config, environment);
        ModelRef ref = ModelRef.parse(config.modelRepository() + "@" + config.modelRevision());
        Optional<Path> cached = modelStore.cached(ref);
        Path folder = cached.isPresent() ? cached.get() : pullWithProgress(modelStore, ref, downloadProgress);
        return ModelChoice.hub(folder, ref.repo());
    }

    /**
     * The TAESD folder for decoder: fast: the configured folder, else the configured hub repository (cached, or
     * fetched now). A fast decoder that cannot be had is not a reason to stay down: Imagine starts without it, says
     * so, and refuses decoder: fast politely. With --model and no explicit fast decoder folder, none is fetched.
     */
    private static Optional<Path> chooseFastDecoder(ImagineConfig config, Path modelOverride,
                                                    Map<String, String> environment,
                                                    Supplier<DownloadListener> downloadProgress) {
        if (config.fastDecoderFolder().isPresent()) {
            return config.fastDecoderFolder();
        }
        if (config.fastDecoderRepository().isEmpty() || modelOverride != null) {
            return Optional.empty();
        }
        ModelStore modelStore = modelStore(config, environment);
        try {
            ModelRef ref = ModelRef.parse(config.fastDecoderRepository().get());
            Optional<Path> cached = modelStore.cached(ref);
            if (cached.isPresent()) {
                return cached;
            }
            return Optional.of(pullWithProgress(modelStore, ref, downloadProgress));
        } catch (RuntimeException e) {
            LOG.warn("the fast decoder {} is not available ({}); decoder: fast will be refused",
                    config.fastDecoderRepository().get(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The model cache as configured: hub, token and offline flag from the environment, folder from the config. */
    private static ModelStore modelStore(ImagineConfig config, Map<String, String> environment) {
        return ModelStore.builder().environment(environment).cacheDir(config.modelCacheDir().orElse(null)).build();
    }

    private static Path pullWithProgress(ModelStore modelStore, ModelRef ref,
                                         Supplier<DownloadListener> downloadProgress) {
        LOG.info("downloading {} into {}", ref.repo(), modelStore.cacheDir());
        DownloadListener listener = downloadProgress.get();
        try {
            return modelStore.pull(ref, listener);
        } finally {
            if (listener instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // a progress bar that cannot redraw its last line changes nothing
                }
            }
        }
    }

    /** Starts the worker: jobs that were waiting before the last stop are resumed now. */
    void startWorking() {
        jobs.start();
    }

    /** Adds an adapter; adapters are closed after the job service has drained, so they can still tell people. */
    void attach(AutoCloseable adapter) {
        adapters.add(adapter);
    }

    JobService jobs() {
        return jobs;
    }

    Metrics metrics() {
        return metrics;
    }

    ModelChoice model() {
        return model;
    }

    ImagineConfig config() {
        return config;
    }

    /** Where the job store, the result cache and adapters' own small state files live. */
    Path dataDir() {
        return dataDir;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /**
     * Drains the job service within the configured grace (new requests are refused politely, waiting people are told
     * their job keeps its place), then stops the adapters, the store and the model, in reverse order of starting.
     */
    @Override
    public void close() {
        jobs.shutdown(config.shutdownGrace());
        for (int i = adapters.size() - 1; i >= 0; i--) {
            closeQuietly(adapters.get(i));
        }
        closeQuietly(store);
        closeQuietly(generator);
        LOG.info("stopped");
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
        }
    }
}
