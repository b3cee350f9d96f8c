package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.imagine.pipeline.image.GenerationParameters;
import dev.imagine.pipeline.image.PillowBlur;
import dev.imagine.pipeline.image.PngText;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every picture diffusers' {@code StableDiffusionInpaintPipeline} drew with the small random-weight 4-channel LCM UNet
 * and {@code LCMScheduler} (tools/reference, {@code --only inpaint}), the source then pasted back with diffusers'
 * {@code apply_overlay} through A1111's {@code min(255, 2 * blurred mask)}, is reproduced from the ONNX export: at
 * most 2 levels on any channel of any pixel, at most 0.1 on average; where the feathered mask is 0 the result is the
 * source to the bit. Masks: a centred ellipse, an edge, a feathered blob (grey values on both sides of 128), a
 * coloured mask at half the picture's size; strengths 0.5, 0.6, 0.75 and 1.0; zoom out 1.5x and 2x, pan right and up,
 * whose canvas and mask Imagine prepares equal, byte for byte, to the ones the script prepared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InpaintReferenceTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InpaintReferenceTest.class);
    static final Path REFERENCE = Path.of("src/test/resources/reference");
    static final Path INPAINT = REFERENCE.resolve("inpaint");

    record Case(String id, String model, String prompt, long seed, int steps, double strength, float guidance,
                int mask_blur, int width, int height, int count, String source, String mask, String outpaint,
                String canvas, List<Integer> padding, List<String> images, List<Integer> timesteps) {
        @Override
        public String toString() {
            return id;
        }
    }

    private ImageGenerator generator;

    static Stream<Case> cases() throws IOException {
        List<Case> cases = new Gson().fromJson(Files.readString(INPAINT.resolve("cases.json")),
                new TypeToken<List<Case>>() { }.getType());
        return cases.stream();
    }

    @BeforeAll
    void open() {
        generator = ImageGenerator.open(REFERENCE.resolve("tiny-lcm"), new PipelineOptions(2));
    }

    @AfterAll
    void close() {
        generator.close();
    }

    /** The request as Imagine's command line makes it from the case's files. */
    private GenerationRequest request(Case c) {
        Picture decoded = PictureDecoder.DEFAULT.read(REFERENCE.resolve(c.source()));
        Picture source = generator.prepareSource(decoded, null, null);
        GenerationRequest base = new GenerationRequest(c.prompt(), c.seed(), c.steps(), c.guidance(), 256, 256,
                c.count());
        if (c.outpaint() == null) {
            Picture maskPicture = PictureDecoder.DEFAULT.readMask(INPAINT.resolve(c.mask()));
            Mask mask = Mask.fit(maskPicture, decoded, source.width(), source.height());
            return base.withMask(source, mask, c.mask_blur(), c.strength());
        }
        assertThat(generator.sizeStep()).as("the tiny UNet halves the latent once").isEqualTo(16);
        Outpaint.Canvas canvas = Outpaint.prepare(source, Outpaint.Mode.parse(c.outpaint()), generator.sizeStep(),
                GenerationRequest.MAX_SIZE);
        assertThat(canvas.picture().rgb()).as("the canvas").isEqualTo(
                PictureDecoder.DEFAULT.read(INPAINT.resolve(c.canvas())).rgb());
        assertThat(canvas.mask().grey()).as("the outpaint mask").isEqualTo(
                Mask.of(PictureDecoder.DEFAULT.read(INPAINT.resolve(c.mask()))).grey());
        Outpaint outpaint = canvas.outpaint();
        assertThat(List.of(outpaint.left(), outpaint.top(), outpaint.right(), outpaint.bottom()))
                .isEqualTo(c.padding());
        return base.withOutpaint(canvas, c.strength(), c.mask_blur());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void inpainting_reproducesTheDiffusersPicture_andKeepsTheSourceOutsideTheMask(Case c) throws IOException {
        GenerationRequest request = request(c);
        assertThat(request.isInpainting()).isTrue();
        assertThat(request.width()).isEqualTo(c.width());
        assertThat(request.height()).isEqualTo(c.height());
        assertThat(request.denoisingSteps()).as("steps run").isEqualTo(c.timesteps().size());

        GenerationResult result = generator.generate(request);

        byte[] keep = keptPixels(request);
        byte[] source = request.source().rgb();
        assertThat(result.images()).hasSize(c.images().size());
        for (int i = 0; i < c.images().size(); i++) {
            GeneratedImage actual = result.images().get(i);
            BufferedImage expected = ImageIO.read(INPAINT.resolve(c.images().get(i)).toFile());
            BufferedImage got = ImageIO.read(new ByteArrayInputStream(actual.png()));
            ReferenceImagesTest.Difference difference = ReferenceImagesTest.Difference.between(expected, got);
            LOG.info("{} image {}: max difference {} levels, mean {}", c.id(), i, difference.max(),
                    String.format(Locale.ROOT, "%.5f", difference.mean()));
            assertThat(difference.max()).as("%s image %d: largest difference (mean %.4f)", c.id(), i,
                    difference.mean()).isLessThanOrEqualTo(2);
            assertThat(difference.mean()).as("%s image %d: mean difference", c.id(), i).isLessThanOrEqualTo(0.1);
            byte[] rgb = PictureDecoder.DEFAULT.decode(actual.png()).rgb();
            int kept = 0;
            for (int p = 0; p < keep.length; p++) {
                if (keep[p] == 1) {
                    kept++;
                    for (int ch = 0; ch < 3; ch++) {
                        assertThat(rgb[p * 3 + ch]).as("%s pixel %d kept", c.id(), p).isEqualTo(source[p * 3 + ch]);
                    }
                }
            }
            assertThat(kept).as("some pixels are kept").isPositive();
            GenerationParameters parameters = GenerationParameters.parse(PngText.read(actual.png()).get("parameters"));
            assertThat(parameters.seed()).isEqualTo(c.seed() + i);
            assertThat(parameters.extra())
                    .containsEntry("Denoising strength", Double.toString(c.strength()))
                    .containsEntry("Mask blur", Integer.toString(c.mask_blur()))
                    .containsEntry("Mask hash", request.inpainting().mask().pixelHash().substring(0, 16))
                    .containsEntry("Init image hash", request.source().pixelHash().substring(0, 16));
            if (c.outpaint() != null) {
                assertThat(parameters.extra()).containsEntry("Outpaint", c.outpaint())
                        .containsEntry("Masked content", "fill");
            }
        }
    }

    /** 1 where the feathered mask is 0: the pixels the paste gives back exactly. */
    static byte[] keptPixels(GenerationRequest request) {
        Inpainting inpainting = request.inpainting();
        byte[] grey = inpainting.mask().grey();
        byte[] binary = new byte[grey.length];
        for (int p = 0; p < grey.length; p++) {
            binary[p] = (byte) ((grey[p] & 0xff) >= 128 ? 255 : 0);
        }
        byte[] blurred = PillowBlur.gaussian(binary, request.width(), request.height(), 1, inpainting.maskBlur());
        byte[] keep = new byte[grey.length];
        for (int p = 0; p < keep.length; p++) {
            keep[p] = (byte) (blurred[p] == 0 ? 1 : 0);
        }
        return keep;
    }
}
