package dev.imagine.pipeline.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.graph.ActivationRanges;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One ONNX Runtime session and the metadata read from it. It owns the session and closes it; every other class
 * asks it for what the graph expects instead of assuming (input element types and ranks changed between optimum
 * versions).
 */
public final class OnnxModel implements AutoCloseable {
    private final Path file;
    private final OrtSession session;
    private final OrtSession.RunOptions releasing;
    /** For calibration only: tensors whose value ranges each run records, and where. */
    private final Set<String> observed;
    private final ActivationRanges ranges;

    private OnnxModel(Path file, OrtSession session, boolean shrinkArena) {
        this(file, session, shrinkArena, Set.of(), null);
    }

    private OnnxModel(Path file, OrtSession session, boolean shrinkArena, Set<String> observed,
                      ActivationRanges ranges) {
        this.file = file;
        this.session = session;
        this.releasing = shrinkArena ? releasingRunOptions(file) : null;
        this.observed = Set.copyOf(observed);
        this.ranges = ranges;
    }

    /** Takes ownership of a session made elsewhere in this package (the int8 cache). */
    static OnnxModel of(Path file, OrtSession session, SessionSettings settings) {
        return new OnnxModel(file, session, settings.shrinkArenas());
    }

    /**
     * A session whose every run also records, into {@code ranges}, the smallest and largest value of each tensor in
     * {@code observed} (graph inputs or outputs of nodes; the session must expose the latter as outputs). Used to
     * calibrate an int8 copy.
     */
    static OnnxModel observing(Path file, OrtSession session, SessionSettings settings, Set<String> observed,
                               ActivationRanges ranges) {
        return new OnnxModel(file, session, settings.shrinkArenas(), observed, ranges);
    }

    /**
     * A run that hands the CPU arena's free chunks back to the system when it ends. Without it every session keeps
     * its own peak (UNet, VAE and text encoder arenas all at once: about 2.5 GB more at 512x512).
     */
    private static OrtSession.RunOptions releasingRunOptions(Path file) {
        try {
            OrtSession.RunOptions options = new OrtSession.RunOptions();
            options.addRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
            return options;
        } catch (OrtException e) {
            throw new PipelineException("cannot set up ONNX Runtime run options for " + file, e);
        }
    }

    /** Loads {@code file}; external weights ({@code model.onnx_data}) beside it are found by ONNX Runtime. */
    public static OnnxModel load(OrtEnvironment env, Path file, SessionSettings settings) {
        if (!Files.isRegularFile(file)) {
            throw new PipelineException("model file " + file + " is missing; the model folder is incomplete");
        }
        if (settings.cacheOptimizedModels() && OptimizedModelCache.sourceBytes(file) >= settings.cacheMinBytes()) {
            try {
                return new OnnxModel(file, OptimizedModelCache.load(env, file, settings), settings.shrinkArenas());
            } catch (OrtException e) {
                throw new PipelineException("ONNX Runtime could not load " + file + ": " + e.getMessage(), e);
            }
        }
        try (OrtSession.SessionOptions options = settings.toOptions()) {
            return new OnnxModel(file, env.createSession(file.toString(), options), settings.shrinkArenas());
        } catch (OrtException e) {
            throw new PipelineException("ONNX Runtime could not load " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads {@code file} and hands the session to {@code owner} (a model class that checks the inputs it needs);
     * when the check fails the session is closed here, so a rejected model never leaks native memory.
     */
    public static <T> T loadInto(OrtEnvironment env, Path file, SessionSettings settings,
                                 java.util.function.Function<OnnxModel, T> owner) {
        OnnxModel model = load(env, file, settings);
        try {
            return owner.apply(model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    OrtSession session() {
        return session;
    }

    public boolean hasInput(String name) {
        try {
            return session.getInputInfo().containsKey(name);
        } catch (OrtException e) {
            throw new PipelineException("cannot read the inputs of " + file, e);
        }
    }

    /** The element type and shape of input {@code name}; a model without it is rejected with both names. */
    public TensorSpec input(String name) {
        return inputIfPresent(name).orElseThrow(() -> new PipelineException(
                file + " has no input named '" + name + "' (it has " + inputNames() + "); "
                        + "it is not an export this pipeline can run"));
    }

    public Optional<TensorSpec> inputIfPresent(String name) {
        try {
            return Optional.ofNullable(session.getInputInfo().get(name)).map(info -> spec(name, info));
        } catch (OrtException e) {
            throw new PipelineException("cannot read the inputs of " + file, e);
        }
    }

    public boolean hasOutput(String name) {
        try {
            return session.getOutputInfo().containsKey(name);
        } catch (OrtException e) {
            throw new PipelineException("cannot read the outputs of " + file, e);
        }
    }

    /** Fails with a message naming the file and the expected output unless the model has it. */
    public void requireOutput(String name) {
        if (!hasOutput(name)) {
            try {
                throw new PipelineException(file + " has no output named '" + name + "' (it has "
                        + session.getOutputInfo().keySet() + ")");
            } catch (OrtException e) {
                throw new PipelineException("cannot read the outputs of " + file, e);
            }
        }
    }

    /** The graph's input names, in graph order. */
    public java.util.List<String> inputNames() {
        return java.util.List.copyOf(session.getInputNames());
    }

    /** The graph's output names, in graph order. */
    public java.util.List<String> outputNames() {
        return java.util.List.copyOf(session.getOutputNames());
    }

    private TensorSpec spec(String name, NodeInfo node) {
        ValueInfo info = node.getInfo();
        if (!(info instanceof TensorInfo tensor)) {
            throw new PipelineException(file + ": input '" + name + "' is not a tensor");
        }
        return new TensorSpec(name, tensor.type, tensor.getShape());
    }

    /**
     * Runs the session and returns output {@code outputName} as a float array. The caller owns the input tensors;
     * the results are closed here, also when copying fails.
     */
    public float[] runForFloats(Map<String, OnnxTensor> inputs, String outputName) {
        return runForFloats(inputs, outputName, true);
    }

    /**
     * As {@link #runForFloats(Map, String)}; {@code releaseMemory} false keeps the arena's memory for the next run
     * (the UNet between the steps of one image), true returns it afterwards when the settings say so.
     */
    public float[] runForFloats(Map<String, OnnxTensor> inputs, String outputName, boolean releaseMemory) {
        OrtSession.RunOptions options = releaseMemory ? releasing : null;
        Set<String> outputs = Set.of(outputName);
        if (ranges != null) {
            outputs = new HashSet<>(observed);
            outputs.retainAll(session.getOutputNames());
            outputs.add(outputName);
            observeInputs(inputs);
        }
        try (OrtSession.Result result = options == null ? session.run(inputs, outputs)
                : session.run(inputs, outputs, options)) {
            Optional<OnnxValue> value = result.get(outputName);
            if (value.isEmpty() || !(value.get() instanceof OnnxTensor tensor)) {
                throw new PipelineException(file + " produced no tensor '" + outputName + "'");
            }
            if (ranges != null) {
                observeOutputs(result);
            }
            java.nio.FloatBuffer buffer = tensor.getFloatBuffer();
            float[] out = new float[buffer.remaining()];
            buffer.get(out);
            return out;
        } catch (OrtException e) {
            throw new PipelineException("running " + file + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs the session once for several float outputs, returned in the order asked; {@code releaseMemory} as in
     * {@link #runForFloats(Map, String, boolean)}.
     */
    public java.util.List<float[]> runForFloats(Map<String, OnnxTensor> inputs, java.util.List<String> outputNames,
                                                 boolean releaseMemory) {
        OrtSession.RunOptions options = releaseMemory ? releasing : null;
        java.util.Set<String> wanted = new java.util.LinkedHashSet<>(outputNames);
        if (ranges != null) {
            Set<String> observedOutputs = new HashSet<>(observed);
            observedOutputs.retainAll(session.getOutputNames());
            wanted.addAll(observedOutputs);
            observeInputs(inputs);
        }
        try (OrtSession.Result result = options == null ? session.run(inputs, wanted)
                : session.run(inputs, wanted, options)) {
            if (ranges != null) {
                observeOutputs(result);
            }
            java.util.List<float[]> outputs = new java.util.ArrayList<>();
            for (String name : outputNames) {
                Optional<OnnxValue> value = result.get(name);
                if (value.isEmpty() || !(value.get() instanceof OnnxTensor tensor)) {
                    throw new PipelineException(file + " produced no tensor '" + name + "'");
                }
                java.nio.FloatBuffer buffer = tensor.getFloatBuffer();
                float[] out = new float[buffer.remaining()];
                buffer.get(out);
                outputs.add(out);
            }
            return outputs;
        } catch (OrtException e) {
            throw new PipelineException("running " + file + " failed: " + e.getMessage(), e);
        }
    }

    private void observeInputs(Map<String, OnnxTensor> inputs) {
        for (Map.Entry<String, OnnxTensor> input : inputs.entrySet()) {
            if (observed.contains(input.getKey()) && input.getValue().getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                ranges.observe(input.getKey(), input.getValue().getFloatBuffer());
            }
        }
    }

    private void observeOutputs(OrtSession.Result result) {
        for (Map.Entry<String, OnnxValue> output : result) {
            if (observed.contains(output.getKey()) && output.getValue() instanceof OnnxTensor tensor
                    && tensor.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                FloatBuffer values = tensor.getFloatBuffer();
                ranges.observe(output.getKey(), values);
            }
        }
    }

    @Override
    public void close() {
        if (releasing != null) {
            releasing.close();
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new PipelineException("closing the session of " + file + " failed", e);
        }
    }
}
