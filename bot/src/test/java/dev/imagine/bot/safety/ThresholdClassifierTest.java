package dev.imagine.bot.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.config.ConfigException;
import dev.imagine.pipeline.PipelineOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The configured label and threshold applied to the classifier's probabilities, on the reference pictures of the
 * tiny test classifier (nsfw probabilities: exact-64x64 0.81, square-256x256 0.62, nonsquare-320x256 0.12,
 * portrait-512x768 0.49, mixed-48x80 0.53).
 */
class ThresholdClassifierTest {
    static final Path REFERENCE = Path.of("../pipeline/src/test/resources/reference").toAbsolutePath().normalize();
    static final Path TINY_CLASSIFIER = REFERENCE.resolve("tiny-vit-classifier");

    static byte[] picture(String id) throws IOException {
        return Files.readAllBytes(REFERENCE.resolve("safety/pictures/" + id + ".png"));
    }

    static SafetySettings settings(String label, double threshold) {
        return new SafetySettings(Optional.empty(), Optional.of(TINY_CLASSIFIER), label, threshold,
                SafetyPolicy.SPOILER);
    }

    @Test
    void check_flagsAPictureWhoseLabelProbabilityIsAboveTheThreshold_andRecordsScoreAndClassifier() throws IOException {
        try (ThresholdClassifier classifier = ThresholdClassifier.open(TINY_CLASSIFIER, "tiny", settings("nsfw", 0.5),
                new PipelineOptions(1))) {
            SafetyCheck flagged = classifier.check(picture("exact-64x64"));
            SafetyCheck plain = classifier.check(picture("nonsquare-320x256"));

            assertThat(flagged.flagged()).isTrue();
            assertThat(flagged.score()).isBetween(0.80f, 0.81f);
            assertThat(flagged.label()).isEqualTo("nsfw");
            assertThat(flagged.classifier()).isEqualTo("tiny");
            assertThat(plain.flagged()).isFalse();
            assertThat(plain.score()).isBetween(0.11f, 0.12f);
        }
    }

    @Test
    void theThreshold_decides_andTheLabelIsMatchedIgnoringCase() throws IOException {
        try (ThresholdClassifier strict = ThresholdClassifier.open(TINY_CLASSIFIER, "tiny", settings("NSFW", 0.45),
                new PipelineOptions(1));
             ThresholdClassifier lenient = ThresholdClassifier.open(TINY_CLASSIFIER, "tiny", settings("nsfw", 0.7),
                     new PipelineOptions(1))) {
            assertThat(strict.label()).isEqualTo("nsfw");
            assertThat(strict.check(picture("portrait-512x768")).flagged()).as("0.49 > 0.45").isTrue();
            assertThat(lenient.check(picture("square-256x256")).flagged()).as("0.62 < 0.7").isFalse();
            assertThat(lenient.check(picture("exact-64x64")).flagged()).as("0.81 > 0.7").isTrue();
        }
    }

    @Test
    void theOtherLabel_canBeTheOneLookedAt() throws IOException {
        try (ThresholdClassifier classifier = ThresholdClassifier.open(TINY_CLASSIFIER, "tiny",
                settings("normal", 0.5), new PipelineOptions(1))) {
            assertThat(classifier.check(picture("nonsquare-320x256")).flagged()).isTrue();
        }
    }

    @Test
    void aLabelTheModelDoesNotHave_failsNamingTheLabelsItHas() {
        assertThatThrownBy(() -> ThresholdClassifier.open(TINY_CLASSIFIER, "some/classifier@abc", settings("porn", 0.5),
                new PipelineOptions(1)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("'safety.label' is 'porn', but the classifier some/classifier@abc has no such label; its "
                        + "labels are normal, nsfw. Set safety.label to the one that means NSFW.");
    }

    @Test
    void aCheck_isFlaggedOnlyAboveTheThreshold_notAtIt() {
        assertThat(SafetyCheck.of("nsfw", 0.5f, 0.5, "c").flagged()).isFalse();
        assertThat(SafetyCheck.of("nsfw", 0.5001f, 0.5, "c").flagged()).isTrue();
        assertThatThrownBy(() -> new SafetyCheck("nsfw", 0.9f, 0.5, false, "c"))
                .hasMessageContaining("flagged must be score > threshold");
    }

    @Test
    void policies_parseAsWrittenInConfig_andACommunityCanOnlyTighten() {
        assertThat(SafetyPolicy.parse("Spoiler")).isEqualTo(SafetyPolicy.SPOILER);
        assertThatThrownBy(() -> SafetyPolicy.parse("hide"))
                .hasMessage("'hide' is not a safety policy; expected allow, spoiler, blur or refuse");
        assertThat(SafetyPolicy.SPOILER.atLeast(SafetyPolicy.REFUSE)).isEqualTo(SafetyPolicy.REFUSE);
        assertThat(SafetyPolicy.BLUR.atLeast(SafetyPolicy.ALLOW)).isEqualTo(SafetyPolicy.BLUR);
    }
}
