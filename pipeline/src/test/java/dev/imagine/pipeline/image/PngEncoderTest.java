package dev.imagine.pipeline.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
    void encode_neverWritesNulOrOtherControlCharactersIntoATextChunk() {
        byte[] png = PngEncoder.encode(randomRgb(8, 8, 1), 8, 8,
                Map.of("parameters", "a fox\u0000 in\u001b snow\r\nSteps: 4"));

        assertThat(PngText.read(png)).containsEntry("parameters", "a fox  in  snow\nSteps: 4");
        // Between the keyword's terminating NUL and the end of the chunk there is no other NUL.
        String text = new String(png, java.nio.charset.StandardCharsets.ISO_8859_1);
        int start = text.indexOf("tEXtparameters\u0000") + "tEXtparameters\u0000".length();
        int end = text.indexOf("Steps: 4", start);
        assertThat(text.substring(start, end)).doesNotContain("\u0000").doesNotContain("\u001b")
                .doesNotContain("\r");
    }
}
