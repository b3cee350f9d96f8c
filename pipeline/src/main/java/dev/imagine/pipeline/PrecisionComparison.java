package dev.imagine.pipeline;

import ai.onnxruntime.OrtEnvironment;
import dev.imagine.pipeline.image.ImageConversion;
import dev.imagine.pipeline.image.PngEncoder;
import dev.imagine.pipeline.model.ModelFolder;
import dev.imagine.pipeline.onnx.FloatTensor;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.scheduler.GuidanceEmbedding;
import dev.imagine.pipeline.scheduler.LcmScheduler;
import dev.imagine.pipeline.scheduler.TorchGenerator;
import dev.imagine.pipeline.text.TextEncoder;
import dev.imagine.pipeline.tokenizer.ClipTokenizer;
import dev.imagine.pipeline.unet.Unet;
import dev.imagine.pipeline.vae.VaeDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How far the int8 UNet strays from the float32 one on a model and a request: the error of the UNet's output at
 * every step (both fed the float32 run's inputs, so the errors do not compound) and the PSNR of the int8 picture
 * against the float32 picture (each denoised on its own, decoded by the same float32 VAE). Loads both UNets at
 * once (the float32 one is about 3.4 GB at full size); the int8 copy is prepared first if it is not there.
 *
 * @param steps  per denoising step: the timestep, ||int8 - fp32|| / ||fp32|| of the UNet output, and the largest
 *               absolute difference
 * @param psnr   of the int8 picture's 8-bit RGB against the float32 picture's, in dB (infinite when equal)
 * @param fp32Rgb the float32 picture, 8-bit RGB, for a side-by-side view
 * @param int8Rgb the int8 picture
 */
public record PrecisionComparison(List<StepError> steps, double psnr, int width, int height, byte[] fp32Rgb,
                                  byte[] int8Rgb) {

    public record StepError(int timestep, double relativeError, double maxAbsError) {
    }

    /** Compares the first image of {@code request} (full decoder) made both ways. LCM UNets only. */
    public static PrecisionComparison run(Path modelFolder, PipelineOptions options, GenerationRequest request) {
        ModelFolder folder = ModelFolder.open(modelFolder);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        SessionSettings settings = SessionSettings.withThreads(options.intraOpThreads())
                .withOptimizedModelCache(options.cacheOptimizedModels(), SessionSettings.DEFAULT_CACHE_MIN_BYTES);
        try (ClipTokenizer tokenizer = ClipTokenizer.load(folder.tokenizer());
             TextEncoder textEncoder = TextEncoder.load(env, folder.textEncoder(), settings);
             // int8 first: preparing it runs a float32 UNet of its own, which is closed before the next loads
             Unet int8 = UnetCalibration.loadInt8(folder, settings,
                     calibrating -> LcmPipeline.denoisingOnly(folder, tokenizer, textEncoder, calibrating, env,
                             settings));
             Unet fp32 = Unet.load(env, folder.unet(), settings);
             VaeDecoder vae = VaeDecoder.load(env, folder.vaeDecoder(), settings)) {
            if (!fp32.hasTimestepCond()) {
                throw new PipelineException("the precision comparison supports LCM UNets (with timestep_cond) only");
            }
            int[] ids = tokenizer.encode(request.prompt()).ids();
            float[] hidden = textEncoder.encode(ids);
            FloatTensor hiddenStates = new FloatTensor(hidden, new long[] {1, ids.length, hidden.length / ids.length});
            int dim = folder.timeCondProjDim() > 0 ? folder.timeCondProjDim() : fp32.timestepCondDim();
            float[] guidance = GuidanceEmbedding.embedGuidance(request.guidance(), dim);
            long[] shape = {1, folder.latentChannels(), request.height() / folder.vaeScaleFactor(),
                    request.width() / folder.vaeScaleFactor()};
            LcmScheduler scheduler = new LcmScheduler(folder.scheduler());
            Denoiser both = (latents, t, last) -> {
                FloatTensor sample = new FloatTensor(latents, shape);
                float[] reference = fp32.predict(sample, t, hiddenStates, guidance, last);
                float[] quantized = int8.predict(sample, t, hiddenStates, guidance, last);
                return new float[][] {reference, quantized};
            };
            List<StepError> errors = new ArrayList<>();
            float[] referenceLatents = denoise(scheduler, request, shape, both, errors);
            float[] int8Latents = denoise(scheduler, request, shape,
                    (latents, t, last) -> new float[][] {int8.predict(new FloatTensor(latents, shape), t,
                            hiddenStates, guidance, last)}, null);
            byte[] referenceRgb = decode(vae, folder, referenceLatents, shape, request);
            byte[] int8Rgb = decode(vae, folder, int8Latents, shape, request);
            return new PrecisionComparison(List.copyOf(errors), psnr(referenceRgb, int8Rgb), request.width(),
                    request.height(), referenceRgb, int8Rgb);
        }
    }

    /** One UNet evaluation; the first result drives the run, a second is compared with it. */
    interface Denoiser {
        float[][] predict(float[] latents, int timestep, boolean last);
    }

    static float[] denoise(LcmScheduler scheduler, GenerationRequest request, long[] shape, Denoiser unet,
                                   List<StepError> errors) {
        int size = (int) (shape[1] * shape[2] * shape[3]);
        TorchGenerator generator = new TorchGenerator(request.seed());
        float[] latents = generator.randn(size);
        LcmScheduler.Run run = scheduler.start(request.steps());
        int[] timesteps = run.timesteps();
        float[] denoised = null;
        for (int i = 0; i < timesteps.length; i++) {
            float[][] outputs = unet.predict(latents, timesteps[i], i == timesteps.length - 1);
            if (errors != null) {
                errors.add(error(timesteps[i], outputs[0], outputs[1]));
            }
            LcmScheduler.StepResult result = run.step(outputs[0], latents, () -> generator.randn(size));
            latents = result.prevSample();
            denoised = result.denoised();
        }
        return denoised;
    }

    static StepError error(int timestep, float[] reference, float[] other) {
        double difference = 0;
        double norm = 0;
        double max = 0;
        for (int i = 0; i < reference.length; i++) {
            double d = (double) other[i] - reference[i];
            difference += d * d;
            norm += (double) reference[i] * reference[i];
            max = Math.max(max, Math.abs(d));
        }
        return new StepError(timestep, norm == 0 ? (difference == 0 ? 0 : Double.POSITIVE_INFINITY)
                : Math.sqrt(difference / norm), max);
    }

    static byte[] decode(VaeDecoder vae, ModelFolder folder, float[] denoised, long[] shape,
                                 GenerationRequest request) {
        float[] scaled = new float[denoised.length];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = denoised[i] / folder.scalingFactor();
        }
        return ImageConversion.toRgb(vae.decode(scaled, shape), 0, request.width(), request.height());
    }

    /** Peak signal-to-noise ratio of two 8-bit images, in dB. */
    static double psnr(byte[] a, byte[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] & 0xFF) - (b[i] & 0xFF);
            sum += d * d;
        }
        double mse = sum / a.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** The two pictures side by side, float32 on the left, as a PNG. */
    public byte[] sideBySidePng() {
        return sideBySidePng(fp32Rgb, int8Rgb, width, height, String.format(Locale.ROOT,
                "left: fp32 UNet, right: int8 UNet; PSNR %.2f dB", psnr));
    }

    /** Two 8-bit RGB pictures of one size side by side, as a PNG with {@code comment} in a text chunk. */
    public static byte[] sideBySidePng(byte[] left, byte[] right, int width, int height, String comment) {
        byte[] both = new byte[2 * left.length];
        int row = 3 * width;
        for (int y = 0; y < height; y++) {
            System.arraycopy(left, y * row, both, 2 * y * row, row);
            System.arraycopy(right, y * row, both, 2 * y * row + row, row);
        }
        return PngEncoder.encode(both, 2 * width, height, Map.of("Comment", comment));
    }

    /** The largest per-step relative error. */
    public double worstStepError() {
        return steps.stream().mapToDouble(StepError::relativeError).max().orElse(0);
    }
}
