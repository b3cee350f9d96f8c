package dev.imagine.pipeline.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.imagine.pipeline.PipelineException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/** Creates input tensors; the caller owns what it gets and closes it (try-with-resources). */
public final class Tensors {
    private Tensors() {
    }

    public static OnnxTensor floats(OrtEnvironment env, float[] data, long... shape) {
        try {
            return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
        } catch (OrtException e) {
            throw new PipelineException("cannot create a float tensor of shape " + java.util.Arrays.toString(shape), e);
        }
    }

    public static OnnxTensor longs(OrtEnvironment env, long[] data, long... shape) {
        try {
            return OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape);
        } catch (OrtException e) {
            throw new PipelineException("cannot create an int64 tensor of shape " + java.util.Arrays.toString(shape), e);
        }
    }

    public static OnnxTensor ints(OrtEnvironment env, int[] data, long... shape) {
        try {
            return OnnxTensor.createTensor(env, IntBuffer.wrap(data), shape);
        } catch (OrtException e) {
            throw new PipelineException("cannot create an int32 tensor of shape " + java.util.Arrays.toString(shape), e);
        }
    }
}
