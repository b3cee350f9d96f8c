package dev.imagine.pipeline;

import static dev.imagine.testing.Generated.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.image.PngEncoder;
import dev.imagine.testing.Generated;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Uploaded pictures, generated: 10,000 files per property, made from small PNG (truecolour, grey, with alpha,
 * indexed, 16-bit grey), JPEG and WebP pictures with bytes flipped, lengths and sizes set to huge values, chunks cut or repeated,
 * and bytes that are no picture at all. The decoder gives a picture within its limits or a
 * {@link PictureRejectedException} that says what is accepted; nothing else escapes, and a picture that claims more
 * pixels than the limits is refused (the limits here are small, so a claim that got through would be seen).
 */
class PictureDecoderFuzzTest {
    private static final int TRIES = 10_000;
    private static final PictureDecoder DECODER = new PictureDecoder(200_000, 64 * 64, 96);
    private static final List<byte[]> SEEDS = seeds();
    /** WebP files from the reference inputs (no WebP writer at hand); they decode slowly, so they come up less. */
    private static final List<byte[]> WEBP = webp();

    private static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        int[] types = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_INT_ARGB,
                BufferedImage.TYPE_BYTE_INDEXED, BufferedImage.TYPE_USHORT_GRAY};
        for (int type : types) {
            seeds.add(write(image(type, 12, 9), "png"));
        }
        seeds.add(write(image(BufferedImage.TYPE_INT_RGB, 16, 16), "jpeg"));
        seeds.add(write(image(BufferedImage.TYPE_BYTE_GRAY, 8, 20), "jpeg"));
        seeds.add(PngEncoder.encode(new byte[10 * 7 * 3], 10, 7, Map.of("parameters", "a fox\nSteps: 4")));
        seeds.add(input("exif-6.jpg"));
        return List.copyOf(seeds);
    }

    private static List<byte[]> webp() {
        return List.of(input("exif-6-lossless.webp"), input("lossy.webp"));
    }

    private static byte[] input(String name) {
        try {
            return Files.readAllBytes(Path.of("src/test/resources/reference/img2img/inputs", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedImage image(int type, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 40 << 16) | (y * 30 << 8) | ((x + y) * 9) | ((x * 20) << 24));
            }
        }
        return image;
    }

    private static byte[] write(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record File(byte[] bytes) {
        @Override
        public String toString() {
            return bytes.length + " bytes: " + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 96));
        }
    }

    @Test
    void anyFile_isAPictureWithinTheLimits_orARefusalThatSaysWhatIsAccepted() {
        forAll("uploaded picture", TRIES, g -> new File(g.weighted(
                Generated.choice(32, () -> g.mutated(g.oneOf(SEEDS.toArray(byte[][]::new)))),
                Generated.choice(1, () -> g.mutated(g.oneOf(WEBP.toArray(byte[][]::new)))),
                Generated.choice(3, () -> g.oneOf(SEEDS.toArray(byte[][]::new))),
                Generated.choice(3, () -> g.bytes(64)))), file -> {
            Picture picture;
            try {
                picture = DECODER.decode(file.bytes());
            } catch (PictureRejectedException refused) {
                assertThat(refused.getMessage()).contains(DECODER.accepted());
                return;
            }
            assertThat(picture.width()).isBetween(1, DECODER.maxSide());
            assertThat(picture.height()).isBetween(1, DECODER.maxSide());
            assertThat((long) picture.width() * picture.height()).isLessThanOrEqualTo(DECODER.maxPixels());
            assertThat(picture.rgb()).hasSize(picture.width() * picture.height() * 3);
        });
    }

    private record Pixels(byte[] rgb, int width, int height) {
        @Override
        public String toString() {
            return width + "x" + height;
        }
    }

    @Test
    void aValidPng_isAcceptedWithExactlyItsPixels() {
        forAll("valid png", TRIES, g -> {
            int width = g.intBetween(1, 24);
            int height = g.intBetween(1, 24);
            byte[] rgb = new byte[width * height * 3];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = (byte) g.intBetween(0, 255);
            }
            return new Pixels(rgb, width, height);
        }, pixels -> {
            Picture picture = DECODER.decode(PngEncoder.encode(pixels.rgb(), pixels.width(), pixels.height(),
                    Map.of()));

            assertThat(picture.width()).isEqualTo(pixels.width());
            assertThat(picture.height()).isEqualTo(pixels.height());
            assertThat(picture.rgb()).isEqualTo(pixels.rgb());
        });
    }
}
