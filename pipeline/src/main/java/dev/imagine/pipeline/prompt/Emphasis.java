package dev.imagine.pipeline.prompt;

import dev.imagine.pipeline.PipelineException;

/**
 * AUTOMATIC1111's default ("Original") emphasis, applied to the text encoder's output for one chunk: every
 * position's hidden state is multiplied by its weight, then the whole chunk is rescaled so that the mean of all
 * its values is what it was before ({@code z *= w; z *= mean_before / mean_after}, per chunk, as the web UI's
 * {@code EmphasisOriginal.after_transformers} does for each chunk it encodes).
 */
public final class Emphasis {
    private Emphasis() {
    }

    /**
     * Weighs {@code hidden} ([positions, hiddenSize] flattened, one chunk) in place. A chunk whose weights are all 1
     * is left exactly as it is (the web UI's arithmetic would give the same values: multiplying by 1 and by
     * mean/mean changes nothing).
     *
     * @throws PipelineException when the weights make the rescaling impossible (the weighted mean is 0, or a weight
     *                           is so large that the values overflow)
     */
    public static void applyOriginal(float[] hidden, float[] weights, int hiddenSize) {
        if (hidden.length != weights.length * hiddenSize) {
            throw new IllegalArgumentException(hidden.length + " values for " + weights.length + " positions of "
                    + hiddenSize);
        }
        boolean allOne = true;
        for (float weight : weights) {
            allOne &= weight == 1f;
        }
        if (allOne) {
            return;
        }
        float before = mean(hidden);
        for (int position = 0; position < weights.length; position++) {
            float weight = weights[position];
            int start = position * hiddenSize;
            for (int i = start; i < start + hiddenSize; i++) {
                hidden[i] *= weight;
            }
        }
        float after = mean(hidden);
        float ratio = before / after;
        if (!Float.isFinite(ratio) || !Float.isFinite(after)) {
            throw new PipelineException("the weights in this prompt cannot be applied (the weighted text averages "
                    + after + "): use weights such as (word:1.2) or (word:0.8), between about 0 and 2");
        }
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] *= ratio;
        }
    }

    /** The mean in float32, as torch returns it; the sum is kept in double, which torch's pairwise sum approaches. */
    private static float mean(float[] values) {
        double sum = 0;
        for (float value : values) {
            sum += value;
        }
        return (float) (sum / values.length);
    }
}
