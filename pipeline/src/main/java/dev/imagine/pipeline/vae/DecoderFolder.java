package dev.imagine.pipeline.vae;

import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.model.VaeConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a stand-alone decoder lives and how its latents are scaled. Accepts a folder holding
 * {@code vae_decoder/model.onnx} (the {@code deinferno/taesd-onnx} layout), the {@code vae_decoder} folder itself,
 * or the {@code .onnx} file. {@code scaling_factor} comes from the {@code config.json} beside the model; without
 * one it is 1.0, diffusers' {@code AutoencoderTiny} default (TAESD decodes the UNet's latents as they are).
 */
public record DecoderFolder(Path model, float scalingFactor) {
    static final String SUBFOLDER = "vae_decoder";
    static final String MODEL = "model.onnx";

    public static DecoderFolder locate(Path given) {
        Path model = resolve(given);
        Path config = model.resolveSibling("config.json");
        double scaling = Files.isRegularFile(config) ? VaeConfig.read(config).scalingFactorOr(1.0, config) : 1.0;
        return new DecoderFolder(model, (float) scaling);
    }

    private static Path resolve(Path given) {
        if (Files.isRegularFile(given)) {
            return given;
        }
        for (Path candidate : new Path[] {given.resolve(SUBFOLDER).resolve(MODEL), given.resolve(MODEL)}) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new PipelineException("no decoder at " + given + ": expected " + SUBFOLDER + "/" + MODEL
                + " in it (the layout of deinferno/taesd-onnx), " + MODEL + ", or the path of an .onnx file");
    }
}
