package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Untrusted files in, a {@link Picture} or a refusal that says what is accepted out. */
class PictureDecoderTest {
    private static final Path INPUTS = Path.of("src/test/resources/reference/img2img/inputs");
    private static final String ACCEPTED = "Imagine accepts PNG, JPEG and WebP pictures";
    private final PictureDecoder decoder = PictureDecoder.DEFAULT;

    @Test
    void png_isDecodedToTheSameRgbPixels() throws IOException {
        BufferedImage image = colourful(40, 30, BufferedImage.TYPE_INT_RGB);
        Picture picture = decoder.decode(write(image, "png"));
        assertThat(picture.width()).isEqualTo(40);
        assertThat(picture.height()).isEqualTo(30);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                int rgb = image.getRGB(x, y);
                assertThat(picture.channel(x, y, 0)).isEqualTo((rgb >> 16) & 0xff);
                assertThat(picture.channel(x, y, 1)).isEqualTo((rgb >> 8) & 0xff);
                assertThat(picture.channel(x, y, 2)).isEqualTo(rgb & 0xff);
            }
        }
    }

    @Test
    void greyPng_becomesRgbWithTheGreyValueInEveryChannel_notBrightenedAsLinearLight() throws IOException {
        BufferedImage grey = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 10);
        grey.getRaster().setSample(1, 0, 0, 128);
        grey.getRaster().setSample(2, 0, 0, 250);
        Picture picture = decoder.decode(write(grey, "png"));
        assertThat(picture.rgb()).containsExactly(10, 10, 10, (byte) 128, (byte) 128, (byte) 128, (byte) 250,
                (byte) 250, (byte) 250);
    }

    @Test
    void transparency_isFlattenedOntoWhite() throws IOException {
        BufferedImage rgba = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x00_00_00_00); // fully transparent black: white
        rgba.setRGB(1, 0, 0xFF_20_40_60); // opaque: unchanged
        rgba.setRGB(2, 0, 0x80_00_00_FF); // half-transparent blue: round((c*128 + 255*127) / 255)
        Picture picture = decoder.decode(write(rgba, "png"));
        int half = (255 * 127 + 127) / 255;
        int blue = (255 * 128 + 255 * 127 + 127) / 255;
        assertThat(picture.rgb()).containsExactly((byte) 255, (byte) 255, (byte) 255, 0x20, 0x40, 0x60,
                (byte) half, (byte) half, (byte) blue);
    }

    @Test
    void jpeg_isDecoded() throws IOException {
        Picture picture = decoder.decode(write(colourful(64, 48, BufferedImage.TYPE_INT_RGB), "jpeg"));
        assertThat(picture.width()).isEqualTo(64);
        assertThat(picture.height()).isEqualTo(48);
    }

    @ParameterizedTest
    @ValueSource(strings = {"exif-3-lossless.webp", "exif-6-lossless.webp", "exif-8-lossless.webp"})
    void losslessWebp_isDecodedAndTurnedByItsExifOrientation(String file) {
        Picture shown = decoder.read(INPUTS.resolve("displayed.png"));
        Picture picture = decoder.read(INPUTS.resolve(file));
        assertThat(picture).isEqualTo(shown);
    }

    @ParameterizedTest
    @ValueSource(strings = {"exif-3.jpg", "exif-6.jpg", "exif-8.jpg", "lossy.webp"})
    void lossyFiles_areDecodedAndTurnedByTheirExifOrientation(String file) {
        Picture shown = decoder.read(INPUTS.resolve("displayed.png"));
        Picture picture = decoder.read(INPUTS.resolve(file));
        assertThat(picture.width()).isEqualTo(shown.width());
        assertThat(picture.height()).isEqualTo(shown.height());
        assertThat(meanDifference(picture, shown)).isLessThan(10);
        // the red block that marks the displayed top-left corner is there
        assertThat(picture.channel(3, 3, 0)).isGreaterThan(200);
        assertThat(picture.channel(3, 3, 1)).isLessThan(60);
    }

    @Test
    void webpWithAlpha_isFlattenedOntoWhite() {
        Picture shown = decoder.read(INPUTS.resolve("displayed.png"));
        Picture picture = decoder.read(INPUTS.resolve("half-transparent-lossless.webp"));
        int red = shown.channel(0, 0, 0);
        assertThat(picture.channel(0, 0, 0)).isEqualTo((red * 128 + 255 * 127 + 127) / 255);
        assertThat(picture.channel(0, 0, 1)).isEqualTo((255 * 127 + 127) / 255);
    }

    @Test
    void jpegExifOrientation6_turnsTheStoredPictureAQuarterClockwise() throws IOException {
        BufferedImage stored = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        stored.setRGB(0, 1, 0xFF0000); // bottom-left stored: top-left once turned clockwise
        byte[] jpeg = withExifOrientation(write(stored, "jpeg"), 6);
        Picture picture = decoder.decode(jpeg);
        assertThat(picture.width()).isEqualTo(2);
        assertThat(picture.height()).isEqualTo(4);
        assertThat(picture.channel(0, 0, 0)).isGreaterThan(picture.channel(1, 3, 0));
    }

    @Test
    void hugePngHeader_isRefusedFromTheHeaderWithoutDecoding() throws IOException {
        byte[] bomb = pngWithHeader(50_000, 50_000, 100_000);
        assertThat(bomb.length).isBetween(100_000, 101_000);
        long before = usedHeap();
        assertThatThrownBy(() -> decoder.decode(bomb))
                .isInstanceOf(PictureRejectedException.class)
                .hasMessageContaining("50000x50000 pixels (2500 megapixels)")
                .hasMessageContaining(ACCEPTED);
        // 2.5 gigapixels would be 7.5 GB of RGB: nothing of that size was allocated
        assertThat(usedHeap() - before).isLessThan(200L << 20);
    }

    @Test
    void pictureWithTooLongASide_isRefused() throws IOException {
        PictureDecoder small = new PictureDecoder(1_000_000, 1_000_000, 100);
        assertThatThrownBy(() -> small.decode(write(colourful(101, 5, BufferedImage.TYPE_INT_RGB), "png")))
                .isInstanceOf(PictureRejectedException.class).hasMessageContaining("at most 100 pixels a side");
    }

    @Test
    void fileOverTheByteLimit_isRefusedBeforeReadingItAll(@TempDir Path dir) throws IOException {
        PictureDecoder small = new PictureDecoder(1000, 40_000_000, 16_384);
        byte[] png = write(noise(64, 64), "png");
        assertThat(png.length).isGreaterThan(1000);
        Path file = Files.write(dir.resolve("big.png"), png);
        assertThatThrownBy(() -> small.read(file)).isInstanceOf(PictureRejectedException.class)
                .hasMessageContaining("up to 1 KB");
        CountingStream stream = new CountingStream(png);
        assertThatThrownBy(() -> small.decode(stream)).isInstanceOf(PictureRejectedException.class)
                .hasMessageContaining("larger than 1 KB");
        assertThat(stream.read).isEqualTo(1001);
    }

    @Test
    void zeroByteFile_isRefused() {
        assertThatThrownBy(() -> decoder.decode(new byte[0])).isInstanceOf(PictureRejectedException.class)
                .hasMessageContaining("the file is empty").hasMessageContaining(ACCEPTED);
    }

    @Test
    void truncatedPng_isRefused() throws IOException {
        byte[] png = write(noise(64, 64), "png");
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> decoder.decode(cut)).isInstanceOf(PictureRejectedException.class)
                .hasMessageContaining("PNG file is damaged or incomplete").hasMessageContaining(ACCEPTED);
    }

    @Test
    void truncatedJpeg_isRefused() throws IOException {
        byte[] jpeg = write(noise(64, 64), "jpeg");
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);
        assertThatThrownBy(() -> decoder.decode(cut)).isInstanceOf(PictureRejectedException.class)
                .hasMessageContaining("JPEG file is damaged or incomplete").hasMessageContaining(ACCEPTED);
    }

    @Test
    void truncatedWebp_isRefused() throws IOException {
        byte[] webp = Files.readAllBytes(INPUTS.resolve("exif-6-lossless.webp"));
        byte[] cut = Arrays.copyOf(webp, webp.length / 2);
        assertThatThrownBy(() -> decoder.decode(cut)).isInstanceOf(PictureRejectedException.class)
                .hasMessageContaining("WEBP file is damaged or incomplete").hasMessageContaining(ACCEPTED);
    }

    @Test
    void gif_isRefusedByItsContentWhateverItsName() throws IOException {
        byte[] gif = write(colourful(8, 8, BufferedImage.TYPE_INT_RGB), "gif");
        assertThatThrownBy(() -> decoder.decode(gif)).isInstanceOf(PictureRejectedException.class)
                .hasMessageContaining("this file is a GIF, which is not accepted").hasMessageContaining(ACCEPTED);
    }

    @Test
    void svg_isRefused() {
        byte[] svg = ("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
                + "<rect width=\"10\" height=\"10\"/></svg>").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decoder.decode(svg)).isInstanceOf(PictureRejectedException.class)
                .hasMessageContaining("an SVG drawing, which is not accepted").hasMessageContaining(ACCEPTED);
    }

    @Test
    void corruptPng_isRefused() {
        byte[] corrupt = new byte[2000];
        new Random(1).nextBytes(corrupt);
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, corrupt, 0, 8);
        assertThatThrownBy(() -> decoder.decode(corrupt)).isInstanceOf(PictureRejectedException.class)
                .hasMessageContaining("PNG file is damaged or incomplete").hasMessageContaining(ACCEPTED);
    }

    @Test
    void corruptJpeg_isRefused() {
        byte[] corrupt = new byte[2000];
        new Random(2).nextBytes(corrupt);
        corrupt[0] = (byte) 0xff;
        corrupt[1] = (byte) 0xd8;
        corrupt[2] = (byte) 0xff;
        assertThatThrownBy(() -> decoder.decode(corrupt)).isInstanceOf(PictureRejectedException.class)
                .hasMessageContaining("JPEG file is damaged or incomplete").hasMessageContaining(ACCEPTED);
    }

    @Test
    void randomBytes_areRefusedAsNotAPicture() {
        byte[] junk = "just some text, not a picture".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decoder.decode(junk)).isInstanceOf(PictureRejectedException.class)
                .hasMessageContaining("not a picture Imagine can read").hasMessageContaining(ACCEPTED);
    }

    // ---- helpers

    private static BufferedImage colourful(int w, int h, int type) {
        BufferedImage image = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | ((x + y) * 7 & 0xff));
            }
        }
        return image;
    }

    private static BufferedImage noise(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(3);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static byte[] write(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).as("a writer for " + format).isTrue();
        return out.toByteArray();
    }

    private static double meanDifference(Picture a, Picture b) {
        byte[] x = a.rgb();
        byte[] y = b.rgb();
        long sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += Math.abs((x[i] & 0xff) - (y[i] & 0xff));
        }
        return (double) sum / x.length;
    }

    /** A JPEG with an APP1 Exif segment (big-endian TIFF, one IFD entry: Orientation) right after SOI. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, 0,
            0, 0, 0};
        int length = 2 + 6 + tiff.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xff);
        out.write(0xe1);
        out.write(length >> 8);
        out.write(length & 0xff);
        out.writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** A PNG whose header claims {@code w x h} pixels, followed by {@code dataBytes} of random IDAT data. */
    static byte[] pngWithHeader(int w, int h, int dataBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, w);
        putInt(ihdr, 4, h);
        ihdr[8] = 8;
        ihdr[9] = 2;
        chunk(out, "IHDR", ihdr);
        byte[] data = new byte[dataBytes];
        new Random(4).nextBytes(data);
        chunk(out, "IDAT", data);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] length = new byte[4];
        putInt(length, 0, data.length);
        out.writeBytes(length);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        byte[] sum = new byte[4];
        putInt(sum, 0, (int) crc.getValue());
        out.writeBytes(sum);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Counts the bytes read, to prove the decoder stops after the limit. */
    private static final class CountingStream extends ByteArrayInputStream {
        int read;

        CountingStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            read += Math.max(n, 0);
            return n;
        }

        @Override
        public synchronized int read() {
            int n = super.read();
            read += n >= 0 ? 1 : 0;
            return n;
        }
    }
}
