package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What an inpainting request may be: diffusers' inpaint rules, and bad masks refused with what to change. */
class InpaintRequestTest {
    private static final Picture PICTURE = Picture.ofRgb(new byte[320 * 256 * 3], 320, 256);

    private static GenerationRequest base(int steps) {
        return new GenerationRequest("a boat", 1, steps, 8f, 512, 512, 1);
    }

    private static Mask mask(int w, int h, int value) {
        byte[] grey = new byte[w * h];
        Arrays.fill(grey, (byte) value);
        return Mask.ofGrey(grey, w, h);
    }

    /** White in the left half, black in the right. */
    private static Mask half(int w, int h) {
        byte[] grey = new byte[w * h];
        for (int p = 0; p < grey.length; p++) {
            grey[p] = (byte) (p % w < w / 2 ? 255 : 0);
        }
        return Mask.ofGrey(grey, w, h);
    }

    @Test
    void withMask_takesThePicturesSize_theStrength_andTheMaskBlur() {
        GenerationRequest request = base(4).withMask(PICTURE, half(320, 256), 4, 1.0);

        assertThat(request.isInpainting()).isTrue();
        assertThat(request.isImageToImage()).isTrue();
        assertThat(request.width()).isEqualTo(320);
        assertThat(request.inpainting().maskBlur()).isEqualTo(4);
        assertThat(request.inpainting().outpaint()).isNull();
        assertThat(request.withDecoder(GenerationRequest.Decoder.FAST).inpainting())
                .isEqualTo(request.inpainting());
        assertThat(request.withPromptSyntax(PromptSyntax.PLAIN).inpainting()).isEqualTo(request.inpainting());
    }

    @Test
    void strength_truncatesTheSchedule_asDiffusersInpaintPipelineDoes() {
        assertThat(base(4).withMask(PICTURE, half(320, 256), 4, 1.0).denoisingSteps()).isEqualTo(4);
        assertThat(base(4).withMask(PICTURE, half(320, 256), 4, 0.6).denoisingSteps()).isEqualTo(2); // int(2.4)
        assertThat(base(4).withMask(PICTURE, half(320, 256), 4, 0.75).denoisingSteps()).isEqualTo(3);
        assertThat(base(2).withMask(PICTURE, half(320, 256), 4, 0.5).denoisingSteps()).isEqualTo(1);
        assertThat(base(4).withSource(PICTURE, 0.5).denoisingSteps()).as("image to image runs them all")
                .isEqualTo(4);
    }

    @Test
    void strengthThatRunsNoStep_isRefused_sayingTheSmallestThatRunsOne() {
        assertThatThrownBy(() -> base(4).withMask(PICTURE, half(320, 256), 4, 0.2))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("strength 0.2 with 4 steps runs int(4 x 0.2) = 0 steps")
                .hasMessageContaining("a strength of at least 0.25 or more steps");
    }

    @Test
    void allBlackMask_isRefused_nothingToRedraw() {
        assertThatThrownBy(() -> base(4).withMask(PICTURE, mask(320, 256, 127), 4, 1.0))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("the mask is black everywhere, so there is nothing to redraw");
    }

    @Test
    void allWhiteMask_isImageToImageAtTheSameStrength() {
        GenerationRequest request = base(4).withMask(PICTURE, mask(320, 256, 200), 4, 0.5);

        assertThat(request.isInpainting()).isFalse();
        assertThat(request).isEqualTo(base(4).withSource(PICTURE, 0.5));
    }

    @Test
    void maskOfAnotherSizeThanThePicture_isRefused() {
        assertThatThrownBy(() -> base(4).withMask(PICTURE, half(256, 256), 4, 1.0))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("the mask is 256x256 but the picture is 320x256");
    }

    @Test
    void maskBlurOutsideZeroToSixtyFour_isRefused() {
        assertThatThrownBy(() -> base(4).withMask(PICTURE, half(320, 256), 65, 1.0))
                .hasMessageContaining("mask blur is 65: use 0 (a hard edge) to 64 pixels");
        assertThatThrownBy(() -> base(4).withMask(PICTURE, half(320, 256), -1, 1.0))
                .hasMessageContaining("mask blur is -1");
    }

    @Test
    void maskWithoutASource_isRefused() {
        assertThatThrownBy(() -> new GenerationRequest("a boat", 1, 4, 8f, 320, 256, 1, GenerationRequest.Decoder.FULL,
                PromptSyntax.DEFAULT, null, 1.0, new Inpainting(half(320, 256), 4, null)))
                .hasMessageContaining("a mask needs a source picture");
    }

    @Test
    void withOutpaint_usesTheCanvas_andTheWiderDefaultBlur() {
        Outpaint.Canvas canvas = Outpaint.prepare(PICTURE, Outpaint.Mode.RIGHT, 64, 1024);

        GenerationRequest request = base(4).withOutpaint(canvas, GenerationRequest.DEFAULT_OUTPAINT_STRENGTH);

        assertThat(request.width()).isEqualTo(512);
        assertThat(request.source()).isEqualTo(canvas.picture());
        assertThat(request.inpainting().maskBlur()).isEqualTo(GenerationRequest.OUTPAINT_MASK_BLUR);
        assertThat(request.inpainting().outpaint().mode()).isEqualTo(Outpaint.Mode.RIGHT);
        assertThat(request.denoisingSteps()).isEqualTo(3);
    }

    @Test
    void parameters_sayWhatWasDone_inTheWebUisWordsWhereItHasThem() {
        Outpaint.Canvas canvas = Outpaint.prepare(PICTURE, Outpaint.Mode.ZOOM_2, 64, 1024);
        String text = PngParameters.textOf(base(4).withOutpaint(canvas, 0.8), 0, "tiny");

        assertThat(text).contains("Denoising strength: 0.8, Init image hash: " + canvas.picture().pixelHash()
                .substring(0, 16) + ", Mask blur: 8, Mask hash: " + canvas.mask().pixelHash().substring(0, 16)
                + ", Masked content: fill, Outpaint: zoom-2, Outpaint padding: left 80 top 64 right 80 bottom 64"
                + ", Outpaint source hash: " + PICTURE.pixelHash().substring(0, 16));
        String inpaint = PngParameters.textOf(base(4).withMask(PICTURE, half(320, 256), 4, 1.0), 0, "tiny");
        assertThat(inpaint).contains("Mask blur: 4").doesNotContain("Outpaint").doesNotContain("Masked content");
    }
}
