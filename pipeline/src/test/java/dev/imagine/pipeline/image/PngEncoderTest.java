package dev.imagine.pipeline.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

class PngEncoderTest {

    private static byte[] randomRgb(int width, int height, long seed) {
        byte[] rgb = new byte[width * height * 3];
        Random random = new Random(seed);
        // Smooth gradients plus noise, so that every row filter gets chosen somewhere.
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * 3;
                rgb[i] = (byte) (x * 255 / width);
                rgb[i + 1] = (byte) (y * 255 / height);
                rgb[i + 2] = (byte) random.nextInt(256);
            }
        }
        return rgb;
    }

    @Test
    void encode_writesPixelsThatImageIoDecodesExactly() throws IOException {
        int width = 37;
        int height = 23;
        byte[] rgb = randomRgb(width, height, 1);
        byte[] png = PngEncoder.encode(rgb, width, height, Map.of());

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(width);
        assertThat(image.getHeight()).isEqualTo(height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * 3;
                int expected = ((rgb[i] & 0xff) << 16) | ((rgb[i + 1] & 0xff) << 8) | (rgb[i + 2] & 0xff);
                assertThat(image.getRGB(x, y) & 0xffffff).as("pixel %d,%d", x, y).isEqualTo(expected);
            }
        }
    }

    @Test
    void encode_latin1Text_isATextChunkThatImageIoReads() throws IOException {
        String parameters = "a café at night\nSteps: 4, Sampler: LCM, CFG scale: 8.0, Seed: 7, Size: 8x8";
        byte[] png = PngEncoder.encode(randomRgb(8, 8, 2), 8, 8, Map.of("parameters", parameters));

        assertThat(textChunksSeenByImageIo(png)).containsEntry("tEXt:parameters", parameters);
        assertThat(PngText.read(png)).containsEntry("parameters", parameters);
    }

    @Test
    void encode_nonLatin1Text_isAnUtf8InternationalTextChunk() throws IOException {
        String parameters = "富士山と桜 🌸\nSteps: 4, Sampler: LCM, CFG scale: 8.0, Seed: 7, Size: 8x8";
        byte[] png = PngEncoder.encode(randomRgb(8, 8, 3), 8, 8, Map.of("parameters", parameters));

        assertThat(textChunksSeenByImageIo(png)).containsEntry("iTXt:parameters", parameters);
        assertThat(PngText.read(png)).containsEntry("parameters", parameters);
    }

    @Test
    void encode_rejectsAPixelBufferOfTheWrongSize() {
        assertThatThrownBy(() -> PngEncoder.encode(new byte[10], 2, 2, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 12 bytes");
    }

    @Test
    void encode_filtersRowsSoSmoothImagesCompressWell() {
        int size = 256;
        byte[] gradient = new byte[size * size * 3];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = (y * size + x) * 3;
                gradient[i] = (byte) ((x * 7 + y * 3) & 0xff);
                gradient[i + 1] = (byte) ((x * 5 + y * 11) & 0xff);
                gradient[i + 2] = (byte) ((x + y) & 0xff);
            }
        }
        // Unfiltered, this pattern deflates poorly; with per-row filters the residuals are constant.
        assertThat(PngEncoder.encode(gradient, size, size, Map.of()).length).isLessThan(size * size * 3 / 20);
    }

    @Test
    void withText_replacesTheTextAndCopiesTheImageChunksByteForByte() throws IOException {
        byte[] rgb = randomRgb(16, 9, 4);
        byte[] first = PngEncoder.encode(rgb, 16, 9, Map.of("parameters", "My Private Diary Entry\nSteps: 4"));

        byte[] relabelled = PngEncoder.withText(first, Map.of("parameters", "my   private diary entry\nSteps: 4"));

        assertThat(relabelled).isEqualTo(PngEncoder.encode(rgb, 16, 9,
                Map.of("parameters", "my   private diary entry\nSteps: 4")));
        assertThat(PngText.read(relabelled)).containsExactly(Map.entry("parameters",
                "my   private diary entry\nSteps: 4"));
        assertThat(chunk(relabelled, "IDAT")).isEqualTo(chunk(first, "IDAT"));
        assertThat(new String(relabelled, StandardCharsets.ISO_8859_1)).doesNotContain("My Private");
        assertThat(ImageIO.read(new ByteArrayInputStream(relabelled)).getRGB(3, 2))
                .isEqualTo(ImageIO.read(new ByteArrayInputStream(first)).getRGB(3, 2));
    }

    @Test
    void withText_dropsEveryTextChunkKindAndAnEmptyMapLeavesOnlyThePicture() {
        byte[] rgb = randomRgb(8, 8, 5);
        byte[] latin = PngEncoder.encode(rgb, 8, 8, Map.of("parameters", "latin", "Comment", "富士山"));

        byte[] bare = PngEncoder.withText(latin, Map.of());

        assertThat(PngText.read(latin)).hasSize(2);
        assertThat(PngText.read(bare)).isEmpty();
        assertThat(bare).isEqualTo(PngEncoder.encode(rgb, 8, 8, Map.of()));
        assertThat(chunkTypes(bare)).containsExactly("IHDR", "IDAT", "IEND");
    }

    @Test
    void withText_refusesWhatIsNotAWholePng() {
        byte[] png = PngEncoder.encode(randomRgb(8, 8, 6), 8, 8, Map.of());
        byte[] damaged = png.clone();
        damaged[40] ^= 1;

        assertThatThrownBy(() -> PngEncoder.withText("png:a fox".getBytes(StandardCharsets.UTF_8), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a PNG");
        assertThatThrownBy(() -> PngEncoder.withText(java.util.Arrays.copyOf(png, png.length - 5), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> PngEncoder.withText(damaged, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CRC");
    }

    @Test
    void encode_neverWritesNulOrControlCharactersIntoATextChunk() {
        String prompt = "a\u0000fox\u0007 in\tthe\r\nsnow\rat\u001b[31m night\u0085\u007f";
        for (String value : new String[] {prompt, prompt + " 🌸"}) {
            boolean international = value.endsWith("🌸");
            byte[] png = PngEncoder.encode(randomRgb(8, 8, 7), 8, 8, Map.of("parameters", value));

            byte[] data = chunk(png, international ? "iTXt" : "tEXt");
            // tEXt: keyword NUL text; iTXt: keyword NUL flag method language NUL translated-keyword NUL text.
            int textStart = indexOf(data, (byte) 0) + (international ? 5 : 1);
            byte[] textBytes = java.util.Arrays.copyOfRange(data, textStart, data.length);
            String text = new String(textBytes, international ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            assertThat(indexOf(textBytes, (byte) 0)).as("a NUL in %s", value).isEqualTo(-1);
            assertThat(text.chars().filter(c -> c != '\n' && Character.isISOControl(c))).as(value).isEmpty();
            assertThat(text).startsWith("afox in the\nsnow\nat[31m night");
            assertThat(PngText.read(png).get("parameters")).isEqualTo(text);
        }
    }

    @Test
    void cleanText_keepsLineFeedsAndPrintableTextAndTurnsCrLfAndTabsIntoTheirPlainForms() {
        assertThat(PngEncoder.cleanText("one\r\ntwo\rthree\nfour\tfive é 富")).isEqualTo("one\ntwo\nthree\nfour five é 富");
        assertThat(PngEncoder.cleanText("\u0000\u0001\u001f\u007f\u0080\u009f")).isEmpty();
    }

    @Test
    void encode_refusesAKeywordThePngSpecificationForbids() {
        for (String keyword : new String[] {"", " lead", "trail ", "two  spaces", "nul\u0000", "k".repeat(80)}) {
            assertThatThrownBy(() -> PngEncoder.encode(randomRgb(8, 8, 8), 8, 8, Map.of(keyword, "x")))
                    .as(keyword).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyword");
        }
    }

    /** The data of the first chunk of {@code type}. */
    static byte[] chunk(byte[] png, String type) {
        ByteBuffer buffer = ByteBuffer.wrap(png);
        int offset = 8;
        while (offset < png.length) {
            int length = buffer.getInt(offset);
            if (new String(png, offset + 4, 4, StandardCharsets.ISO_8859_1).equals(type)) {
                return java.util.Arrays.copyOfRange(png, offset + 8, offset + 8 + length);
            }
            offset += length + 12;
        }
        throw new AssertionError("no " + type + " chunk");
    }

    static List<String> chunkTypes(byte[] png) {
        List<String> types = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(png);
        for (int offset = 8; offset < png.length; offset += buffer.getInt(offset) + 12) {
            types.add(new String(png, offset + 4, 4, StandardCharsets.ISO_8859_1));
        }
        return types;
    }

    private static int indexOf(byte[] data, byte value) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** Reads text chunks through ImageIO's own PNG metadata, as an independent decoder. */
    private static Map<String, String> textChunksSeenByImageIo(byte[] png) throws IOException {
        Map<String, String> texts = new LinkedHashMap<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader reader = readers.next();
            reader.setInput(in);
            IIOMetadata metadata = reader.getImageMetadata(0);
            Node root = metadata.getAsTree("javax_imageio_png_1.0");
            for (Node chunk = root.getFirstChild(); chunk != null; chunk = chunk.getNextSibling()) {
                if (chunk.getNodeName().equals("tEXt") || chunk.getNodeName().equals("iTXt")) {
                    for (Node entry = chunk.getFirstChild(); entry != null; entry = entry.getNextSibling()) {
                        NamedNodeMap attributes = entry.getAttributes();
                        String keyword = attributes.getNamedItem("keyword").getNodeValue();
                        Node value = attributes.getNamedItem(chunk.getNodeName().equals("tEXt") ? "value" : "text");
                        texts.put(chunk.getNodeName() + ":" + keyword, value.getNodeValue());
                    }
                }
            }
            reader.dispose();
        }
        return texts;
    }

    @Test
    void cleanText_replacesALoneSurrogate_soTheTextIsValidUtf8() {
        assertThat(PngEncoder.cleanText("fox \uD83E end \uDC00")).isEqualTo("fox \uFFFD end \uFFFD");
        assertThat(PngEncoder.cleanText("🌸 pair")).isEqualTo("🌸 pair");
    }
}
