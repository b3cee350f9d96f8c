package dev.imagine.bot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.safety.SafetyPolicy;
import dev.imagine.bot.safety.SafetySettings;
import dev.imagine.pipeline.ModelRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safety section of config.yaml: defaults, every key mapped, and the errors that name what to change. */
class SafetyConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults_classifyWithThePinnedFalconsaiExport_flagAboveAHalf_andSpoiler() {
        SafetySettings safety = ConfigLoader.defaults().safety();

        assertThat(safety.classifier())
                .contains("onnx-community/nsfw_image_detection-ONNX@1ceb3c7fe1e9f3f2507e6df577437f23a9149fd5");
        assertThat(safety.hubReference()).contains(ModelRef.NSFW_CLASSIFIER);
        assertThat(safety.classifierFolder()).isEmpty();
        assertThat(safety.label()).isEqualTo("nsfw");
        assertThat(safety.threshold()).isEqualTo(0.5);
        assertThat(safety.policy()).isEqualTo(SafetyPolicy.SPOILER);
        assertThat(safety.classifierEnabled()).isTrue();
    }

    @Test
    void everyKey_isRead() {
        SafetySettings safety = ConfigLoader.parse("""
                safety:
                  classifier: someone/classifier@v2
                  classifier-folder: /srv/classifier
                  label: Porn
                  threshold: 0.8
                  policy: REFUSE
                """, "test.yaml").safety();

        assertThat(safety).isEqualTo(new SafetySettings(Optional.of("someone/classifier@v2"),
                Optional.of(Path.of("/srv/classifier")), "Porn", 0.8, SafetyPolicy.REFUSE));
        assertThat(safety.hubReference()).as("a folder wins over the hub").isEmpty();
    }

    @Test
    void noClassifier_isAllowedWithPolicyAllow() {
        SafetySettings safety = ConfigLoader.parse("safety:\n  classifier:\n  policy: allow\n", "test.yaml").safety();

        assertThat(safety.classifierEnabled()).isFalse();
        assertThat(safety.hubReference()).isEmpty();
    }

    @Test
    void aPolicyThatNeedsFlags_withoutAClassifier_isRefusedSayingWhatToSet() {
        assertThatThrownBy(() -> ConfigLoader.parse("safety:\n  classifier: \"\"\n  policy: blur\n", "config.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml: 'safety.policy' is blur, but no classifier is configured to flag pictures: "
                        + "set safety.classifier (a hub repository) or safety.classifier-folder, or set safety.policy "
                        + "to allow");
    }

    @Test
    void anEmptyQuotedText_turnsTheClassifierOff_likeAnEmptyValue() {
        SafetySettings safety = ConfigLoader.parse("safety:\n  classifier: \"\"\n  policy: allow\n", "c.yaml")
                .safety();

        assertThat(safety.classifier()).isEmpty();
    }

    @Test
    void thresholdOutsideZeroToOne_namesTheRange() {
        assertThatThrownBy(() -> ConfigLoader.parse("safety:\n  threshold: 1.5\n", "config.yaml"))
                .hasMessage("config.yaml line 2: 'safety.threshold': expected a number from 0.0 to 1.0, got '1.5'");
    }

    @Test
    void anUnknownPolicy_listsTheFour() {
        assertThatThrownBy(() -> ConfigLoader.parse("safety:\n  policy: hide\n", "config.yaml"))
                .hasMessage("config.yaml line 2: 'safety.policy': expected one of allow, spoiler, blur, refuse, got 'hide'");
    }

    @Test
    void aClassifierThatIsNoRepositoryId_isRefusedAtLoad_soConfigCheckCatchesIt() {
        assertThatThrownBy(() -> ConfigLoader.parse("safety:\n  classifier: not a repo\n", "config.yaml"))
                .hasMessageStartingWith("config.yaml: 'safety.classifier': 'not a repo' is not a hub repository id");
    }

    @Test
    void anEmptyLabel_isRefused() {
        assertThatThrownBy(() -> ConfigLoader.parse("safety:\n  label: \"\"\n", "config.yaml"))
                .hasMessageContaining("'safety.label' is empty");
    }

    @Test
    void aRelativeClassifierFolder_isResolvedAgainstTheConfigFilesFolder() throws Exception {
        Path file = dir.resolve("conf/imagine.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "safety:\n  classifier-folder: ../models/nsfw\n");

        assertThat(ConfigLoader.load(file).safety().classifierFolder()).contains(dir.resolve("models/nsfw"));
    }
}
