package dev.imagine.pipeline;

import ai.onnxruntime.OrtEnvironment;
import dev.imagine.pipeline.graph.QuantizationScheme;
import dev.imagine.pipeline.model.ModelFolder;
import dev.imagine.pipeline.onnx.FloatTensor;
import dev.imagine.pipeline.onnx.Int8ModelCache;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.scheduler.GuidanceEmbedding;
import dev.imagine.pipeline.scheduler.LcmScheduler;
import dev.imagine.pipeline.text.TextEncoder;
import dev.imagine.pipeline.tokenizer.ClipTokenizer;
import dev.imagine.pipeline.unet.Unet;
import dev.imagine.pipeline.vae.VaeDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A measurement for bench/: what the int8 copy of the full VAE decoder ({@link PipelineOptions#decoderPrecision()})
 * costs in pixels and gains in time, with the product's scheme or another one to compare. The decoder is prepared
 * as the product prepares it ({@link DecoderCalibration}, beside the float32 UNet); then pictures of other seeds are
 * decoded by both decoders (PSNR of the int8 decoder's picture against the float32 one's, the same latents) and each
 * decoder is timed, alternating, on the same latents.
 *
 * The scheme is the caller's ({@link QuantizationScheme#parse}), or by default the product's for this CPU.
 *
 * @param psnr          per seed, in dB
 * @param fp32Seconds   median decode time of the float32 decoder
 * @param int8Seconds   median decode time of the int8 decoder
 */
public record DecoderQuantizationTrial(String scheme, List<Double> psnr, double fp32Seconds, double int8Seconds,
                                       byte[] fp32Rgb, byte[] int8Rgb, int width, int height) {

    public static DecoderQuantizationTrial run(Path modelFolder, PipelineOptions options, GenerationRequest request,
                                               int seeds, int repeats, String chosenScheme) {
        ModelFolder folder = ModelFolder.open(modelFolder);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        SessionSettings settings = SessionSettings.withThreads(options.intraOpThreads())
                .withOptimizedModelCache(options.cacheOptimizedModels(), SessionSettings.DEFAULT_CACHE_MIN_BYTES);
        QuantizationScheme scheme = chosenScheme != null ? QuantizationScheme.parse(chosenScheme)
                : QuantizationScheme.forDecoder(Int8ModelCache.cpuSignature());
        try (ClipTokenizer tokenizer = ClipTokenizer.load(folder.tokenizer());
             TextEncoder textEncoder = TextEncoder.load(env, folder.textEncoder(), settings);
             Unet unet = Unet.load(env, folder.unet(), settings);
             VaeDecoder fp32 = VaeDecoder.load(env, folder.vaeDecoder(), settings)) {
            Latents latents = new Latents(folder, tokenizer, textEncoder, unet);
            // Calibrated as the product calibrates it (model.decoder-precision: int8 beside the fp32 UNet).
            try (VaeDecoder int8 = DecoderCalibration.loadInt8(folder, settings, scheme, Precision.FP32.label(),
                    calibrating -> LcmPipeline.calibratingDecoder(folder, tokenizer, textEncoder, unet, calibrating,
                            env, settings))) {
                List<Double> psnr = new ArrayList<>();
                byte[] firstFp32 = null;
                byte[] firstInt8 = null;
                float[] first = null;
                long[] shape = latents.shape(request.width(), request.height());
                for (int i = 0; i < seeds; i++) {
                    GenerationRequest seeded = new GenerationRequest(request.prompt(), request.seed() + i,
                            request.steps(), request.guidance(), request.width(), request.height(), 1);
                    float[] denoised = latents.of(seeded);
                    byte[] reference = PrecisionComparison.decode(fp32, folder, denoised, shape, seeded);
                    byte[] quantized = PrecisionComparison.decode(int8, folder, denoised, shape, seeded);
                    psnr.add(PrecisionComparison.psnr(reference, quantized));
                    if (first == null) {
                        first = denoised;
                        firstFp32 = reference;
                        firstInt8 = quantized;
                    }
                }
                double[] fp32Times = new double[repeats];
                double[] int8Times = new double[repeats];
                float[] scaled = scaled(first, folder);
                for (int r = 0; r < repeats; r++) {
                    fp32Times[r] = time(() -> fp32.decode(scaled, shape));
                    int8Times[r] = time(() -> int8.decode(scaled, shape));
                }
                return new DecoderQuantizationTrial(scheme.id(), List.copyOf(psnr), median(fp32Times),
                        median(int8Times), firstFp32, firstInt8, request.width(), request.height());
            }
        }
    }

    /** The denoised latents of a request's first image with the float32 UNet. */
    private record Latents(ModelFolder folder, ClipTokenizer tokenizer, TextEncoder textEncoder, Unet unet) {
        long[] shape(int width, int height) {
            return new long[] {1, folder.latentChannels(), height / folder.vaeScaleFactor(),
                    width / folder.vaeScaleFactor()};
        }

        float[] of(GenerationRequest request) {
            int[] ids = tokenizer.encode(request.prompt()).ids();
            float[] hidden = textEncoder.encode(ids);
            FloatTensor hiddenStates = new FloatTensor(hidden, new long[] {1, ids.length, hidden.length / ids.length});
            int dim = folder.timeCondProjDim() > 0 ? folder.timeCondProjDim() : unet.timestepCondDim();
            float[] guidance = GuidanceEmbedding.embedGuidance(request.guidance(), dim);
            long[] shape = shape(request.width(), request.height());
            return PrecisionComparison.denoise(new LcmScheduler(folder.scheduler()), request, shape,
                    (l, t, last) -> new float[][] {unet.predict(new FloatTensor(l, shape), t, hiddenStates, guidance,
                            last)},
                    null);
        }
    }

    private static float[] scaled(float[] denoised, ModelFolder folder) {
        float[] scaled = new float[denoised.length];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = denoised[i] / folder.scalingFactor();
        }
        return scaled;
    }

    private static double time(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
