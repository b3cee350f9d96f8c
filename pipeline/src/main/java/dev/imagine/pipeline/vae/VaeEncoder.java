package dev.imagine.pipeline.vae;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.onnx.OnnxModel;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.onnx.Tensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The VAE encoder: a picture [1, 3, H, W] in [-1, 1] to the latent distribution diffusers samples from
 * ({@code DiagonalGaussianDistribution}: mean and {@code std = exp(0.5 * clamp(logvar, -30, 20))}), per latent value.
 *
 * <p>Two kinds of export exist. optimum 1.23 and later output {@code latent_parameters} [1, 8, h, w] (mean, then
 * logvar), and the clamp and exp happen here in float32 as torch does them. optimum 1.14-1.22 output
 * {@code latent_sample}, sampled inside the graph with its own random numbers; for those the graph's own mean and
 * std tensors are named as extra outputs in a rewritten copy ({@link LegacyEncoderFile}), so the sampling can still
 * use the request's generator and give diffusers' picture.
 */
public final class VaeEncoder implements AutoCloseable {
    static final String INPUT = "sample";
    static final String PARAMETERS = "latent_parameters";
    static final String SAMPLED = "latent_sample";

    /** mean and std of the latent distribution, each [1, channels, h, w] flattened. */
    public record Posterior(float[] mean, float[] std) {
    }

    private final OrtEnvironment env;
    private final OnnxModel model;
    private final List<String> distribution; // [mean, std] in a rewritten legacy graph, else empty

    private VaeEncoder(OrtEnvironment env, OnnxModel model, List<String> distribution) {
        this.env = env;
        this.model = model;
        this.distribution = distribution;
        model.input(INPUT);
        if (distribution.isEmpty()) {
            model.requireOutput(PARAMETERS);
        }
    }

    /**
     * Loads {@code file}; a legacy export is rewritten once into {@code .imagine-graph/} beside it (or a temporary
     * folder when the model folder cannot be written) and that copy is loaded.
     */
    public static VaeEncoder load(OrtEnvironment env, Path file, SessionSettings settings) {
        LegacyEncoderFile.Rewritten legacy = LegacyEncoderFile.prepare(file);
        if (legacy == null) {
            return OnnxModel.loadInto(env, file, settings, model -> new VaeEncoder(env, model, List.of()));
        }
        return OnnxModel.loadInto(env, legacy.file(), settings,
                model -> new VaeEncoder(env, model, List.of(legacy.mean(), legacy.std())));
    }

    /** Whether the export samples inside its graph (optimum 1.14-1.22) and was rewritten to expose mean and std. */
    public boolean isLegacyExport() {
        return !distribution.isEmpty();
    }

    /** @param image [1, 3, H, W] in [-1, 1] */
    public Posterior encode(float[] image, long[] shape) {
        if (shape.length != 4 || shape[0] != 1 || shape[1] != 3) {
            throw new PipelineException("the VAE encoder takes one RGB picture [1, 3, H, W], got "
                    + java.util.Arrays.toString(shape));
        }
        try (OnnxTensor tensor = Tensors.floats(env, image, shape)) {
            if (!distribution.isEmpty()) {
                List<float[]> out = model.runForFloats(Map.of(INPUT, tensor), distribution, true);
                return new Posterior(out.get(0), out.get(1));
            }
            return fromParameters(model.runForFloats(Map.of(INPUT, tensor), PARAMETERS));
        }
    }

    /**
     * diffusers' {@code DiagonalGaussianDistribution(parameters)}: {@code mean, logvar = chunk(parameters, 2, dim=1)},
     * {@code logvar = clamp(logvar, -30, 20)}, {@code std = exp(0.5 * logvar)}, each in float32.
     */
    static Posterior fromParameters(float[] parameters) {
        if (parameters.length % 2 != 0) {
            throw new PipelineException("latent_parameters has " + parameters.length + " values; expected mean and "
                    + "logvar of equal size");
        }
        int half = parameters.length / 2;
        float[] mean = new float[half];
        float[] std = new float[half];
        System.arraycopy(parameters, 0, mean, 0, half);
        for (int i = 0; i < half; i++) {
            float logvar = Math.min(Math.max(parameters[half + i], -30f), 20f);
            std[i] = (float) Math.exp(0.5f * logvar);
        }
        return new Posterior(mean, std);
    }

    public Path file() {
        return model.file();
    }

    @Override
    public void close() {
        model.close();
    }
}
