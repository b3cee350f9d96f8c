package dev.imagine.pipeline;

import java.util.Arrays;

/**
 * One chunk of a prompt as the text encoder reads it: exactly the encoder's length of token ids (77 for CLIP:
 * BOS, at most 75 tokens of the prompt, EOS, then the tokenizer's pad id) and the weight of each position.
 * BOS, EOS and padding always weigh 1.
 */
public record PromptChunk(int[] ids, float[] weights) {

    public PromptChunk {
        if (ids.length != weights.length) {
            throw new IllegalArgumentException(ids.length + " ids but " + weights.length + " weights");
        }
        ids = ids.clone();
        weights = weights.clone();
    }

    /** A chunk whose every position weighs 1. */
    public static PromptChunk unweighted(int[] ids) {
        float[] ones = new float[ids.length];
        Arrays.fill(ones, 1f);
        return new PromptChunk(ids, ones);
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    @Override
    public float[] weights() {
        return weights.clone();
    }

    public int length() {
        return ids.length;
    }

    /** Whether some position weighs other than 1 (only then are the hidden states rescaled). */
    public boolean weighted() {
        for (float weight : weights) {
            if (weight != 1f) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PromptChunk other && Arrays.equals(ids, other.ids) && Arrays.equals(weights, other.weights);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return "PromptChunk[ids=" + Arrays.toString(ids) + ", weights=" + Arrays.toString(weights) + "]";
    }
}
