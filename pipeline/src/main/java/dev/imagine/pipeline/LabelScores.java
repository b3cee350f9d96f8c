package dev.imagine.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What an {@link ImageClassifier} says about one picture: the class names of its model, and for each the raw logit
 * and the softmax probability.
 *
 * @param labels         class names in the model's order ({@code id2label})
 * @param logits         the model's output, one per label
 * @param probabilities  softmax of the logits, one per label, summing to 1
 */
public record LabelScores(List<String> labels, float[] logits, float[] probabilities) {

    public LabelScores {
        labels = List.copyOf(labels);
        logits = logits.clone();
        probabilities = probabilities.clone();
        if (logits.length != labels.size() || probabilities.length != labels.size()) {
            throw new IllegalArgumentException(labels.size() + " labels but " + logits.length + " logits and "
                    + probabilities.length + " probabilities");
        }
    }

    /** The scores of {@code logits}, with probabilities computed as torch's softmax does (max subtracted first). */
    public static LabelScores fromLogits(List<String> labels, float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return new LabelScores(labels, logits, p);
    }

    /** The position of {@code label} among the labels, ignoring case; -1 when the model has no such label. */
    public int indexOf(String label) {
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).toLowerCase(Locale.ROOT).equals(label.toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The probability of {@code label} (ignoring case).
     *
     * @throws IllegalArgumentException naming the labels there are, when the model has no such label
     */
    public float probability(String label) {
        int i = indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException("no label '" + label + "'; the labels are " + String.join(", ", labels));
        }
        return probabilities[i];
    }

    @Override
    public float[] logits() {
        return logits.clone();
    }

    @Override
    public float[] probabilities() {
        return probabilities.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelScores s && labels.equals(s.labels) && Arrays.equals(logits, s.logits)
                && Arrays.equals(probabilities, s.probabilities);
    }

    @Override
    public int hashCode() {
        return labels.hashCode() * 31 + Arrays.hashCode(logits);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("LabelScores[");
        for (int i = 0; i < labels.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(labels.get(i)).append(' ')
                    .append(String.format(Locale.ROOT, "%.4f", probabilities[i]));
        }
        return text.append(']').toString();
    }
}
