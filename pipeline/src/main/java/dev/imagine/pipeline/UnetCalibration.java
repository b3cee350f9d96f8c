package dev.imagine.pipeline;

import dev.imagine.pipeline.graph.QuantizationScheme;
import dev.imagine.pipeline.model.ModelFolder;
import dev.imagine.pipeline.onnx.Int8ModelCache;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.unet.Unet;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the int8 UNet: the float32 UNet denoises a fixed set of prompts exactly as a request would (same
 * conditioning, scheduler and noise), while the ranges of the tensors to quantize are recorded. Four prompts of
 * different kinds, 4 steps each at 512x512 (or the model's own default size when smaller) and guidance 8, the
 * product's defaults: 16 UNet runs, about the work of four pictures without decoding. Fixed and seeded, so that
 * every machine makes the same copy from the same files (up to the CPU-specific scheme).
 */
final class UnetCalibration {
    private static final Logger LOG = LoggerFactory.getLogger(UnetCalibration.class);
    static final List<String> PROMPTS = List.of(
            "a photograph of an astronaut riding a horse",
            "a lighthouse at dusk, oil painting",
            "portrait of an old fisherman, detailed face, studio lighting",
            "a bowl of fruit on a wooden table, watercolor");
    static final int STEPS = 4;
    static final int SIZE = 512;
    static final float GUIDANCE = 8f;
    /** Names the runs; changes whenever they change, so that copies calibrated otherwise are made again. */
    static String id(int size) {
        return "lcm-v1:" + PROMPTS.size() + "x" + STEPS + "@" + size + "g" + GUIDANCE;
    }

    /** 512, or the model's default (unet sample_size x VAE scale) when that is smaller; never below 256. */
    static int size(ModelFolder folder) {
        int size = Math.min(SIZE, Math.max(GenerationRequest.MIN_SIZE, folder.defaultImageSize()));
        return size - size % folder.vaeScaleFactor();
    }

    private UnetCalibration() {
    }

    /**
     * The int8 UNet of {@code unetFile}, prepared first when needed: {@code pipelineAround} gives a pipeline that
     * denoises with the float32 UNet it is handed (it is never asked to decode).
     */
    static Unet loadInt8(ModelFolder folder, SessionSettings settings,
                         Function<Unet, ImageGenerator> pipelineAround) {
        QuantizationScheme scheme = QuantizationScheme.forCpu(Int8ModelCache.cpuSignature());
        String override = System.getProperty("imagine.int8.scheme");
        if (override != null && !override.isBlank()) {
            // For experiments (bench/): another scheme, keyed apart.
            scheme = QuantizationScheme.parse(override);
        }
        int size = size(folder);
        return Unet.loadInt8(folder.unet(), settings, scheme, id(size),
                unet -> denoise(pipelineAround.apply(unet), size));
    }

    /** Runs every calibration prompt through all denoising steps, without decoding. */
    static void denoise(ImageGenerator pipeline, int size) {
        for (int i = 0; i < PROMPTS.size(); i++) {
            LOG.info("calibrating the int8 UNet: prompt {} of {} ({} steps at {}x{})", i + 1, PROMPTS.size(), STEPS,
                    size, size);
            GenerationRequest request = new GenerationRequest(PROMPTS.get(i), i, STEPS, GUIDANCE, size, size, 1);
            try (Generation generation = pipeline.begin(request)) {
                while (generation.step(ProgressListener.NONE, CancellationSignal.NEVER)) {
                    // each step runs the UNet once and records its tensors' ranges
                }
            }
        }
    }
}
