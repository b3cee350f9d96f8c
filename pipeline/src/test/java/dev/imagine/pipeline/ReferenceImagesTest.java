package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.pipeline.image.GenerationParameters;
import dev.imagine.pipeline.image.PngText;
import dev.imagine.pipeline.model.JsonFiles;
import dev.imagine.pipeline.prompt.A1111PromptParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The proof that matters most: every image diffusers' {@code LatentConsistencyModelPipeline} made from the small
 * random-weight model (tools/reference/make_fixtures.py) is reproduced by this pipeline from the ONNX export of
 * the same weights: at most 2 levels of difference on any channel of any pixel, at most 0.1 on average.
 *
 * <p>diffusers reads prompts as plain text cut after 75 tokens. A prompt without weight syntax and within 75 tokens
 * reads the same in Imagine's default syntax (A1111), so those cases run with the default; the others (a long
 * prompt, one with "(masterpiece:1.2)" in it) with {@link PromptSyntax#PLAIN}, which is how a seed is checked
 * against diffusers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferenceImagesTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReferenceImagesTest.class);
    static final Path REFERENCE = Path.of("src/test/resources/reference");

    record Case(String id, String model, String prompt, long seed, int steps, float guidance, int width, int height,
                int count, List<String> images) {
        @Override
        public String toString() {
            return id;
        }
    }

    private final Map<String, ImageGenerator> generators = new HashMap<>();

    static Stream<Case> cases() throws IOException {
        return Stream.of(JsonFiles.read(REFERENCE.resolve("cases.json"), Case[].class));
    }

    private ImageGenerator generator(String model) {
        return generators.computeIfAbsent(model,
                name -> ImageGenerator.open(REFERENCE.resolve(name), new PipelineOptions(2)));
    }

    @AfterAll
    void closeGenerators() {
        generators.values().forEach(ImageGenerator::close);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void generate_reproducesTheDiffusersImage(Case c) throws IOException {
        if (c.prompt().isBlank()) {
            // diffusers draws an empty prompt; Imagine refuses it on purpose and says what to do instead.
            assertThatThrownBy(() -> new GenerationRequest(c.prompt(), c.seed(), c.steps(), c.guidance(), c.width(),
                    c.height(), c.count())).isInstanceOf(PipelineException.class).hasMessageContaining("prompt is empty");
            return;
        }
        ImageGenerator generator = generator(c.model());
        PromptSyntax syntax = A1111PromptParser.hasNoSyntax(c.prompt())
                && !generator.tokenize(c.prompt(), PromptSyntax.PLAIN).truncated() ? PromptSyntax.A1111 : PromptSyntax.PLAIN;
        GenerationResult result = generator.generate(new GenerationRequest(c.prompt(), c.seed(),
                c.steps(), c.guidance(), c.width(), c.height(), c.count()).withPromptSyntax(syntax));

        assertThat(result.images()).hasSize(c.images().size());
        for (int i = 0; i < c.images().size(); i++) {
            GeneratedImage actual = result.images().get(i);
            BufferedImage expected = ImageIO.read(REFERENCE.resolve(c.images().get(i)).toFile());
            BufferedImage got = ImageIO.read(new ByteArrayInputStream(actual.png()));
            Difference difference = Difference.between(expected, got);
            LOG.info("{} image {}: max difference {} levels, mean {}", c.id(), i, difference.max(),
                    String.format(java.util.Locale.ROOT, "%.5f", difference.mean()));
            assertThat(difference.max()).as("%s image %d: largest difference (mean %.4f)", c.id(), i,
                    difference.mean()).isLessThanOrEqualTo(2);
            assertThat(difference.mean()).as("%s image %d: mean difference", c.id(), i).isLessThanOrEqualTo(0.1);
            GenerationParameters parameters = GenerationParameters.parse(PngText.read(actual.png()).get("parameters"));
            assertThat(parameters.seed()).isEqualTo(c.seed() + i);
            assertThat(parameters.prompt()).isEqualTo(c.prompt());
            assertThat(parameters.promptSyntax()).isEqualTo(syntax);
        }
    }

    /** Per-channel absolute differences of two same-sized RGB images. */
    record Difference(int max, double mean) {
        static Difference between(BufferedImage expected, BufferedImage actual) {
            assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
            assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
            int max = 0;
            long sum = 0;
            for (int y = 0; y < expected.getHeight(); y++) {
                for (int x = 0; x < expected.getWidth(); x++) {
                    int a = expected.getRGB(x, y);
                    int b = actual.getRGB(x, y);
                    for (int shift = 0; shift <= 16; shift += 8) {
                        int d = Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff));
                        max = Math.max(max, d);
                        sum += d;
                    }
                }
            }
            return new Difference(max, sum / (3.0 * expected.getWidth() * expected.getHeight()));
        }
    }
}
