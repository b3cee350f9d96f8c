package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Where zoom out and pan put the picture, how far the canvas grows, and what the mask redraws. */
class OutpaintTest {
    private static final int SD_STEP = 64;

    private static Picture gradient(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = (y * w + x) * 3;
                rgb[p] = (byte) x;
                rgb[p + 1] = (byte) y;
                rgb[p + 2] = (byte) 128;
            }
        }
        return Picture.ofRgb(rgb, w, h);
    }

    @Test
    void zoomOut2x_shrinksThePictureIntoTheMiddleOfACanvasOfItsSize_andRedrawsTheBorder() {
        Outpaint.Canvas canvas = Outpaint.prepare(gradient(512, 512), Outpaint.Mode.ZOOM_2, SD_STEP, 1024);

        assertThat(canvas.picture().width()).isEqualTo(512);
        assertThat(canvas.picture().height()).isEqualTo(512);
        Outpaint done = canvas.outpaint();
        assertThat(done.paddingText()).isEqualTo("left 128 top 128 right 128 bottom 128");
        // kept: the 256x256 picture at 128 inset by 8 on every side
        assertThat(canvas.mask().value(135, 200)).isEqualTo(255);
        assertThat(canvas.mask().value(136, 136)).isZero();
        assertThat(canvas.mask().value(375, 375)).isZero();
        assertThat(canvas.mask().value(376, 300)).isEqualTo(255);
        assertThat(canvas.mask().redrawnPixels()).isEqualTo(512L * 512 - 240L * 240);
        assertThat(canvas.picture().crop(128, 128, 256, 256))
                .isEqualTo(gradient(512, 512).resized(256, 256));
    }

    @Test
    void zoomOut1_5x_roundsThePictureToWholePixels_andTheKeptEdgesToTheLatentGrid() {
        Outpaint.Canvas canvas = Outpaint.prepare(gradient(640, 512), Outpaint.Mode.ZOOM_1_5, SD_STEP, 1024);

        Outpaint done = canvas.outpaint();
        // 640 / 1.5 = 426.67 -> 427, 512 / 1.5 = 341.33 -> 341
        assertThat(done.left() + done.right()).isEqualTo(640 - 427);
        assertThat(done.top() + done.bottom()).isEqualTo(512 - 341);
        assertThat(done.left()).isEqualTo(106);
        assertThat(canvas.mask().value(119, 200)).isEqualTo(255); // 106 + 8 = 114 -> 120
        assertThat(canvas.mask().value(120, 200)).isZero();
    }

    @Test
    void panRight_growsTheCanvasByHalfTheWidth_keepingThePictureWhole() {
        Picture picture = gradient(512, 512);
        Outpaint.Canvas canvas = Outpaint.prepare(picture, Outpaint.Mode.RIGHT, SD_STEP, 1024);

        assertThat(canvas.picture().width()).isEqualTo(768);
        assertThat(canvas.picture().height()).isEqualTo(512);
        assertThat(canvas.outpaint().paddingText()).isEqualTo("left 0 top 0 right 256 bottom 0");
        assertThat(canvas.picture().crop(0, 0, 512, 512)).isEqualTo(picture);
        assertThat(canvas.mask().value(503, 0)).isZero();
        assertThat(canvas.mask().value(504, 0)).isEqualTo(255);
        assertThat(canvas.mask().value(0, 511)).as("the sides without new area are kept").isZero();
    }

    @Test
    void panUp_putsTheNewStripOnTop() {
        Picture picture = gradient(512, 768);
        Outpaint.Canvas canvas = Outpaint.prepare(picture, Outpaint.Mode.UP, SD_STEP, 1024);

        // half of 768 is 384, a multiple of 64; 768 + 384 > 1024, so the canvas stops at 1024 and the
        // picture's bottom 128 rows are cut off
        assertThat(canvas.picture().height()).isEqualTo(1024);
        assertThat(canvas.outpaint().paddingText()).isEqualTo("left 0 top 384 right 0 bottom 0");
        assertThat(canvas.picture().crop(0, 384, 512, 640)).isEqualTo(picture.crop(0, 0, 512, 640));
    }

    @Test
    void panAtTheLargestSide_keepsTheCanvasThere_andMovesOnLikeACamera() {
        Picture picture = gradient(1024, 512);
        Outpaint.Canvas left = Outpaint.prepare(picture, Outpaint.Mode.LEFT, SD_STEP, 1024);

        assertThat(left.picture().width()).isEqualTo(1024);
        assertThat(left.outpaint().left()).isEqualTo(512);
        assertThat(left.picture().crop(512, 0, 512, 512)).isEqualTo(picture.crop(0, 0, 512, 512));
        Outpaint.Canvas down = Outpaint.prepare(gradient(512, 512), Outpaint.Mode.DOWN, SD_STEP, 640);
        assertThat(down.picture().height()).as("a smaller configured limit, rounded to the step").isEqualTo(640);
        assertThat(down.outpaint().bottom()).isEqualTo(256);
    }

    @Test
    void panGrowth_isHalfTheSideRoundedToTheStep_atLeastOneStep() {
        assertThat(Outpaint.prepare(gradient(320, 256), Outpaint.Mode.RIGHT, SD_STEP, 1024).outpaint().right())
                .as("160 rounds to 192").isEqualTo(192);
        assertThat(Outpaint.prepare(gradient(64, 64), Outpaint.Mode.RIGHT, SD_STEP, 1024).outpaint().right())
                .isEqualTo(64);
    }

    @Test
    void newArea_startsFromThePicturesColours_notBlack() {
        Outpaint.Canvas canvas = Outpaint.prepare(gradient(256, 256), Outpaint.Mode.ZOOM_2, 16, 1024);
        // the blue channel is 128 everywhere in the picture, so the fill is about 128 blue everywhere too (Pillow's
        // premultiplied blurs round and truncate on the way, a few levels off)
        for (int y = 0; y < 256; y += 17) {
            for (int x = 0; x < 256; x += 17) {
                assertThat(canvas.picture().channel(x, y, 2)).as("blue at %d,%d", x, y).isBetween(116, 140);
            }
        }
    }

    @Test
    void plan_isTheCanvasPrepareMakes_withoutThePixels() {
        for (Outpaint.Mode mode : Outpaint.Mode.values()) {
            for (Picture picture : new Picture[] {gradient(512, 512), gradient(640, 384), gradient(1024, 512)}) {
                Outpaint.Plan plan = Outpaint.plan(picture.width(), picture.height(), mode, SD_STEP, 1024);
                Outpaint.Canvas canvas = Outpaint.prepare(picture, mode, SD_STEP, 1024);
                Outpaint done = canvas.outpaint();
                assertThat(new int[] {plan.width(), plan.height(), plan.left(), plan.top(), plan.right(),
                        plan.bottom()}).as("%s of %dx%d", mode, picture.width(), picture.height())
                        .containsExactly(canvas.picture().width(), canvas.picture().height(), done.left(), done.top(),
                                done.right(), done.bottom());
            }
        }
    }

    @Test
    void plan_saysHowMuchTheCanvasGrows_andTheLargestSide() {
        assertThat(Outpaint.plan(512, 512, Outpaint.Mode.RIGHT, SD_STEP, 1024).describe()).isEqualTo(
                "Pan right: the canvas grows by 256 pixels on the right, from 512x512 to 768x512 (largest side 1024).");
        assertThat(Outpaint.plan(1024, 512, Outpaint.Mode.LEFT, SD_STEP, 1024).describe()).isEqualTo(
                "Pan left: 512 new pixels on the left; the 1024x512 canvas is at the largest side allowed (1024), so"
                        + " the picture's other end (512 pixels) is left out.");
        assertThat(Outpaint.plan(512, 512, Outpaint.Mode.ZOOM_2, SD_STEP, 1024).describe()).isEqualTo(
                "Zoom out 2x: the picture shrinks to 256x256 in the middle of a 512x512 canvas, and the border around"
                        + " it is drawn.");
        assertThat(Outpaint.plan(768, 512, Outpaint.Mode.UP, SD_STEP, 1024).describe())
                .contains("grows by 256 pixels at the top, from 768x512 to 768x768");
    }

    @Test
    void requestOfAFinishedPicture_keepsItsPromptAndSettings_thatImagesSeed_andDrawsOneOnTheCanvas() {
        GenerationRequest finished = new GenerationRequest("a lighthouse", 40, 5, 6f, 512, 384, 4,
                GenerationRequest.Decoder.FAST, PromptSyntax.PLAIN);
        Picture third = gradient(512, 384);

        GenerationRequest pan = Outpaint.request(finished, 2, third, Outpaint.Mode.RIGHT, SD_STEP, 1024);

        assertThat(pan.prompt()).isEqualTo("a lighthouse");
        assertThat(pan.seed()).isEqualTo(42);
        assertThat(pan.count()).isEqualTo(1);
        assertThat(pan.steps()).isEqualTo(5);
        assertThat(pan.guidance()).isEqualTo(6f);
        assertThat(pan.decoder()).isEqualTo(GenerationRequest.Decoder.FAST);
        assertThat(pan.promptSyntax()).isEqualTo(PromptSyntax.PLAIN);
        assertThat(pan.width()).isEqualTo(768);
        assertThat(pan.height()).isEqualTo(384);
        assertThat(pan.strength()).isEqualTo(GenerationRequest.DEFAULT_OUTPAINT_STRENGTH);
        assertThat(pan.inpainting().maskBlur()).isEqualTo(GenerationRequest.OUTPAINT_MASK_BLUR);
        assertThat(pan.inpainting().outpaint().mode()).isEqualTo(Outpaint.Mode.RIGHT);
        assertThat(pan.inpainting().outpaint().sourceHash()).isEqualTo(third.pixelHash());
        assertThat(pan.source()).isEqualTo(Outpaint.prepare(third, Outpaint.Mode.RIGHT, SD_STEP, 1024).picture());
        assertThat(Outpaint.request(finished, 2, third, Outpaint.Mode.RIGHT, SD_STEP, 1024))
                .as("the same button twice is the same work").isEqualTo(pan);
    }

    @Test
    void requestOfAFinishedPicture_refusesAnotherPictureSize_andAnImageTheRequestDidNotDraw() {
        GenerationRequest finished = new GenerationRequest("a lighthouse", 40, 4, 8f, 512, 512, 2);
        assertThatThrownBy(() -> Outpaint.request(finished, 0, gradient(256, 256), Outpaint.Mode.ZOOM_2, SD_STEP,
                1024)).isInstanceOf(PipelineException.class).hasMessageContaining("256x256")
                .hasMessageContaining("512x512");
        assertThatThrownBy(() -> Outpaint.request(finished, 2, gradient(512, 512), Outpaint.Mode.ZOOM_2, SD_STEP,
                1024)).isInstanceOf(PipelineException.class).hasMessageContaining("image 3 is not one of the 2");
    }

    @Test
    void modes_areParsedByTheirCommandLineNames_andAnUnknownOneIsRefusedNamingThem() {
        assertThat(Outpaint.Mode.parse("zoom-1.5")).isEqualTo(Outpaint.Mode.ZOOM_1_5);
        assertThat(Outpaint.Mode.parse(" Left ")).isEqualTo(Outpaint.Mode.LEFT);
        assertThatThrownBy(() -> Outpaint.Mode.parse("zoom-3")).isInstanceOf(PipelineException.class)
                .hasMessageContaining("zoom-1.5, zoom-2, left, right, up, down");
    }

    @Test
    void pictureLargerThanTheLimit_isRefused() {
        assertThatThrownBy(() -> Outpaint.prepare(gradient(1024, 512), Outpaint.Mode.ZOOM_2, SD_STEP, 768))
                .hasMessageContaining("more than the 768 pixels a side allowed");
    }
}
