package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Masks read from files people send: greyscale made as Pillow makes it, transparency, sizes, black and white. */
class MaskTest {

    private static Picture solid(int w, int h, int r, int g, int b) {
        byte[] rgb = new byte[w * h * 3];
        for (int p = 0; p < w * h; p++) {
            rgb[p * 3] = (byte) r;
            rgb[p * 3 + 1] = (byte) g;
            rgb[p * 3 + 2] = (byte) b;
        }
        return Picture.ofRgb(rgb, w, h);
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    @Test
    void colouredMask_isMadeGreyWithPillowsLuma_notByAnyOneChannel() {
        // (19595 R + 38470 G + 7471 B + 32768) >> 16, as Pillow's convert("L")
        assertThat(Mask.of(solid(1, 1, 255, 0, 0)).value(0, 0)).isEqualTo(76);
        assertThat(Mask.of(solid(1, 1, 0, 255, 0)).value(0, 0)).isEqualTo(150);
        assertThat(Mask.of(solid(1, 1, 0, 0, 255)).value(0, 0)).isEqualTo(29);
        assertThat(Mask.of(solid(1, 1, 40, 255, 80)).value(0, 0)).isEqualTo(171);
        assertThat(Mask.of(solid(1, 1, 255, 0, 255)).value(0, 0)).as("magenta keeps").isEqualTo(105);
        for (int v = 0; v < 256; v++) {
            assertThat(Mask.of(solid(1, 1, v, v, v)).value(0, 0)).as("grey %d stays", v).isEqualTo(v);
        }
    }

    @Test
    void greyFrom128Up_isRedrawn_asDiffusersBinarizesAtOneHalf() {
        byte[] grey = {0, 127, (byte) 128, (byte) 255};
        Mask mask = Mask.ofGrey(grey, 4, 1);
        assertThat(mask.redrawnPixels()).isEqualTo(2);
        assertThat(mask.redrawsNothing()).isFalse();
        assertThat(mask.redrawsEverything()).isFalse();
        assertThat(Mask.ofGrey(new byte[] {127, 0}, 2, 1).redrawsNothing()).isTrue();
        assertThat(Mask.ofGrey(new byte[] {(byte) 128, (byte) 255}, 2, 1).redrawsEverything()).isTrue();
    }

    @Test
    void maskOfTheSameProportions_isScaledToThePicture_withPillowsLanczos() {
        Picture original = solid(400, 300, 10, 10, 10);
        Picture small = solid(200, 150, 255, 255, 255);

        Mask mask = Mask.fit(small, original, 320, 256);

        assertThat(mask.width()).isEqualTo(320);
        assertThat(mask.height()).isEqualTo(256);
        assertThat(mask.redrawsEverything()).isTrue();
        // Telegram-style rounding of one side (1280x853 for 3000x2000) is accepted too.
        assertThat(Mask.fit(solid(1280, 853, 0, 0, 0), solid(3000, 2000, 0, 0, 0), 384, 256).width()).isEqualTo(384);
    }

    @Test
    void maskOfOtherProportions_isRefused_namingBothSizes() {
        assertThatThrownBy(() -> Mask.fit(solid(300, 500, 255, 255, 255), solid(512, 512, 0, 0, 0), 512, 512))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("the mask is 300x500 but the picture is 512x512")
                .hasMessageContaining("proportions");
    }

    @Test
    void pixelHash_differsWhenOnePixelDiffers_andEqualMasksAreEqual() {
        byte[] grey = new byte[16];
        Mask a = Mask.ofGrey(grey, 4, 4);
        grey[5] = 1;
        Mask b = Mask.ofGrey(grey, 4, 4);
        assertThat(a.pixelHash()).isNotEqualTo(b.pixelHash()).hasSize(64);
        assertThat(a).isEqualTo(Mask.ofGrey(new byte[16], 4, 4)).isNotEqualTo(b);
        assertThat(Mask.ofGrey(new byte[16], 4, 4).pixelHash()).isNotEqualTo(Mask.ofGrey(new byte[16], 8, 2)
                .pixelHash());
    }

    @Test
    void ofGrey_refusesTheWrongNumberOfValues() {
        assertThatThrownBy(() -> Mask.ofGrey(new byte[5], 2, 2)).hasMessageContaining("a 2x2 mask has 4 values");
    }

    @Test
    void maskWithTransparency_isReadByItsAlpha_opaqueMeansRedraw() throws IOException {
        // A brush's strokes on a transparent layer: the stroke is black but opaque, the rest transparent white.
        BufferedImage image = new BufferedImage(8, 4, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, x < 2 ? 0xFF000000 : 0x00FFFFFF);
            }
        }
        Mask mask = Mask.of(PictureDecoder.DEFAULT.decodeMask(png(image)));
        assertThat(mask.value(0, 0)).isEqualTo(255);
        assertThat(mask.value(5, 2)).isZero();
        assertThat(mask.redrawnPixels()).isEqualTo(8);
        // As a picture (not a mask), the same file is flattened onto white.
        assertThat(PictureDecoder.DEFAULT.decode(png(image)).channel(5, 2, 0)).isEqualTo(255);
    }

    @Test
    void opaqueMaskWithAnAlphaChannel_isReadByItsColours() throws IOException {
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                image.setRGB(x, y, y < 2 ? 0xFFFFFFFF : 0xFF000000);
            }
        }
        Mask mask = Mask.of(PictureDecoder.DEFAULT.decodeMask(png(image)));
        assertThat(mask.value(0, 0)).isEqualTo(255);
        assertThat(mask.value(0, 3)).isZero();
    }

    @Test
    void greyMaskFile_keepsItsValues() throws IOException {
        BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        int[] values = {0, 127, 128, 255};
        for (int x = 0; x < 4; x++) {
            image.getRaster().setSample(x, 0, 0, values[x]);
        }
        Mask mask = Mask.of(PictureDecoder.DEFAULT.decodeMask(png(image)));
        for (int x = 0; x < 4; x++) {
            assertThat(mask.value(x, 0)).isEqualTo(values[x]);
        }
    }

    @Test
    void maskFile_goesThroughTheSafeDecoder(@TempDir Path dir) throws IOException {
        Path gif = dir.resolve("mask.png");
        Files.write(gif, "GIF89a not really".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> PictureDecoder.DEFAULT.readMask(gif)).isInstanceOf(PictureRejectedException.class)
                .hasMessageContaining("GIF");
        Path huge = dir.resolve("huge.png");
        Files.write(huge, PictureDecoderTest.pngWithHeader(60_000, 60_000, 100));
        assertThatThrownBy(() -> PictureDecoder.DEFAULT.readMask(huge)).isInstanceOf(PictureRejectedException.class)
                .hasMessageContaining("60000x60000");
    }
}
