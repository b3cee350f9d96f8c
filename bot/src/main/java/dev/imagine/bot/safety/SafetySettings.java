package dev.imagine.bot.safety;

import dev.imagine.pipeline.ImageClassifier;
import dev.imagine.pipeline.ModelRef;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code safety} section of config.yaml.
 *
 * @param classifier        hub repository[@revision] of the classifier, or empty for none
 * @param classifierFolder  a local classifier folder, used instead of the hub when present
 * @param label             the classifier's label that means NSFW (matched ignoring case)
 * @param threshold         that label's probability above which a picture is flagged, 0 to 1
 * @param policy            what happens to a flagged picture
 */
public record SafetySettings(Optional<String> classifier, Optional<Path> classifierFolder, String label,
                             double threshold, SafetyPolicy policy) {

    public SafetySettings {
        Objects.requireNonNull(classifier, "classifier");
        Objects.requireNonNull(classifierFolder, "classifierFolder");
        Objects.requireNonNull(policy, "policy");
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("'safety.label' is empty: expected the classifier's label that means NSFW,"
                    + " such as nsfw");
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("'safety.threshold' must be from 0 to 1, got " + threshold);
        }
        classifier.ifPresent(spec -> {
            try {
                ImageClassifier.hubReference(spec);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'safety.classifier': " + e.getMessage(), e);
            }
        });
        if (policy != SafetyPolicy.ALLOW && classifier.isEmpty() && classifierFolder.isEmpty()) {
            throw new IllegalArgumentException("'safety.policy' is " + policy.configName() + ", but no classifier is "
                    + "configured to flag pictures: set safety.classifier (a hub repository) or "
                    + "safety.classifier-folder, or set safety.policy to allow");
        }
    }

    /** Whether a classifier is configured (from the hub or a folder). */
    public boolean classifierEnabled() {
        return classifier.isPresent() || classifierFolder.isPresent();
    }

    /** The hub reference of the configured classifier; empty when a folder is used or none is configured. */
    public Optional<ModelRef> hubReference() {
        return classifierFolder.isPresent() ? Optional.empty() : classifier.map(ImageClassifier::hubReference);
    }
}
