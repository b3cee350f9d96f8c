package dev.imagine.pipeline.text;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.PromptChunk;
import dev.imagine.pipeline.TokenizedPrompt;
import dev.imagine.pipeline.onnx.OnnxModel;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.onnx.TensorSpec;
import dev.imagine.pipeline.onnx.Tensors;
import dev.imagine.pipeline.prompt.Emphasis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CLIP text encoder: token ids in, {@code last_hidden_state} out. Exports differ in the id type (int32 up to
 * optimum 1.23, int64 after), so the type is read from the session.
 */
public final class TextEncoder implements AutoCloseable {
    static final String INPUT_IDS = "input_ids";
    static final String OUTPUT = "last_hidden_state";

    private final OrtEnvironment env;
    private final OnnxModel model;
    private final OnnxJavaType idType;

    private TextEncoder(OrtEnvironment env, OnnxModel model) {
        this.env = env;
        this.model = model;
        TensorSpec ids = model.input(INPUT_IDS);
        if (ids.type() != OnnxJavaType.INT32 && ids.type() != OnnxJavaType.INT64) {
            throw new PipelineException(model.file() + ": input_ids must be int32 or int64, it is " + ids.type());
        }
        this.idType = ids.type();
        model.requireOutput(OUTPUT);
    }

    public static TextEncoder load(OrtEnvironment env, Path file, SessionSettings settings) {
        return OnnxModel.loadInto(env, file, settings, model -> new TextEncoder(env, model));
    }

    /** Encodes one tokenized prompt; returns [1, sequence, hidden] flattened. */
    public float[] encode(int[] ids) {
        long[] shape = {1, ids.length};
        try (OnnxTensor input = idType == OnnxJavaType.INT64
                ? Tensors.longs(env, java.util.Arrays.stream(ids).asLongStream().toArray(), shape)
                : Tensors.ints(env, ids, shape)) {
            return model.runForFloats(Map.of(INPUT_IDS, input), OUTPUT);
        }
    }

    /**
     * Encodes a prompt: each chunk on its own (as AUTOMATIC1111's web UI does), weighted with
     * {@link Emphasis#applyOriginal}, the chunks' hidden states concatenated along the sequence: [1, 77 * chunks,
     * hidden] flattened. A prompt of one unweighted chunk gives exactly {@link #encode(int[])} of its ids.
     */
    public float[] encode(TokenizedPrompt prompt) {
        List<float[]> encoded = new ArrayList<>();
        int total = 0;
        for (PromptChunk chunk : prompt.chunks()) {
            float[] hidden = encode(chunk.ids());
            Emphasis.applyOriginal(hidden, chunk.weights(), hidden.length / chunk.length());
            encoded.add(hidden);
            total += hidden.length;
        }
        if (encoded.size() == 1) {
            return encoded.get(0);
        }
        float[] all = new float[total];
        int at = 0;
        for (float[] hidden : encoded) {
            System.arraycopy(hidden, 0, all, at, hidden.length);
            at += hidden.length;
        }
        return all;
    }

    public OnnxJavaType idType() {
        return idType;
    }

    @Override
    public void close() {
        model.close();
    }
}
