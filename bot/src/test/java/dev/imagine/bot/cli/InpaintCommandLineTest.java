package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.Main;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.bot.testing.StandardStreams;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate --image FILE --mask MASK.png} and {@code generate --image FILE --outpaint MODE}, driven in-process
 * with the small fixture model and compared with diffusers' pictures (tools/reference {@code --only inpaint}).
 */
class InpaintCommandLineTest {
    static final Path TINY_MODEL = CommandLineTest.TINY_MODEL;
    static final Path REFERENCE = Path.of("../pipeline/src/test/resources/reference").toAbsolutePath();
    static final Path SQUARE = REFERENCE.resolve("img2img/sources/square-256.png");
    static final Path INPAINT = REFERENCE.resolve("inpaint");

    @TempDir
    Path dir;

    @RegisterExtension
    final StandardStreams streams = new StandardStreams();

    private String stderr() {
        return streams.err();
    }

    private static Map<String, String> parameters(Path png) throws IOException {
        return Pngs.settingsOf(Pngs.parametersOf(png));
    }

    private Path greyMask(String name, int w, int h, int value) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.getRaster().setSample(x, y, 0, value);
            }
        }
        Path file = dir.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void generateMask_redrawsTheWhitePartAsDiffusers_andKeepsThePicturesSize() throws IOException {
        // case n01 of the inpaint reference: the centred ellipse, strength 1.0 (the default), no mask blur
        Path output = dir.resolve("astronaut.png");

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--image", SQUARE.toString(), "--mask",
                INPAINT.resolve("masks/centre-256.png").toString(), "--mask-blur", "0", "--prompt",
                "a photograph of an astronaut riding a horse", "--seed", "0", "--steps", "4", "--guidance", "8.5",
                "--output", output.toString());

        assertThat(exit).as(stderr()).isZero();
        BufferedImage got = ImageIO.read(output.toFile());
        assertThat(got.getWidth()).isEqualTo(256);
        assertThat(maxDifference(ImageIO.read(INPAINT.resolve("images/n01-centre-s10-0.png")
                .toFile()), got)).isLessThanOrEqualTo(2);
        assertThat(parameters(output)).containsEntry("Denoising strength", "1.0").containsEntry("Mask blur", "0")
                .containsKey("Mask hash").containsKey("Init image hash");
    }

    @Test
    void generateOutpaintRight_growsTheCanvas_andDrawsTheStripAsDiffusers() throws IOException {
        // case o03: pan right from 256x256 to 384x256 with the defaults (strength 0.8, mask blur 8)
        Path output = dir.resolve("road.png");

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--image", SQUARE.toString(),
                "--outpaint", "right", "--prompt", "a mountain road", "--seed", "7", "--steps", "4", "--guidance", "8",
                "--output", output.toString());

        assertThat(exit).as(stderr()).isZero();
        assertThat(stderr()).contains("right: the 256x256 picture on a 384x256 canvas, new area left 0 top 0 right"
                + " 128 bottom 0").contains("step 3/3");
        BufferedImage got = ImageIO.read(output.toFile());
        assertThat(maxDifference(ImageIO.read(INPAINT.resolve("images/o03-right-0.png")
                .toFile()), got)).isLessThanOrEqualTo(2);
        assertThat(parameters(output)).containsEntry("Outpaint", "right").containsEntry("Mask blur", "8")
                .containsEntry("Denoising strength", "0.8").containsEntry("Masked content", "fill")
                .containsEntry("Outpaint padding", "left 0 top 0 right 128 bottom 0");
    }

    @Test
    void generateOutpaintZoom2_keepsTheSize() throws IOException {
        Path output = dir.resolve("castle.png");

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--image", SQUARE.toString(),
                "--outpaint", "zoom-2", "--prompt", "a castle on a hill", "--seed", "5", "--steps", "4",
                "--output", output.toString());

        assertThat(exit).as(stderr()).isZero();
        assertThat(maxDifference(ImageIO.read(INPAINT.resolve("images/o01-zoom-2-0.png")
                .toFile()), ImageIO.read(output.toFile()))).isLessThanOrEqualTo(2);
    }

    @Test
    void blackMask_isRefusedBeforeTheModelLoads_nothingToRedraw() throws IOException {
        Path mask = greyMask("black.png", 256, 256, 127);

        int exit = Main.run("generate", "--model", dir.resolve("no-model").toString(), "--image", SQUARE.toString(),
                "--mask", mask.toString(), "--prompt", "a boat", "--output", dir.resolve("x.png").toString());

        assertThat(exit).isNotZero();
        assertThat(stderr()).contains("is black everywhere (no pixel reaches grey 128), so there is nothing to redraw")
                .doesNotContain("model folder");
    }

    @Test
    void whiteMask_isImageToImageAtThatStrength_andSaysSo() throws IOException {
        Path mask = greyMask("white.png", 128, 128, 255); // half the size, same proportions: scaled
        Path masked = dir.resolve("masked.png");
        Path plain = dir.resolve("plain.png");

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--image", SQUARE.toString(), "--mask",
                mask.toString(), "--strength", "0.5", "--prompt", "a boat", "--seed", "3", "--steps", "2",
                "--output", masked.toString());
        assertThat(exit).as(stderr()).isZero();
        assertThat(stderr()).contains("the mask is white everywhere: the whole picture is redrawn, as image to image"
                + " at strength 0.5");
        assertThat(Main.run("generate", "--model", TINY_MODEL.toString(), "--image", SQUARE.toString(),
                "--strength", "0.5", "--prompt", "a boat", "--seed", "3", "--steps", "2", "--output",
                plain.toString())).isZero();

        assertThat(Files.readAllBytes(masked)).isEqualTo(Files.readAllBytes(plain));
    }

    @Test
    void maskOfOtherProportions_isRefused_namingBothSizes() throws IOException {
        Path mask = greyMask("tall.png", 100, 200, 255);

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--image", SQUARE.toString(), "--mask",
                mask.toString(), "--prompt", "a boat", "--output", dir.resolve("x.png").toString());

        assertThat(exit).isNotZero();
        assertThat(stderr()).contains("error: the mask is 100x200 but the picture is 256x256: a mask must have the "
                + "picture's proportions");
    }

    @Test
    void colouredMask_isReadAsGrey() throws IOException {
        Path mask = dir.resolve("green.png");
        BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                image.setRGB(x, y, x < 128 ? 0x00FF00 : 0xFF0000); // luma 150 (redraw) and 76 (keep)
            }
        }
        ImageIO.write(image, "png", mask.toFile());
        Path output = dir.resolve("half.png");

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--image", SQUARE.toString(), "--mask",
                mask.toString(), "--prompt", "a boat", "--seed", "1", "--steps", "1", "--mask-blur", "0",
                "--output", output.toString());

        assertThat(exit).as(stderr()).isZero();
        BufferedImage got = ImageIO.read(output.toFile());
        BufferedImage source = ImageIO.read(SQUARE.toFile());
        assertThat(got.getRGB(200, 100)).as("the red half is kept").isEqualTo(source.getRGB(200, 100));
        assertThat(got.getRGB(20, 100)).as("the green half is redrawn").isNotEqualTo(source.getRGB(20, 100));
    }

    @Test
    void badCombinations_areRefusedSayingWhatToChange() throws IOException {
        Path mask = greyMask("m.png", 256, 256, 255);
        assertThat(Main.run("generate", "--model", TINY_MODEL.toString(), "--prompt", "a boat", "--mask",
                mask.toString())).isNotZero();
        assertThat(stderr()).contains("error: --mask works on a picture: add --image FILE");
        assertThat(Main.run("generate", "--model", TINY_MODEL.toString(), "--prompt", "a boat", "--image",
                SQUARE.toString(), "--mask", mask.toString(), "--outpaint", "left")).isNotZero();
        assertThat(stderr()).contains("error: --mask and --outpaint cannot be combined");
        assertThat(Main.run("generate", "--model", TINY_MODEL.toString(), "--prompt", "a boat", "--image",
                SQUARE.toString(), "--outpaint", "zoom-3")).isNotZero();
        assertThat(stderr()).contains("error: outpaint 'zoom-3' is not known: use zoom-1.5, zoom-2, left, right, up,"
                + " down");
        assertThat(Main.run("generate", "--model", TINY_MODEL.toString(), "--prompt", "a boat", "--image",
                SQUARE.toString(), "--mask-blur", "4")).isNotZero();
        assertThat(stderr()).contains("error: --mask-blur feathers a mask: add --mask MASK.png or --outpaint MODE");
        Path half = dir.resolve("half.png");
        BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < 128; x++) {
            for (int y = 0; y < 256; y++) {
                image.getRaster().setSample(x, y, 0, 255);
            }
        }
        ImageIO.write(image, "png", half.toFile());
        assertThat(Main.run("generate", "--model", TINY_MODEL.toString(), "--prompt", "a boat", "--image",
                SQUARE.toString(), "--mask", half.toString(), "--strength", "0.1", "--steps", "4")).isNotZero();
        assertThat(stderr()).contains("runs int(4 x 0.1) = 0 steps");
    }

    private static int maxDifference(BufferedImage a, BufferedImage b) {
        assertThat(b.getWidth()).isEqualTo(a.getWidth());
        assertThat(b.getHeight()).isEqualTo(a.getHeight());
        int max = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    max = Math.max(max, Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff)));
                }
            }
        }
        return max;
    }
}
