package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.pipeline.ReferenceImagesTest.Difference;
import dev.imagine.pipeline.model.JsonFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast decoder reproduces diffusers: images that {@code LatentConsistencyModelPipeline} made with a small
 * random-weight TAESD ({@code AutoencoderTiny}) as its VAE (tools/reference/make_fixtures.py, part taesd) are
 * made again from the ONNX export of that decoder, within 2 levels on any channel and 0.1 on average.
 */
class FastDecoderReferenceTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FastDecoderReferenceTest.class);
    static final Path REFERENCE = ReferenceImagesTest.REFERENCE;
    static final Path TINY_TAESD = REFERENCE.resolve("tiny-taesd");

    record Case(String id, String model, String prompt, long seed, int steps, float guidance, int width, int height,
                int count, List<String> images) {
        @Override
        public String toString() {
            return id;
        }
    }

    private static ImageGenerator generator;

    @BeforeAll
    static void load() {
        generator = ImageGenerator.open(REFERENCE.resolve("tiny-lcm"), new PipelineOptions(2).withFastDecoder(TINY_TAESD));
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    static Stream<Case> cases() throws IOException {
        return Stream.of(JsonFiles.read(REFERENCE.resolve("taesd/cases.json"), Case[].class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void generateFast_reproducesTheDiffusersTaesdImage(Case c) throws IOException {
        GenerationResult result = generator.generate(new GenerationRequest(c.prompt(), c.seed(), c.steps(),
                c.guidance(), c.width(), c.height(), c.count(), GenerationRequest.Decoder.FAST));

        assertThat(result.images()).hasSize(c.images().size());
        for (int i = 0; i < c.images().size(); i++) {
            Difference difference = Difference.between(read(REFERENCE.resolve(c.images().get(i))),
                    ImageIO.read(new ByteArrayInputStream(result.images().get(i).png())));
            LOG.info("{} image {} (TAESD): max difference {} levels, mean {}", c.id(), i, difference.max(),
                    String.format(java.util.Locale.ROOT, "%.5f", difference.mean()));
            assertThat(difference.max()).as("%s image %d: largest difference (mean %.4f)", c.id(), i,
                    difference.mean()).isLessThanOrEqualTo(2);
            assertThat(difference.mean()).as("%s image %d: mean difference", c.id(), i).isLessThanOrEqualTo(0.1);
        }
    }

    @Test
    void generateFull_onAGeneratorWithAFastDecoder_stillGivesTheFullVaeImage() throws IOException {
        GenerationResult result = generator.generate(new GenerationRequest("a photograph of an astronaut riding a horse",
                0, 4, 8.5f, 256, 256, 1));

        Difference difference = Difference.between(read(REFERENCE.resolve("images/m01-astronaut-0.png")),
                ImageIO.read(new ByteArrayInputStream(result.images().get(0).png())));
        assertThat(difference.max()).isLessThanOrEqualTo(2);
    }

    @Test
    void generateFast_differsFromTheFullDecoderOnTheSameLatents() throws IOException {
        GenerationRequest full = new GenerationRequest("a photograph of an astronaut riding a horse", 0, 4, 8.5f,
                256, 256, 1);
        BufferedImage fullImage = png(generator.generate(full));
        BufferedImage fastImage = png(generator.generate(full.withDecoder(GenerationRequest.Decoder.FAST)));

        assertThat(Difference.between(fullImage, fastImage).mean()).isGreaterThan(20);
    }

    @Test
    void generateFast_withoutAFastDecoder_isRefusedWithWhatToDo() {
        try (ImageGenerator plain = ImageGenerator.open(REFERENCE.resolve("tiny-lcm"), new PipelineOptions(1))) {
            assertThat(plain.hasFastDecoder()).isFalse();
            assertThatThrownBy(() -> plain.generate(GenerationRequest.of("a fox", 1)
                    .withDecoder(GenerationRequest.Decoder.FAST)))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("without one");
        }
        assertThat(generator.hasFastDecoder()).isTrue();
    }

    @Test
    void open_acceptsTheDecoderFolderOrItsModelFile() {
        for (Path given : List.of(TINY_TAESD.resolve("vae_decoder"), TINY_TAESD.resolve("vae_decoder/model.onnx"))) {
            try (ImageGenerator other = ImageGenerator.open(REFERENCE.resolve("tiny-lcm"),
                    new PipelineOptions(1).withFastDecoder(given))) {
                assertThat(other.hasFastDecoder()).as("%s", given).isTrue();
            }
        }
    }

    @Test
    void open_withAFolderWithoutADecoder_namesTheExpectedLayout() {
        assertThatThrownBy(() -> ImageGenerator.open(REFERENCE.resolve("tiny-lcm"),
                new PipelineOptions(1).withFastDecoder(REFERENCE.resolve("images"))))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("vae_decoder/model.onnx");
    }

    private static BufferedImage png(GenerationResult result) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(result.images().get(0).png()));
    }

    private static BufferedImage read(Path file) throws IOException {
        return ImageIO.read(file.toFile());
    }
}
