package dev.imagine.pipeline.vae;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.graph.QuantizationScheme;
import dev.imagine.pipeline.onnx.Int8ModelCache;
import dev.imagine.pipeline.onnx.OnnxModel;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.onnx.Tensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A latent decoder: scaled latents [B, 4, h, w] in, image [B, 3, H, W] in [-1, 1] (roughly) out. Used for the
 * model's own VAE decoder and for TAESD (diffusers' {@code AutoencoderTiny}), whose decoder does its latent
 * clamp ({@code tanh(x / 3) * 3}) and its [0, 1] to [-1, 1] mapping inside the graph, so both take latents divided
 * by their {@code scaling_factor} and give the same output range. optimum names the input {@code latent_sample}
 * and the output {@code sample}; other exports with one input and one output work too, whatever their names.
 */
public final class VaeDecoder implements AutoCloseable {
    static final String INPUT = "latent_sample";
    static final String OUTPUT = "sample";

    private final OrtEnvironment env;
    private final OnnxModel model;
    private final String input;
    private final String output;

    private VaeDecoder(OrtEnvironment env, OnnxModel model) {
        this.env = env;
        this.model = model;
        this.input = pick(model.inputNames(), INPUT, "input", model);
        this.output = pick(model.outputNames(), OUTPUT, "output", model);
        if (model.input(input).rank() != 4) {
            throw new PipelineException(model.file() + ": input '" + input + "' is " + model.input(input)
                    + "; a latent decoder takes [batch, channels, height, width]");
        }
    }

    private static String pick(List<String> names, String preferred, String what, OnnxModel model) {
        if (names.contains(preferred)) {
            return preferred;
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        throw new PipelineException(model.file() + " has no " + what + " named '" + preferred + "' (it has "
                + names + "); it is not a latent decoder this pipeline can run");
    }

    public static VaeDecoder load(OrtEnvironment env, Path file, SessionSettings settings) {
        return OnnxModel.loadInto(env, file, settings, model -> new VaeDecoder(env, model));
    }

    /**
     * Loads the int8 copy of {@code file} ({@link Int8ModelCache}), preparing it first when needed: then
     * {@code calibration} decodes a fixed set of latents with the float32 decoder it is handed.
     */
    public static VaeDecoder loadInt8(Path file, SessionSettings settings, QuantizationScheme scheme,
                                      String calibrationId, Consumer<VaeDecoder> calibration) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Int8ModelCache.Calibration driver = new Int8ModelCache.Calibration() {
            @Override
            public String id() {
                return calibrationId;
            }

            @Override
            public void run(OnnxModel network) {
                calibration.accept(new VaeDecoder(env, network));
            }
        };
        OnnxModel model = Int8ModelCache.load(env, file, settings, scheme, driver);
        try {
            return new VaeDecoder(env, model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Decodes latents that are already divided by the scaling factor. */
    public float[] decode(float[] latents, long[] shape) {
        try (OnnxTensor tensor = Tensors.floats(env, latents, shape)) {
            return model.runForFloats(Map.of(input, tensor), output);
        }
    }

    public Path file() {
        return model.file();
    }

    public String inputName() {
        return input;
    }

    public String outputName() {
        return output;
    }

    @Override
    public void close() {
        model.close();
    }
}
