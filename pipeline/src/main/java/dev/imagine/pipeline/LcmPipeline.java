package dev.imagine.pipeline;

import ai.onnxruntime.OrtEnvironment;
import dev.imagine.pipeline.image.ImageConversion;
import dev.imagine.pipeline.image.PngEncoder;
import dev.imagine.pipeline.graph.QuantizationScheme;
import dev.imagine.pipeline.model.ModelFolder;
import dev.imagine.pipeline.onnx.FloatTensor;
import dev.imagine.pipeline.onnx.Int8ModelCache;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.prompt.PromptReader;
import dev.imagine.pipeline.scheduler.GuidanceEmbedding;
import dev.imagine.pipeline.scheduler.LcmScheduler;
import dev.imagine.pipeline.scheduler.TorchGenerator;
import dev.imagine.pipeline.text.TextEncoder;
import dev.imagine.pipeline.tokenizer.ClipTokenizer;
import dev.imagine.pipeline.unet.Unet;
import dev.imagine.pipeline.upscale.SuperResolution;
import dev.imagine.pipeline.vae.DecoderFolder;
import dev.imagine.pipeline.vae.VaeDecoder;
import dev.imagine.pipeline.vae.PictureEncoder;
import dev.imagine.pipeline.vae.VaeEncoder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * diffusers' {@code LatentConsistencyModelPipeline} (text to image), {@code LatentConsistencyModelImg2ImgPipeline}
 * (image to image) and {@code StableDiffusionInpaintPipeline} with the LCM UNet (inpainting, {@link MaskedDenoising})
 * on ONNX Runtime: tokenizer, text encoder, [VAE encoder,] LCM loop of UNet and scheduler, VAE decoder, PNG. Owns the sessions and the tokenizer; the VAE encoder is loaded on the first image-to-image request.
 * Opened to compare precisions ({@link PipelineOptions#comparePrecision()}), it holds the UNet of both and each
 * request names the one it is denoised with; everything else is one copy.
 */
final class LcmPipeline implements ImageGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(LcmPipeline.class);
    static final String VERSION = "Imagine " + versionOf(LcmPipeline.class);

    private final ModelFolder folder;
    private final ClipTokenizer tokenizer;
    private final PromptReader promptReader;
    private final TextEncoder textEncoder;
    private final Unet unet; // the UNet of {@link #precision}: requests that name none, upscales, calibration
    private final Precision precision;
    private final Map<Precision, Unet> unets = new EnumMap<>(Precision.class);
    private final VaeDecoder vaeDecoder;
    private final VaeDecoder fastDecoder;
    private final float fastScalingFactor;
    private final LcmScheduler scheduler;
    private final int guidanceEmbeddingDim;
    private final int sizeStep;
    private final PictureEncoder pictureEncoder;
    private SuperResolution upscaler;
    private Precision decoderPrecision = Precision.FP32;

    private LcmPipeline(ModelFolder folder, ClipTokenizer tokenizer, TextEncoder textEncoder, Unet unet,
                        VaeDecoder vaeDecoder, VaeDecoder fastDecoder, float fastScalingFactor, OrtEnvironment env,
                        SessionSettings settings) {
        this(folder, tokenizer, textEncoder, Map.of(Precision.FP32, unet), Precision.FP32, vaeDecoder, fastDecoder,
                fastScalingFactor, env, settings);
    }

    private LcmPipeline(ModelFolder folder, ClipTokenizer tokenizer, TextEncoder textEncoder, Map<Precision, Unet> unets,
                        Precision precision, VaeDecoder vaeDecoder, VaeDecoder fastDecoder, float fastScalingFactor,
                        OrtEnvironment env, SessionSettings settings) {
        this.folder = folder;
        this.tokenizer = tokenizer;
        this.promptReader = new PromptReader(tokenizer);
        this.textEncoder = textEncoder;
        this.unet = unets.get(precision);
        this.precision = precision;
        this.unets.putAll(unets);
        this.vaeDecoder = vaeDecoder;
        this.fastDecoder = fastDecoder;
        this.fastScalingFactor = fastScalingFactor;
        this.scheduler = new LcmScheduler(folder.scheduler());
        this.guidanceEmbeddingDim = guidanceEmbeddingDim(folder, unet);
        this.sizeStep = ModelSizes.sizeStep(folder);
        this.pictureEncoder = new PictureEncoder(env, folder.vaeEncoder().orElse(null), settings,
                folder.scalingFactor());
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
            Map<Precision, Unet> unets = new EnumMap<>(Precision.class);
            // int8 first: preparing it runs a float32 UNet of its own, better closed before another is loaded.
            for (Precision wanted : List.of(Precision.INT8, Precision.FP32)) {
                if (options.unetPrecisions().contains(wanted)) {
                    unets.put(wanted, remember(opened, wanted == Precision.INT8
                            ? UnetCalibration.loadInt8(folder, settings, calibrating ->
                                    denoisingOnly(folder, tokenizer, textEncoder, calibrating, env, settings))
                            : Unet.load(env, folder.unet(), settings)));
                }
            }
            Unet unet = unets.get(options.precision());
            VaeDecoder vae = remember(opened, options.decoderPrecision() == Precision.INT8
                    ? DecoderCalibration.loadInt8(folder, settings,
                            QuantizationScheme.forDecoder(Int8ModelCache.cpuSignature()), options.precision().label(),
                            calibrating -> calibratingDecoder(folder, tokenizer, textEncoder, unet, calibrating, env,
                                    settings))
                    : VaeDecoder.load(env, folder.vaeDecoder(), settings));
            VaeDecoder fastDecoder = fast == null ? null : remember(opened, VaeDecoder.load(env, fast.model(), settings));
            SuperResolution upscaler = options.upscaler() == null ? null
                    : remember(opened, SuperResolution.load(env, options.upscaler(), settings));
            LcmPipeline pipeline = new LcmPipeline(folder, tokenizer, textEncoder, unets, options.precision(), vae,
                    fastDecoder, fast == null ? 1f : fast.scalingFactor(), env, settings);
            pipeline.upscaler = upscaler;
            pipeline.decoderPrecision = options.decoderPrecision();
            LOG.info("loaded model {} in {} ms ({} threads, UNet {}{}{}{})", folder.root(),
                    (System.nanoTime() - start) / 1_000_000, options.intraOpThreads(), options.precision().label(),
                    options.comparePrecision() ? " and " + options.unetPrecisions().get(1).label() + " to compare"
                            : "", options.decoderPrecision() == Precision.INT8 ? ", VAE decoder int8" : "",
                    fast == null ? "" : ", fast decoder " + fast.model());
            return pipeline;
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /**
     * A pipeline around borrowed parts that can denoise but not decode (int8 calibration drives the float32 UNet
     * through it). Never close it: it does not own what it was given (its picture encoder loads only for a source
     * picture, which calibration never gives).
     */
    static LcmPipeline denoisingOnly(ModelFolder folder, ClipTokenizer tokenizer, TextEncoder textEncoder, Unet unet,
                                     OrtEnvironment env, SessionSettings settings) {
        return new LcmPipeline(folder, tokenizer, textEncoder, unet, null, null, 1f, env, settings);
    }

    /**
     * A pipeline around borrowed parts that draws with {@code unet} and decodes with {@code decoder} (int8
     * calibration of the VAE decoder drives the float32 decoder through it). Never close it: it owns nothing.
     */
    static LcmPipeline calibratingDecoder(ModelFolder folder, ClipTokenizer tokenizer, TextEncoder textEncoder,
                                          Unet unet, VaeDecoder decoder, OrtEnvironment env,
                                          SessionSettings settings) {
        return new LcmPipeline(folder, tokenizer, textEncoder, unet, decoder, null, 1f, env, settings);
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
    public TokenizedPrompt tokenize(String prompt, PromptSyntax syntax) {
        return promptReader.read(prompt, syntax);
    }

    @Override
    public String modelName() {
        return folder.name();
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public Precision decoderPrecision() {
        return decoderPrecision;
    }

    @Override
    public Set<Precision> precisions() {
        return Collections.unmodifiableSet(unets.keySet());
    }

    @Override
    public boolean hasFastDecoder() {
        return fastDecoder != null;
    }

    @Override
    public boolean supportsImageToImage() {
        return pictureEncoder.available();
    }

    @Override
    public int sizeStep() {
        return sizeStep;
    }

    @Override
    public boolean supportsUpscale() {
        return upscaler != null;
    }

    @Override
    public String upscalerName() {
        return upscaler == null ? null : upscaler.name();
    }

    @Override
    public GeneratedImage upscale(UpscaleRequest request, ProgressListener progress, CancellationSignal cancel) {
        if (upscaler == null) {
            throw new PipelineException("no upscaler was loaded (PipelineOptions.withUpscaler: a folder with "
                    + "Real-ESRGAN's realesr-general-x4v3 in ONNX, see tools/upscaler)");
        }
        return Upscaling.run(this, upscaler, request, progress, cancel);
    }

    /** The text (and guidance) conditioning of a prompt, for running many image-to-image tiles with it. */
    Conditioning conditioning(String prompt, float guidance) {
        return condition(tokenizer.encode(prompt), guidance);
    }

    /**
     * diffusers' img2img of one picture of any size the UNet accepts, with {@code output_type="np"}: the decoded
     * picture [3, h, w] as {@code clamp(x / 2 + 0.5, 0, 1)} in float32, not rounded. {@code beforeStep} may throw
     * to cancel; {@code afterStep} reports progress.
     */
    float[] imageToImageFloats(Conditioning conditioning, Picture picture, long seed, int steps, double strength,
                               float guidance, Runnable beforeStep, Runnable afterStep) {
        int scale = folder.vaeScaleFactor();
        long[] latentShape = {1, folder.latentChannels(), picture.height() / scale, picture.width() / scale};
        VaeEncoder.Posterior posterior = pictureEncoder.encode(picture);
        TorchGenerator generator = new TorchGenerator(seed);
        LcmScheduler.Run run = scheduler.start(steps, strength);
        float[] latents = imageToImageLatents(posterior, generator, run.currentTimestep());
        float[] denoised = null;
        int n = latents.length;
        while (!run.isDone()) {
            beforeStep.run();
            int i = run.stepIndex();
            boolean last = i == steps - 1;
            float[] output = predict(unet, latents, latentShape, run.currentTimestep(), conditioning, guidance, last);
            LcmScheduler.StepResult result = run.step(output, latents, () -> generator.randn(n));
            latents = result.prevSample();
            denoised = result.denoised();
            afterStep.run();
        }
        float scaling = folder.scalingFactor();
        float[] scaled = new float[denoised.length];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = denoised[i] / scaling;
        }
        float[] image = vaeDecoder.decode(scaled, latentShape);
        for (int i = 0; i < image.length; i++) {
            float v = image[i] / 2f + 0.5f;
            image[i] = v < 0f ? 0f : Math.min(v, 1f);
        }
        return image;
    }

    /** The VAE encoder (loaded on first use). */
    VaeEncoder vaeEncoder() {
        return pictureEncoder.encoder();
    }

    /**
     * diffusers' img2img {@code prepare_latents} for one image: the sampled, scaled posterior, then
     * {@code add_noise(x, randn(generator), t0)}: two draws from the image's own generator, before the steps' draws.
     */
    private float[] imageToImageLatents(VaeEncoder.Posterior posterior, TorchGenerator generator, int firstTimestep) {
        float[] x = pictureEncoder.sample(posterior, generator);
        return scheduler.addNoise(x, generator.randn(x.length), firstTimestep);
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress,
                                     CancellationSignal cancel) {
        try (SteppedGeneration generation = begin(request)) {
            progress.onProgress(new ProgressListener.Progress(ProgressListener.Progress.Stage.TEXT_ENCODED, 0,
                    generation.totalSteps()));
            generation.run(StepControl.of(progress, cancel));
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
        if (request.width() % sizeStep != 0 || request.height() % sizeStep != 0) {
            // The exported UNet upsamples by a fixed factor, so an odd latent size fails inside ONNX Runtime.
            throw new PipelineException("width and height must be multiples of " + sizeStep + " for this model (its "
                    + "UNet halves the latent " + Integer.numberOfTrailingZeros(sizeStep / scale) + " times); got "
                    + request.width() + "x" + request.height());
        }
        Precision asked = request.precision() == null ? precision : request.precision();
        Unet denoiser = unets.get(asked);
        if (denoiser == null) {
            throw new PipelineException("the " + asked.label() + " UNet was asked for, but this generator holds the "
                    + precision.label() + " one only (PipelineOptions.withPrecisionComparison: load both)");
        }
        // Said in the request, so the picture's PNG parameters say which UNet drew it.
        GenerationRequest drawn = request.withPrecision(asked);
        long t0 = System.nanoTime();
        TokenizedPrompt prompt = promptReader.read(request.prompt(), request.promptSyntax());
        if (prompt.overChunkLimit()) {
            throw new PipelineException("the prompt is read in " + prompt.chunks().size() + " chunks of up to 75"
                    + " tokens (" + prompt.contentTokens() + " tokens and its BREAKs); at most "
                    + TokenizedPrompt.MAX_CHUNKS + " are drawn: shorten it or use fewer BREAKs");
        }
        MaskedDenoising masking = request.isInpainting() ? MaskedDenoising.prepare(request, scheduler, pictureEncoder,
                scale, folder.latentChannels()) : null;
        Conditioning conditioning = condition(prompt, request.guidance());
        VaeEncoder.Posterior posterior = request.isImageToImage() ? pictureEncoder.encode(request.source()) : null;
        long[] latentShape = {1, folder.latentChannels(), latentH, latentW};
        return new SteppedGeneration(drawn, denoiser, prompt, conditioning, posterior, masking, latentShape,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * The loop of {@link #generate} turned inside out: what were its locals (per image: the random generator, the
     * latents, the scheduler run, the last denoised sample) are fields, so that it can stop after any step.
     */
    final class SteppedGeneration implements Generation {
        private final GenerationRequest request;
        private final Unet denoiser;
        private final TokenizedPrompt prompt;
        private final Conditioning conditioning;
        private final VaeEncoder.Posterior posterior; // image to image: the source's latent distribution
        private final MaskedDenoising masking; // inpainting: the mask, the blend and the paste
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
        private MaskedDenoising.Image masked;
        private boolean closed;

        private SteppedGeneration(GenerationRequest request, Unet denoiser, TokenizedPrompt prompt,
                                  Conditioning conditioning, VaeEncoder.Posterior posterior, MaskedDenoising masking,
                                  long[] latentShape, Duration textEncoding) {
            this.request = request;
            this.denoiser = denoiser;
            this.prompt = prompt;
            this.conditioning = conditioning;
            this.posterior = posterior;
            this.masking = masking;
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
                generator = new TorchGenerator(request.seedOf(done / request.denoisingSteps()));
                if (masking != null) {
                    masked = masking.start(posterior, generator);
                    run = masked.run();
                    latents = masked.initialLatents();
                } else if (posterior == null) {
                    latents = generator.randn(latentSize);
                    run = scheduler.start(request.steps());
                } else {
                    run = scheduler.start(request.steps(), request.strength());
                    latents = imageToImageLatents(posterior, generator, run.currentTimestep());
                }
            }
            int[] timesteps = run.timesteps();
            int i = run.stepIndex();
            boolean last = i == timesteps.length - 1;
            float[] modelOutput = predict(denoiser, latents, latentShape, timesteps[i], conditioning,
                    request.guidance(), last);
            TorchGenerator noise = generator;
            LcmScheduler.StepResult result = run.step(modelOutput, latents, () -> noise.randn(latentSize));
            // Inpainting decodes the blended latents; the others decode the denoised sample (equal on a last step).
            latents = masked == null ? result.prevSample() : masked.blend(result.prevSample());
            done++;
            if (last) {
                finalLatents.add(masked == null ? result.denoised() : latents);
                generator = null;
                latents = null;
                run = null;
                masked = null;
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
            return request.denoisingSteps() * request.count();
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
                images.add(decode(finalLatents.get(index), latentShape, request, index, masking));
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
            masked = null;
        }
    }

    /** The text embedding and, for LCM UNets, the guidance embedding; for plain UNets, the unconditional one. */
    record Conditioning(float[] hidden, long[] hiddenShape, float[] guidanceEmbedding, float[] unconditional) {
    }

    private Conditioning condition(TokenizedPrompt prompt, float guidance) {
        // A prompt read in chunks has 77 hidden states per chunk; the UNet's cross-attention takes any length.
        float[] hidden = textEncoder.encode(prompt);
        int length = prompt.sequenceLength();
        long[] shape = {1, length, hidden.length / length};
        if (unet.hasTimestepCond()) {
            return new Conditioning(hidden, shape, GuidanceEmbedding.embedGuidance(guidance, guidanceEmbeddingDim), null);
        }
        // A UNet without timestep_cond (LCM-LoRA style) is run as diffusers' StableDiffusionPipeline runs it:
        // classifier-free guidance against the empty prompt when the scale is above 1. Against a prompt read in
        // chunks, the empty prompt's chunk is repeated to the same length, as the web UI pads it.
        float[] unconditional = null;
        if (guidance > 1f) {
            float[] empty = textEncoder.encode(tokenizer.encode("").ids());
            unconditional = new float[hidden.length];
            for (int at = 0; at < unconditional.length; at += empty.length) {
                System.arraycopy(empty, 0, unconditional, at, empty.length);
            }
        }
        return new Conditioning(hidden, shape, null, unconditional);
    }

    private static float[] predict(Unet unet, float[] latents, long[] latentShape, int t, Conditioning c,
                                   float guidance, boolean lastOfImage) {
        FloatTensor sample = new FloatTensor(latents, latentShape);
        FloatTensor hidden = new FloatTensor(c.hidden(), c.hiddenShape());
        if (c.unconditional() == null) {
            return unet.predict(sample, t, hidden, c.guidanceEmbedding(), lastOfImage);
        }
        int n = latents.length;
        float[] both = unet.predict(FloatTensor.concatenated(sample, sample), t,
                FloatTensor.concatenated(new FloatTensor(c.unconditional(), c.hiddenShape()), hidden), null,
                lastOfImage);
        float[] guided = new float[n];
        for (int i = 0; i < n; i++) {
            float uncond = both[i];
            guided[i] = uncond + guidance * (both[n + i] - uncond);
        }
        return guided;
    }

    private GeneratedImage decode(float[] denoised, long[] latentShape, GenerationRequest request, int index,
                                  MaskedDenoising masking) {
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
        if (masking != null) {
            rgb = masking.pasteSource(rgb);
        }
        byte[] png = PngEncoder.encode(rgb, width, height,
                Map.of(PngParameters.KEYWORD, PngParameters.textOf(request, index, folder.name(), decoderPrecision)));
        return new GeneratedImage(request.seedOf(index), width, height, png);
    }

    @Override
    public void close() {
        List<AutoCloseable> owned = new ArrayList<>(List.of(tokenizer, textEncoder));
        owned.addAll(unets.values());
        owned.add(vaeDecoder);
        if (fastDecoder != null) {
            owned.add(fastDecoder);
        }
        owned.add(pictureEncoder);
        if (upscaler != null) {
            owned.add(upscaler);
        }
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
