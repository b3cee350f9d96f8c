package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What an image-to-image request may be: diffusers' rules, refused with what to change. */
class ImageToImageRequestTest {
    private static final Picture PICTURE = Picture.ofRgb(new byte[320 * 256 * 3], 320, 256);

    private static GenerationRequest base(int steps) {
        return new GenerationRequest("a boat", 1, steps, 8f, 512, 512, 1);
    }

    @Test
    void withSource_takesThePicturesSizeAndTheStrength() {
        GenerationRequest request = base(4).withSource(PICTURE, 0.5);
        assertThat(request.isImageToImage()).isTrue();
        assertThat(request.width()).isEqualTo(320);
        assertThat(request.height()).isEqualTo(256);
        assertThat(request.strength()).isEqualTo(0.5);
        assertThat(request.withDecoder(GenerationRequest.Decoder.FAST).source()).isEqualTo(PICTURE);
    }

    @Test
    void strengthThatLeavesFewerScheduleStepsThanAsked_isRefusedNotClamped() {
        // int(50 * 0.05) = 2 < 4 steps: diffusers raises; Imagine says what to change
        assertThatThrownBy(() -> base(4).withSource(PICTURE, 0.05)).isInstanceOf(PipelineException.class)
                .hasMessageContaining("int(50 x 0.05) = 2")
                .hasMessageContaining("use at most 2 steps or a strength of at least 0.08");
    }

    @Test
    void smallestStrengthForTheSteps_isAccepted_asPythonTruncates() {
        assertThat(base(4).withSource(PICTURE, 0.08).strength()).isEqualTo(0.08);
        assertThat(base(3).withSource(PICTURE, 0.06).strength()).isEqualTo(0.06);
        assertThat(base(4).withSource(PICTURE, 0.55).strength()).isEqualTo(0.55); // int(27.5) = 27
        assertThat(GenerationRequest.minimumStrength(4)).isEqualTo("0.08");
        assertThat(GenerationRequest.minimumStrength(8)).isEqualTo("0.16");
        assertThat(GenerationRequest.minimumStrength(1)).isEqualTo("0.02");
    }

    @Test
    void strengthOutsideZeroToOne_isRefused() {
        assertThatThrownBy(() -> base(1).withSource(PICTURE, 0)).isInstanceOf(PipelineException.class)
                .hasMessageContaining("strength is 0.0: use a number above 0 and at most 1");
        assertThatThrownBy(() -> base(1).withSource(PICTURE, 1.5)).isInstanceOf(PipelineException.class)
                .hasMessageContaining("strength is 1.5");
        assertThatThrownBy(() -> base(1).withSource(PICTURE, Double.NaN)).isInstanceOf(PipelineException.class);
    }

    @Test
    void sourceOfAnotherSize_isRefused() {
        assertThatThrownBy(() -> new GenerationRequest("a boat", 1, 4, 8f, 512, 512, 1,
                GenerationRequest.Decoder.FULL, PromptSyntax.DEFAULT, PICTURE, 0.5)).isInstanceOf(PipelineException.class)
                .hasMessageContaining("the source picture is 320x256 but the request is 512x512");
    }

    @Test
    void strengthWithoutSource_isRefused() {
        assertThatThrownBy(() -> new GenerationRequest("a boat", 1, 4, 8f, 512, 512, 1,
                GenerationRequest.Decoder.FULL, PromptSyntax.DEFAULT, null, 0.5)).isInstanceOf(PipelineException.class)
                .hasMessageContaining("without a source picture");
    }

    @Test
    void pixelHash_dependsOnEveryPixelAndTheSize() {
        byte[] rgb = new byte[320 * 256 * 3];
        rgb[1000] = 1;
        assertThat(Picture.ofRgb(rgb, 320, 256).pixelHash()).isNotEqualTo(PICTURE.pixelHash());
        assertThat(Picture.ofRgb(new byte[320 * 256 * 3], 256, 320).pixelHash()).isNotEqualTo(PICTURE.pixelHash());
        assertThat(Picture.ofRgb(new byte[320 * 256 * 3], 320, 256).pixelHash()).isEqualTo(PICTURE.pixelHash());
    }
}
