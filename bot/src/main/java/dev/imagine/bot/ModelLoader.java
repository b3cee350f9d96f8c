package dev.imagine.bot;

import dev.imagine.bot.cli.PullCommand;
import dev.imagine.bot.config.ImagineConfig;
import dev.imagine.bot.safety.PictureClassifier;
import dev.imagine.bot.safety.SafetySettings;
import dev.imagine.bot.safety.ThresholdClassifier;
import dev.imagine.pipeline.DownloadListener;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.ModelRef;
import dev.imagine.pipeline.ModelStore;
import dev.imagine.pipeline.ModelStoreException;
import dev.imagine.pipeline.PipelineOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which model Imagine draws with and how it gets it: the folder given with {@code --model} or in the config, else the
 * configured hub repository from the model cache (downloaded with a progress bar the first time), and the fast decoder
 * beside it. Loading is all it does; the application wires the loaded model into the job service.
 */
final class ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private final ImagineConfig config;
    private final Map<String, String> environment;
    private final Supplier<DownloadListener> downloadProgress;

    ModelLoader(ImagineConfig config, Map<String, String> environment, Supplier<DownloadListener> downloadProgress) {
        this.config = config;
        this.environment = environment;
        this.downloadProgress = downloadProgress;
    }

    /** The model, open and ready (and its fast decoder when one can be had), and the picture classifier. */
    LoadedModel load(Path modelOverride) {
        ModelChoice model = chooseModel(modelOverride);
        PipelineOptions options = (config.threads() > 0 ? new PipelineOptions(config.threads())
                : PipelineOptions.defaults()).withPrecision(config.precision())
                .withPrecisionComparison(config.comparePrecision()).withDecoderPrecision(config.decoderPrecision());
        Optional<Path> fastDecoder = chooseFastDecoder(modelOverride);
        if (fastDecoder.isPresent()) {
            options = options.withFastDecoder(fastDecoder.get());
        }
        if (config.upscalerFolder().isPresent()) {
            options = options.withUpscaler(config.upscalerFolder().get());
        }
        Optional<ModelChoice> classifierFolder = chooseClassifier();
        ImageGenerator generator = ImageGenerator.open(model.folder(), options);
        try {
            PictureClassifier classifier = classifierFolder.isEmpty() ? null : ThresholdClassifier.open(
                    classifierFolder.get().folder(), classifierFolder.get().id(), config.safety(), options);
            return new LoadedModel(model, generator, classifier);
        } catch (RuntimeException e) {
            generator.close();
            throw e;
        }
    }

    /** A model that is open until it is closed: {@link #loaded()} says which (for {@code /healthz}). */
    static final class LoadedModel implements AutoCloseable {
        private final ModelChoice choice;
        private final ImageGenerator generator;
        private final PictureClassifier classifier;
        private volatile boolean open = true;

        LoadedModel(ModelChoice choice, ImageGenerator generator, PictureClassifier classifier) {
            this.choice = choice;
            this.generator = generator;
            this.classifier = classifier;
        }

        /** The picture classifier the job engine asks before delivering a picture; empty when none is configured. */
        Optional<PictureClassifier> classifier() {
            return Optional.ofNullable(classifier);
        }

        ModelChoice choice() {
            return choice;
        }

        ImageGenerator generator() {
            return generator;
        }

        boolean loaded() {
            return open;
        }

        @Override
        public void close() {
            open = false;
            if (classifier != null) {
                classifier.close();
            }
            generator.close();
        }
    }

    private ModelChoice chooseModel(Path modelOverride) {
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
        Path folder = cached.isPresent() ? cached.get() : pullWithProgress(modelStore, ref);
        return ModelChoice.hub(folder, ref.repo());
    }

    /**
     * The TAESD folder for decoder: fast: the configured folder, else the configured hub repository (cached, or
     * fetched now). A fast decoder that cannot be had is not a reason to stay down: Imagine starts without it, says
     * so, and refuses decoder: fast politely. With --model and no explicit fast decoder folder, none is fetched.
     */
    private Optional<Path> chooseFastDecoder(Path modelOverride) {
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
            return Optional.of(pullWithProgress(modelStore, ref));
        } catch (RuntimeException e) {
            LOG.warn("the fast decoder {} is not available ({}); decoder: fast will be refused",
                    config.fastDecoderRepository().get(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The folder of the picture classifier and its name for the records: the configured folder, else the configured
     * hub repository (cached, or fetched now). Unlike the fast decoder, a configured classifier that cannot be had
     * stops the start: running without it would deliver flagged pictures plainly, against the configured policy.
     */
    private Optional<ModelChoice> chooseClassifier() {
        SafetySettings safety = config.safety();
        if (safety.classifierFolder().isPresent()) {
            return Optional.of(ModelChoice.local(safety.classifierFolder().get()));
        }
        Optional<ModelRef> hub = safety.hubReference();
        if (hub.isEmpty()) {
            return Optional.empty();
        }
        ModelStore modelStore = modelStore(config, environment);
        ModelRef ref = hub.get();
        try {
            Optional<Path> cached = modelStore.cached(ref);
            Path folder = cached.isPresent() ? cached.get() : pullWithProgress(modelStore, ref);
            return Optional.of(new ModelChoice(folder, ref.repo() + "@" + folder.getFileName(), folder.getFileName()
                    .toString()));
        } catch (ModelStoreException e) {
            String explained = PullCommand.explain(e);
            String reason = explained.endsWith(".") ? explained : explained + ".";
            throw new StartupException("the picture classifier " + ref + " (safety.classifier) is not available: "
                    + reason + " To start without a classifier, set safety.classifier: \"\" and "
                    + "safety.policy: allow in config.yaml; safety.classifier-folder can name a local copy instead.",
                    e);
        }
    }

    /**
     * The model cache as configured: hub, token and offline flag from the environment; the folder from the config,
     * else the default one ({@code $XDG_CACHE_HOME/imagine/models} or {@code ~/.cache/imagine/models}).
     */
    static ModelStore modelStore(ImagineConfig config, Map<String, String> environment) {
        ModelStore.Builder builder = ModelStore.builder().environment(environment);
        config.modelCacheDir().ifPresent(builder::cacheDir);
        return builder.build();
    }

    private Path pullWithProgress(ModelStore modelStore, ModelRef ref) {
        if (!modelStore.offline()) {
            LOG.info("downloading {} into {}", ref.repo(), modelStore.cacheDir());
        }
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
}
