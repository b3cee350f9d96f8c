package dev.imagine.pipeline.unet;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.graph.QuantizationScheme;
import dev.imagine.pipeline.onnx.FloatTensor;
import dev.imagine.pipeline.onnx.Int8ModelCache;
import dev.imagine.pipeline.onnx.OnnxModel;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.onnx.TensorSpec;
import dev.imagine.pipeline.onnx.Tensors;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The denoising UNet. Its {@code timestep} input is an int64 [1] tensor in exports up to optimum 1.23 and a
 * float32 scalar after; {@code timestep_cond} (the guidance embedding) exists only for LCM-distilled UNets.
 * Both are read from the session.
 */
public final class Unet implements AutoCloseable {
    static final String SAMPLE = "sample";
    static final String TIMESTEP = "timestep";
    static final String HIDDEN_STATES = "encoder_hidden_states";
    static final String TIMESTEP_COND = "timestep_cond";
    static final String OUTPUT = "out_sample";

    private final OrtEnvironment env;
    private final OnnxModel model;
    private final TensorSpec timestep;
    private final int timestepCondDim;

    private Unet(OrtEnvironment env, OnnxModel model) {
        this.env = env;
        this.model = model;
        model.input(SAMPLE);
        model.input(HIDDEN_STATES);
        this.timestep = model.input(TIMESTEP);
        boolean scalar = timestep.rank() == 0 && timestep.type() == OnnxJavaType.FLOAT;
        boolean vector = timestep.rank() == 1
                && (timestep.type() == OnnxJavaType.INT64 || timestep.type() == OnnxJavaType.FLOAT);
        if (!scalar && !vector) {
            throw new PipelineException(model.file() + ": unsupported 'timestep' input " + timestep
                    + "; expected a float32 scalar or a rank-1 int64/float32 tensor");
        }
        this.timestepCondDim = model.inputIfPresent(TIMESTEP_COND)
                .map(spec -> spec.rank() == 2 ? (int) spec.shape()[1] : -1)
                .orElse(0);
        model.requireOutput(OUTPUT);
    }

    public static Unet load(OrtEnvironment env, Path file, SessionSettings settings) {
        return OnnxModel.loadInto(env, file, settings, model -> new Unet(env, model));
    }

    /**
     * Loads the int8 copy of {@code file} ({@link Int8ModelCache}), preparing it first when needed: then
     * {@code calibration} drives the float32 UNet (given as a {@code Unet}) through a fixed set of denoising runs.
     */
    public static Unet loadInt8(Path file, SessionSettings settings, QuantizationScheme scheme,
                                String calibrationId, Consumer<Unet> calibration) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Int8ModelCache.Calibration driver = new Int8ModelCache.Calibration() {
            @Override
            public String id() {
                return calibrationId;
            }

            @Override
            public void run(OnnxModel network) {
                calibration.accept(new Unet(env, network));
            }
        };
        OnnxModel model = Int8ModelCache.load(env, file, settings, scheme, driver);
        try {
            return new Unet(env, model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** True for LCM-distilled UNets, which take the guidance embedding instead of classifier-free guidance. */
    public boolean hasTimestepCond() {
        return timestepCondDim != 0;
    }

    /** The embedding length the graph declares, or -1 when the dimension is dynamic, or 0 without the input. */
    public int timestepCondDim() {
        return timestepCondDim;
    }

    /**
     * Predicts the noise (or whatever the model was trained to predict) for {@code sample} of shape
     * [batch, channels, h, w] at integer timestep {@code t}.
     *
     * @param hiddenStates  [batch, sequence, hidden]
     * @param timestepCond  [batch * dim] flattened, or null for UNets without that input
     * @param lastOfImage   false keeps ONNX Runtime's working memory for the next step (true on the last step of an
     *                      image, so that the memory is free while the VAE decodes)
     */
    public float[] predict(FloatTensor sample, int t, FloatTensor hiddenStates, float[] timestepCond,
                           boolean lastOfImage) {
        int batch = sample.batch();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(SAMPLE, Tensors.floats(env, sample.values(), sample.shape()));
            inputs.put(TIMESTEP, timestepTensor(t, batch));
            inputs.put(HIDDEN_STATES, Tensors.floats(env, hiddenStates.values(), hiddenStates.shape()));
            if (hasTimestepCond()) {
                if (timestepCond == null) {
                    throw new IllegalArgumentException("this UNet needs the guidance embedding (timestep_cond)");
                }
                inputs.put(TIMESTEP_COND, Tensors.floats(env, timestepCond, batch, timestepCond.length / batch));
            }
            return model.runForFloats(inputs, OUTPUT, lastOfImage);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private OnnxTensor timestepTensor(int t, int batch) {
        if (timestep.rank() == 0) {
            return Tensors.floats(env, new float[] {t});
        }
        if (timestep.type() == OnnxJavaType.INT64) {
            return Tensors.longs(env, new long[] {t}, 1);
        }
        // Legacy exports with a float [batch] timestep.
        float[] values = new float[batch];
        java.util.Arrays.fill(values, t);
        return Tensors.floats(env, values, batch);
    }

    @Override
    public void close() {
        model.close();
    }
}
