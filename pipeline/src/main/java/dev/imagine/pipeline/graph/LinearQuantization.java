package dev.imagine.pipeline.graph;

/**
 * The arithmetic of ONNX's linear quantization, {@code real = scale * (q - zero_point)}, for weights (signed,
 * symmetric, one scale per output channel) and activations (unsigned 8-bit with a zero point). Rounding is to the
 * nearest, ties to even, as ONNX Runtime's QuantizeLinear rounds.
 */
final class LinearQuantization {
    private LinearQuantization() {
    }

    /** Scale and zero point of an unsigned 8-bit activation. */
    record Activation(float scale, int zeroPoint) {
    }

    /**
     * The uint8 parameters that cover [min, max] widened to include 0 (so that zero padding and ReLU-like zeros are
     * exact).
     */
    static Activation uint8(float min, float max) {
        float low = Math.min(min, 0f);
        float high = Math.max(max, 0f);
        if (!(high > low)) {
            return new Activation(1f, 0);
        }
        float scale = (high - low) / 255f;
        int zeroPoint = (int) Math.rint(-low / scale);
        return new Activation(scale, Math.max(0, Math.min(255, zeroPoint)));
    }

    /**
     * One symmetric scale per channel: {@code max|w| / qmax}. {@code channelOf} maps a flat index to its channel:
     * the outer dimension for convolution weights [K, C, kh, kw], the inner one for MatMul weights [K, N].
     */
    static float[] channelScales(float[] weights, int channels, boolean outerAxis, int qmax) {
        float[] absMax = new float[channels];
        int inner = weights.length / channels;
        for (int i = 0; i < weights.length; i++) {
            int channel = outerAxis ? i / inner : i % channels;
            float magnitude = Math.abs(weights[i]);
            if (magnitude > absMax[channel]) {
                absMax[channel] = magnitude;
            }
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            // An all-zero channel: any positive scale represents it exactly.
            scales[c] = absMax[c] > 0f && Float.isFinite(absMax[c]) ? absMax[c] / qmax : 1f;
        }
        return scales;
    }

    static byte[] quantizeWeights(float[] weights, float[] scales, boolean outerAxis, int qmax) {
        int channels = scales.length;
        int inner = weights.length / channels;
        byte[] quantized = new byte[weights.length];
        for (int i = 0; i < weights.length; i++) {
            int channel = outerAxis ? i / inner : i % channels;
            long q = Math.round(Math.rint(weights[i] / scales[channel]));
            quantized[i] = (byte) Math.max(-qmax, Math.min(qmax, q));
        }
        return quantized;
    }

    /** A bias in int32 with scale {@code activationScale * weightScale[c]}, as QLinearConv adds it. */
    static int[] quantizeBias(float[] bias, float activationScale, float[] weightScales) {
        int[] quantized = new int[bias.length];
        for (int c = 0; c < bias.length; c++) {
            double q = Math.rint((double) bias[c] / ((double) activationScale * weightScales[c]));
            quantized[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, q));
        }
        return quantized;
    }

    static float[] biasScales(float activationScale, float[] weightScales) {
        float[] scales = new float[weightScales.length];
        for (int c = 0; c < scales.length; c++) {
            scales[c] = activationScale * weightScales[c];
        }
        return scales;
    }
}
