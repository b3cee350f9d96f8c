package dev.imagine.bot.safety;

import dev.imagine.bot.config.ConfigException;
import dev.imagine.pipeline.GeneratedImage;
import dev.imagine.pipeline.ImageClassifier;
import dev.imagine.pipeline.LabelScores;
import dev.imagine.pipeline.PipelineOptions;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The configured classifier with its label and threshold: a picture is flagged when the softmax probability of
 * {@code safety.label} is above {@code safety.threshold}. Owns the classifier and closes it.
 */
public final class ThresholdClassifier implements PictureClassifier {
    private final ImageClassifier classifier;
    private final String name;
    private final String label;
    private final double threshold;

    ThresholdClassifier(ImageClassifier classifier, String name, String configuredLabel, double threshold) {
        this.classifier = classifier;
        this.name = name;
        this.label = labelOf(classifier, name, configuredLabel);
        this.threshold = threshold;
    }

    /**
     * Loads the classifier in {@code folder} and checks that it has the configured label.
     *
     * @param name what to call it in records and messages ({@code owner/name@commit} or the folder)
     * @throws ConfigException naming the labels it has, when {@code settings.label()} is not one of them
     */
    public static ThresholdClassifier open(Path folder, String name, SafetySettings settings, PipelineOptions options) {
        ImageClassifier classifier = ImageClassifier.open(folder, options);
        try {
            return new ThresholdClassifier(classifier, name, settings.label(), settings.threshold());
        } catch (RuntimeException e) {
            classifier.close();
            throw e;
        }
    }

    private static String labelOf(ImageClassifier classifier, String name, String configured) {
        for (String l : classifier.labels()) {
            if (l.toLowerCase(Locale.ROOT).equals(configured.strip().toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        throw new ConfigException("'safety.label' is '" + configured + "', but the classifier " + name
                + " has no such label; its labels are " + String.join(", ", classifier.labels())
                + ". Set safety.label to the one that means NSFW.");
    }

    @Override
    public SafetyCheck check(GeneratedImage picture) {
        return verdict(classifier.classifyPng(picture.png()));
    }

    @Override
    public SafetyCheck check(byte[] png) {
        return verdict(classifier.classifyPng(png));
    }

    /** The verdict on raw RGB pixels, as the pipeline has them before PNG encoding. */
    public SafetyCheck check(byte[] rgb, int width, int height) {
        return verdict(classifier.classify(rgb, width, height));
    }

    private SafetyCheck verdict(LabelScores scores) {
        return SafetyCheck.of(label, scores.probability(label), threshold, name);
    }

    @Override
    public String name() {
        return name;
    }

    /** The label as the model spells it. */
    public String label() {
        return label;
    }

    @Override
    public void close() {
        classifier.close();
    }
}
