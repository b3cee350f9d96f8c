package dev.imagine.bot.safety;

import java.util.Objects;

/**
 * The classifier's verdict on one picture, kept with its job (never written into the PNG): which label was looked at,
 * its softmax probability, and whether that is above the threshold. Plain values, so the job store can keep it as
 * JSON and a later change of threshold or policy can be judged against the recorded score.
 *
 * @param label      the classifier's label that means NSFW, as the model spells it (e.g. {@code nsfw})
 * @param score      that label's probability, 0 to 1
 * @param threshold  the threshold it was compared with
 * @param flagged    {@code score > threshold}
 * @param classifier which classifier said so: {@code owner/name@commit} or the local folder
 */
public record SafetyCheck(String label, float score, double threshold, boolean flagged, String classifier) {
    public SafetyCheck {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(classifier, "classifier");
        if (!(score >= 0f && score <= 1f)) {
            throw new IllegalArgumentException("a probability is between 0 and 1, got " + score);
        }
        if (flagged != (score > threshold)) {
            throw new IllegalArgumentException("flagged must be score > threshold (" + score + " vs " + threshold + ")");
        }
    }

    /** The verdict for {@code score} against {@code threshold}. */
    public static SafetyCheck of(String label, float score, double threshold, String classifier) {
        return new SafetyCheck(label, score, threshold, score > threshold, classifier);
    }
}
