package dev.imagine.pipeline.onnx;

import java.util.Arrays;

/**
 * A float32 tensor as the pipeline hands it to a network: values in row-major order and their shape, whose first
 * dimension is the batch. The arrays are shared, not copied.
 */
public record FloatTensor(float[] values, long[] shape) {
    public FloatTensor {
        long count = 1;
        for (long dimension : shape) {
            if (dimension < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count *= dimension;
        }
        if (count != values.length) {
            throw new IllegalArgumentException(values.length + " values do not fill the shape "
                    + Arrays.toString(shape));
        }
    }

    /** The first dimension. */
    public int batch() {
        return (int) shape[0];
    }

    /** {@code first} and {@code second} one after the other in the batch dimension, as {@code torch.cat}. */
    public static FloatTensor concatenated(FloatTensor first, FloatTensor second) {
        if (!Arrays.equals(first.shape, 1, first.shape.length, second.shape, 1, second.shape.length)) {
            throw new IllegalArgumentException("cannot put a tensor of shape " + Arrays.toString(second.shape)
                    + " after one of shape " + Arrays.toString(first.shape));
        }
        float[] values = Arrays.copyOf(first.values, first.values.length + second.values.length);
        System.arraycopy(second.values, 0, values, first.values.length, second.values.length);
        long[] shape = first.shape.clone();
        shape[0] += second.shape[0];
        return new FloatTensor(values, shape);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FloatTensor that && Arrays.equals(values, that.values)
                && Arrays.equals(shape, that.shape);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(values) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
