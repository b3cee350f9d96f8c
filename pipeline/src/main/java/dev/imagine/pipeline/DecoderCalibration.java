package dev.imagine.pipeline;

import dev.imagine.pipeline.graph.QuantizationScheme;
import dev.imagine.pipeline.model.ModelFolder;
import dev.imagine.pipeline.onnx.Int8ModelCache;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.vae.VaeDecoder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the int8 full VAE decoder: the pipeline draws the UNet calibration's prompts (same seeds, steps, size and
 * guidance) with the UNet it runs, and the float32 decoder decodes their final latents while the ranges of the
 * tensors to quantize are recorded. Four decodes: seconds next to the UNet's calibration.
 */
final class DecoderCalibration {
    private static final Logger LOG = LoggerFactory.getLogger(DecoderCalibration.class);

    private DecoderCalibration() {
    }

    /**
     * The int8 decoder of {@code folder}, prepared first when needed with {@code scheme}: {@code pipelineAround}
     * gives a pipeline that draws with the UNet named by {@code unetLabel} and decodes with the decoder it is
     * handed.
     */
    static VaeDecoder loadInt8(ModelFolder folder, SessionSettings settings,
                               QuantizationScheme scheme, String unetLabel,
                               Function<VaeDecoder, ImageGenerator> pipelineAround) {
        int size = UnetCalibration.size(folder);
        // The UNet that made the latents is part of the key: an int8 UNet's latents differ a little.
        String id = "vae-" + UnetCalibration.id(size) + "-unet-" + unetLabel;
        return VaeDecoder.loadInt8(folder.vaeDecoder(), settings, scheme, id,
                decoder -> draw(pipelineAround.apply(decoder), size));
    }

    /** Draws every calibration prompt with the full decoder (whose ranges are being recorded). */
    static void draw(ImageGenerator pipeline, int size) {
        for (int i = 0; i < UnetCalibration.PROMPTS.size(); i++) {
            LOG.info("calibrating the int8 VAE decoder: picture {} of {} ({}x{})", i + 1,
                    UnetCalibration.PROMPTS.size(), size, size);
            pipeline.generate(new GenerationRequest(UnetCalibration.PROMPTS.get(i), i, UnetCalibration.STEPS,
                    UnetCalibration.GUIDANCE, size, size, 1));
        }
    }
}
