package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.model.ModelFolder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The size a source picture is drawn at: its own, rounded down to what the exported UNet runs, within 256-1024. */
class ModelSizesTest {

    @Test
    void sizeStep_isTheVaeFactorTimesTwoPerUnetDownsampling() {
        // the tiny model: VAE 8, UNet block_out_channels (8, 16) halves once
        assertThat(ModelSizes.sizeStep(ModelFolder.open(Path.of("src/test/resources/reference/tiny-lcm"))))
                .isEqualTo(16);
    }

    @Test
    void pictureWithinLimits_isRoundedDownToTheStep() {
        assertThat(ModelSizes.fit(327, 262, 16, 256, 1024)).containsExactly(320, 256);
        assertThat(ModelSizes.fit(1000, 750, 64, 256, 1024)).containsExactly(960, 704);
        assertThat(ModelSizes.fit(512, 768, 64, 256, 1024)).containsExactly(512, 768);
    }

    @Test
    void largePhoto_isScaledDownToTheLongestSideAllowed_keepingItsProportions() {
        assertThat(ModelSizes.fit(4032, 3024, 64, 256, 1024)).containsExactly(1024, 768);
        assertThat(ModelSizes.fit(3024, 4032, 64, 256, 1024)).containsExactly(768, 1024);
    }

    @Test
    void smallPicture_isScaledUpToTheShortestSideAllowed() {
        assertThat(ModelSizes.fit(100, 100, 64, 256, 1024)).containsExactly(256, 256);
        assertThat(ModelSizes.fit(128, 96, 64, 256, 1024)).containsExactly(320, 256);
    }

    @Test
    void veryLongPicture_isClampedIntoTheRange() {
        assertThat(ModelSizes.fit(4000, 200, 64, 256, 1024)).containsExactly(1024, 256);
    }
}
