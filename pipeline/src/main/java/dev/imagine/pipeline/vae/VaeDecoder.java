package dev.imagine.pipeline.vae;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import dev.imagine.pipeline.onnx.OnnxModel;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.onnx.Tensors;
import java.nio.file.Path;
import java.util.Map;

/** The VAE decoder: scaled latents [B, 4, h, w] in, image [B, 3, H, W] in [-1, 1] (roughly) out. */
public final class VaeDecoder implements AutoCloseable {
    static final String INPUT = "latent_sample";
    static final String OUTPUT = "sample";

    private final OrtEnvironment env;
    private final OnnxModel model;

    private VaeDecoder(OrtEnvironment env, OnnxModel model) {
        this.env = env;
        this.model = model;
        model.input(INPUT);
        model.requireOutput(OUTPUT);
    }

    public static VaeDecoder load(OrtEnvironment env, Path file, SessionSettings settings) {
        return OnnxModel.loadInto(env, file, settings, model -> new VaeDecoder(env, model));
    }

    /** Decodes latents that are already divided by the scaling factor. */
    public float[] decode(float[] latents, long[] shape) {
        try (OnnxTensor input = Tensors.floats(env, latents, shape)) {
            return model.runForFloats(Map.of(INPUT, input), OUTPUT);
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
