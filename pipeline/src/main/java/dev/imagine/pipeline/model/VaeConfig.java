package dev.imagine.pipeline.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.imagine.pipeline.PipelineException;
import java.nio.file.Path;
import java.util.List;

/**
 * What the pipeline reads from a VAE's {@code config.json} (the model's {@code vae_decoder/config.json}, or a
 * stand-alone decoder's): null where the key is absent.
 *
 * @param scalingFactor     latents are divided by it before decoding
 * @param blockOutChannels  one entry per VAE block; their count says how many pixels a latent pixel covers
 */
public record VaeConfig(@JsonProperty("scaling_factor") Double scalingFactor,
                        @JsonProperty("block_out_channels") List<Integer> blockOutChannels) {

    public static VaeConfig read(Path file) {
        return JsonFiles.read(file, VaeConfig.class);
    }

    /** {@code scaling_factor}, or {@code fallback} when absent; it must be positive. */
    public double scalingFactorOr(double fallback, Path file) {
        double scaling = scalingFactor == null ? fallback : scalingFactor;
        if (!(scaling > 0)) {
            throw new PipelineException(file + ": 'scaling_factor' must be positive, got " + scaling);
        }
        return scaling;
    }

    /** 2^(number of VAE blocks - 1): image pixels per latent pixel; 8 when the config does not say. */
    public int scaleFactor() {
        return blockOutChannels == null || blockOutChannels.isEmpty() ? 8 : 1 << (blockOutChannels.size() - 1);
    }
}
