package dev.imagine.pipeline;

import ai.onnxruntime.OrtEnvironment;
import dev.imagine.pipeline.image.GenerationParameters;
import dev.imagine.pipeline.image.ImageConversion;
import dev.imagine.pipeline.image.PngEncoder;
import dev.imagine.pipeline.model.ModelFolder;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.scheduler.GuidanceEmbedding;
import dev.imagine.pipeline.scheduler.LcmScheduler;
import dev.imagine.pipeline.scheduler.TorchGenerator;
import dev.imagine.pipeline.text.TextEncoder;
import dev.imagine.pipeline.tokenizer.ClipTokenizer;
import dev.imagine.pipeline.unet.Unet;
import dev.imagine.pipeline.vae.DecoderFolder;
import dev.imagine.pipeline.vae.VaeDecoder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * diffusers' {@code LatentConsistencyModelPipeline} (text to image) on ONNX Runtime: tokenizer, text encoder,
 * LCM loop of UNet and scheduler, VAE decoder, PNG. Owns the three sessions and the tokenizer.
 */
final class LcmPipeline implements ImageGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(LcmPipeline.class);
    static final String VERSION = "Imagine " + versionOf(LcmPipeline.class);

    private final ModelFolder folder;
    private final ClipTokenizer tokenizer;
    private final TextEncoder textEncoder;
    private final Unet unet;
    private final VaeDecoder vaeDecoder;
    private final VaeDecoder fastDecoder;
    private final float fastScalingFactor;
    private final LcmScheduler scheduler;
    private final int guidanceEmbeddingDim;

    private LcmPipeline(ModelFolder folder, ClipTokenizer tokenizer, TextEncoder textEncoder, Unet unet,
                        VaeDecoder vaeDecoder, VaeDecoder fastDecoder, float fastScalingFactor) {
        this.folder = folder;
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.unet = unet;
        this.vaeDecoder = vaeDecoder;
        this.fastDecoder = fastDecoder;
        this.fastScalingFactor = fastScalingFactor;
        this.scheduler = new LcmScheduler(folder.scheduler());
        this.guidanceEmbeddingDim = guidanceEmbeddingDim(folder, unet);
    }

    static LcmPipeline open(Path root, PipelineOptions options) {
        ModelFolder folder = ModelFolder.open(root);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        SessionSettings settings = SessionSettings.withThreads(options.intraOpThreads())
                .withOptimizedModelCache(options.cacheOptimizedModels(), SessionSettings.DEFAULT_CACHE_MIN_BYTES);
        DecoderFolder fast = options.fastDecoder() == null ? null : DecoderFolder.locate(options.fastDecoder());
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            long start = System.nanoTime();
            ClipTokenizer tokenizer = remember(opened, ClipTokenizer.load(folder.tokenizer()));
            TextEncoder textEncoder = remember(opened, TextEncoder.load(env, folder.textEncoder(), settings));
            Unet unet = remember(opened, options.precision() == Precision.INT8
                    ? UnetCalibration.loadInt8(folder, settings, calibrating ->
                            denoisingOnly(folder, tokenizer, textEncoder, calibrating))
                    : Unet.load(env, folder.unet(), settings));
            VaeDecoder vae = remember(opened, VaeDecoder.load(env, folder.vaeDecoder(), settings));
            VaeDecoder fastDecoder = fast == null ? null : remember(opened, VaeDecoder.load(env, fast.model(), settings));
            LcmPipeline pipeline = new LcmPipeline(folder, tokenizer, textEncoder, unet, vae, fastDecoder,
                    fast == null ? 1f : fast.scalingFactor());
            LOG.info("loaded model {} in {} ms ({} threads, UNet {}{})", folder.root(),
                    (System.nanoTime() - start) / 1_000_000, options.intraOpThreads(), options.precision().label(),
                    fast == null ? "" : ", fast decoder " + fast.model());
            return pipeline;
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /**
     * A pipeline around borrowed parts that can denoise but not decode (int8 calibration drives the float32 UNet
     * through it). Never close it: it does not own what it was given.
     */
    static LcmPipeline denoisingOnly(ModelFolder folder, ClipTokenizer tokenizer, TextEncoder textEncoder, Unet unet) {
        return new LcmPipeline(folder, tokenizer, textEncoder, unet, null, null, 1f);
    }

    private static <T extends AutoCloseable> T remember(List<AutoCloseable> opened, T resource) {
        opened.add(resource);
        return resource;
    }

    private static int guidanceEmbeddingDim(ModelFolder folder, Unet unet) {
        if (!unet.hasTimestepCond()) {
            return 0;
        }
        int configured = folder.timeCondProjDim();
        int declared = unet.timestepCondDim();
        if (configured > 0 && declared > 0 && configured != declared) {
            throw new PipelineException(folder.unet() + " declares timestep_cond of length " + declared
                    + " but unet/config.json says time_cond_proj_dim " + configured);
        }
        int dim = configured > 0 ? configured : declared;
        if (dim <= 0) {
            throw new PipelineException("the UNet takes timestep_cond but neither unet/config.json "
                    + "(time_cond_proj_dim) nor the graph says its length");
        }
        return dim;
    }

    @Override
    public TokenizedPrompt tokenize(String prompt) {
        return tokenizer.encode(prompt);
    }

    @Override
    public String modelName() {
        return folder.name();
    }

    @Override
    public boolean hasFastDecoder() {
        return fastDecoder != null;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress,
                                     CancellationSignal cancel) {
        try (SteppedGeneration generation = begin(request)) {
            progress.onProgress(new ProgressListener.Progress(ProgressListener.Progress.Stage.TEXT_ENCODED, 0,
                    generation.totalSteps()));
            while (generation.step(progress, cancel)) {
                // every step reports its own progress
            }
            if (cancel.isCancelled()) {
                throw new GenerationCancelledException(generation.totalSteps(), generation.totalSteps());
            }
            GenerationResult result = generation.finish();
            progress.onProgress(new ProgressListener.Progress(ProgressListener.Progress.Stage.DECODED,
                    generation.totalSteps(), generation.totalSteps()));
            return result;
        }
    }

    @Override
    public SteppedGeneration begin(GenerationRequest request) {
        if (request.decoder() == GenerationRequest.Decoder.FAST && fastDecoder == null) {
            throw new PipelineException("the fast decoder was asked for, but this generator was opened without one "
                    + "(PipelineOptions.withFastDecoder: a TAESD folder such as deinferno/taesd-onnx)");
        }
        int scale = folder.vaeScaleFactor();
        int latentH = request.height() / scale;
        int latentW = request.width() / scale;
        if (latentH * scale != request.height() || latentW * scale != request.width()) {
            throw new PipelineException("width and height must be multiples of " + scale + " for this model");
        }
        long t0 = System.nanoTime();
        TokenizedPrompt prompt = tokenizer.encode(request.prompt());
        Conditioning conditioning = condition(prompt, request.guidance());
        long[] latentShape = {1, folder.latentChannels(), latentH, latentW};
        return new SteppedGeneration(request, prompt, conditioning, latentShape,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * The loop of {@link #generate} turned inside out: what were its locals (per image: the random generator, the
     * latents, the scheduler run, the last denoised sample) are fields, so that it can stop after any step.
     */
    final class SteppedGeneration implements Generation {
        private final GenerationRequest request;
        private final TokenizedPrompt prompt;
        private final Conditioning conditioning;
        private final long[] latentShape;
        private final int latentSize;
        private final Duration textEncoding;
        private final List<float[]> finalLatents = new ArrayList<>();
        private long denoisingNanos;
        private int done;
        // The image being denoised: set by its first step, cleared by its last.
        private TorchGenerator generator;
        private float[] latents;
        private LcmScheduler.Run run;
        private boolean closed;

        private SteppedGeneration(GenerationRequest request, TokenizedPrompt prompt, Conditioning conditioning,
                                  long[] latentShape, Duration textEncoding) {
            this.request = request;
            this.prompt = prompt;
            this.conditioning = conditioning;
            this.latentShape = latentShape;
            this.latentSize = (int) (latentShape[1] * latentShape[2] * latentShape[3]);
            this.textEncoding = textEncoding;
        }

        @Override
        public GenerationRequest request() {
            return request;
        }

        @Override
        public boolean step(ProgressListener progress, CancellationSignal cancel) {
            requireOpen();
            int total = totalSteps();
            if (done >= total) {
                return false;
            }
            if (cancel.isCancelled()) {
                throw new GenerationCancelledException(done, total);
            }
            long start = System.nanoTime();
            if (run == null) {
                generator = new TorchGenerator(request.seedOf(done / request.steps()));
                latents = generator.randn(latentSize);
                run = scheduler.start(request.steps());
            }
            int[] timesteps = run.timesteps();
            int i = run.stepIndex();
            boolean last = i == timesteps.length - 1;
            float[] modelOutput = predict(latents, latentShape, timesteps[i], conditioning, request.guidance(), last);
            TorchGenerator noise = generator;
            LcmScheduler.StepResult result = run.step(modelOutput, latents, () -> noise.randn(latentSize));
            latents = result.prevSample();
            done++;
            if (last) {
                finalLatents.add(result.denoised());
                generator = null;
                latents = null;
                run = null;
            }
            denoisingNanos += System.nanoTime() - start;
            progress.onProgress(new ProgressListener.Progress(ProgressListener.Progress.Stage.STEP_DONE, done, total));
            return true;
        }

        @Override
        public int stepsDone() {
            return done;
        }

        @Override
        public int totalSteps() {
            return request.steps() * request.count();
        }

        @Override
        public GenerationResult finish() {
            requireOpen();
            if (!denoised()) {
                throw new IllegalStateException("finish() with " + (totalSteps() - done) + " steps left");
            }
            long start = System.nanoTime();
            List<GeneratedImage> images = new ArrayList<>();
            for (int index = 0; index < finalLatents.size(); index++) {
                images.add(decode(finalLatents.get(index), latentShape, request, index));
            }
            return new GenerationResult(images, prompt, textEncoding, Duration.ofNanos(denoisingNanos),
                    Duration.ofNanos(System.nanoTime() - start));
        }

        private void requireOpen() {
            if (closed) {
                throw new IllegalStateException("the generation was closed");
            }
        }

        @Override
        public void close() {
            closed = true;
            finalLatents.clear();
            generator = null;
            latents = null;
            run = null;
        }
    }

    /** The text embedding and, for LCM UNets, the guidance embedding; for plain UNets, the unconditional one. */
    private record Conditioning(float[] hidden, long[] hiddenShape, float[] guidanceEmbedding, float[] unconditional) {
    }

    private Conditioning condition(TokenizedPrompt prompt, float guidance) {
        int[] ids = prompt.ids();
        float[] hidden = textEncoder.encode(ids);
        long[] shape = {1, ids.length, hidden.length / ids.length};
        if (unet.hasTimestepCond()) {
            return new Conditioning(hidden, shape, GuidanceEmbedding.embedGuidance(guidance, guidanceEmbeddingDim), null);
        }
        // A UNet without timestep_cond (LCM-LoRA style) is run as diffusers' StableDiffusionPipeline runs it:
        // classifier-free guidance against the empty prompt when the scale is above 1.
        float[] unconditional = guidance > 1f ? textEncoder.encode(tokenizer.encode("").ids()) : null;
        return new Conditioning(hidden, shape, null, unconditional);
    }

    private float[] predict(float[] latents, long[] latentShape, int t, Conditioning c, float guidance,
                            boolean lastOfImage) {
        if (c.unconditional() == null) {
            return unet.predict(latents, latentShape, t, c.hidden(), c.hiddenShape(), c.guidanceEmbedding(),
                    lastOfImage);
        }
        int n = latents.length;
        float[] doubled = new float[2 * n];
        System.arraycopy(latents, 0, doubled, 0, n);
        System.arraycopy(latents, 0, doubled, n, n);
        float[] hidden = new float[2 * c.hidden().length];
        System.arraycopy(c.unconditional(), 0, hidden, 0, c.hidden().length);
        System.arraycopy(c.hidden(), 0, hidden, c.hidden().length, c.hidden().length);
        long[] doubledShape = latentShape.clone();
        doubledShape[0] = 2;
        long[] hiddenShape = c.hiddenShape().clone();
        hiddenShape[0] = 2;
        float[] both = unet.predict(doubled, doubledShape, t, hidden, hiddenShape, null, lastOfImage);
        float[] guided = new float[n];
        for (int i = 0; i < n; i++) {
            float uncond = both[i];
            guided[i] = uncond + guidance * (both[n + i] - uncond);
        }
        return guided;
    }

    private GeneratedImage decode(float[] denoised, long[] latentShape, GenerationRequest request, int index) {
        boolean fast = request.decoder() == GenerationRequest.Decoder.FAST;
        VaeDecoder decoder = fast ? fastDecoder : vaeDecoder;
        // diffusers: vae.decode(denoised / vae.config.scaling_factor); TAESD's factor is 1.0.
        float scaling = fast ? fastScalingFactor : folder.scalingFactor();
        float[] scaled = new float[denoised.length];
        for (int i = 0; i < scaled.length; i++) {
            // A true division, as diffusers does; multiplying by 1/scaling can differ in the last bit.
            scaled[i] = denoised[i] / scaling;
        }
        float[] image = decoder.decode(scaled, latentShape);
        int width = request.width();
        int height = request.height();
        if (image.length != 3 * width * height) {
            throw new PipelineException(decoder.file() + " returned " + image.length + " values; expected "
                    + 3 * width * height + " for a " + width + "x" + height + " image");
        }
        byte[] rgb = ImageConversion.toRgb(image, 0, width, height);
        long seed = request.seedOf(index);
        GenerationParameters parameters = new GenerationParameters(request.prompt(), request.steps(),
                request.guidance(), seed, width, height, folder.name(), VERSION);
        byte[] png = PngEncoder.encode(rgb, width, height, Map.of(GenerationParameters.PNG_KEYWORD, parameters.toText()));
        return new GeneratedImage(seed, width, height, png);
    }

    @Override
    public void close() {
        List<AutoCloseable> owned = fastDecoder == null ? List.of(tokenizer, textEncoder, unet, vaeDecoder)
                : List.of(tokenizer, textEncoder, unet, vaeDecoder, fastDecoder);
        closeAll(owned, null);
    }

    private static void closeAll(List<AutoCloseable> resources, RuntimeException primary) {
        RuntimeException failure = primary;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new PipelineException("closing the pipeline failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (primary == null && failure != null) {
            throw failure;
        }
    }

    private static String versionOf(Class<?> type) {
        String version = type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
