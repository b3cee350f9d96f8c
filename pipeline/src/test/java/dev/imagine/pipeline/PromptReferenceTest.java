package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.pipeline.ReferenceImagesTest.Difference;
import dev.imagine.pipeline.image.GenerationParameters;
import dev.imagine.pipeline.image.PngText;
import dev.imagine.pipeline.model.JsonFiles;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.prompt.A1111PromptParser;
import dev.imagine.pipeline.prompt.PromptPart;
import dev.imagine.pipeline.prompt.PromptReader;
import dev.imagine.pipeline.text.TextEncoder;
import dev.imagine.pipeline.tokenizer.ClipTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Prompts in AUTOMATIC1111's syntax against the Python reference (tools/reference/make_fixtures.py, part prompts,
 * whose prompt_syntax.py implements the same rules independently): the parsed runs and the chunks (ids and
 * weights) are equal, the weighted, concatenated hidden states of the text encoder agree within float tolerance,
 * and diffusers' pipeline given those hidden states draws the pictures this pipeline draws from the prompt text
 * (at most 2 levels on any pixel, 0.1 on average).
 *
 * <p>The reference text encoder ({@code prompts/text_encoder}) is the tiny one with its final layer norm scaled,
 * so that its hidden states do not average to zero (as the real CLIP's do not) and so that the tiny UNet's picture
 * follows the weights; the image cases run the tiny models with that text encoder in place.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PromptReferenceTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PromptReferenceTest.class);
    static final Path REFERENCE = ReferenceImagesTest.REFERENCE;
    static final Path PROMPTS = REFERENCE.resolve("prompts");
    /** torch against ONNX Runtime on this encoder is about 2e-5 (tools/reference/last-run-prompts.txt). */
    static final float HIDDEN_TOLERANCE = 1e-4f;

    record ChunkJson(int[] ids, double[] weights) {
    }

    record EncodingCase(String id, String model, String prompt, JsonNode parts, int content_tokens,
                        List<ChunkJson> chunks, String hidden, int[] shape) {
        @Override
        public String toString() {
            return id;
        }
    }

    record ImageCase(String id, String model, String prompt, long seed, int steps, float guidance, int width,
                     int height, List<String> images, String encoding) {
        @Override
        public String toString() {
            return id;
        }
    }

    private final Map<String, ClipTokenizer> tokenizers = new HashMap<>();
    private final Map<String, ImageGenerator> generators = new HashMap<>();
    private TextEncoder textEncoder;
    @TempDir
    static Path models;

    @BeforeAll
    void loadTextEncoder() {
        textEncoder = TextEncoder.load(OrtEnvironment.getEnvironment(), PROMPTS.resolve("text_encoder/model.onnx"),
                SessionSettings.withThreads(2));
    }

    @AfterAll
    void close() {
        textEncoder.close();
        tokenizers.values().forEach(ClipTokenizer::close);
        generators.values().forEach(ImageGenerator::close);
    }

    static Stream<EncodingCase> encodingCases() throws IOException {
        return JsonFiles.read(PROMPTS.resolve("cases.json"), new TypeReference<List<EncodingCase>>() { }).stream();
    }

    static Stream<ImageCase> imageCases() throws IOException {
        return JsonFiles.read(PROMPTS.resolve("images.json"), new TypeReference<List<ImageCase>>() { }).stream();
    }

    private ClipTokenizer tokenizer(String model) {
        return tokenizers.computeIfAbsent(model, m -> ClipTokenizer.load(REFERENCE.resolve(m).resolve("tokenizer")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodingCases")
    void parse_givesTheReferenceRuns(EncodingCase c) {
        List<PromptPart> expected = new ArrayList<>();
        for (JsonNode part : c.parts()) {
            expected.add(part.isTextual() ? PromptPart.BREAK
                    : new PromptPart.Text(part.get(0).textValue(), part.get(1).doubleValue()));
        }

        assertThat(A1111PromptParser.parse(c.prompt())).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodingCases")
    void read_givesTheReferenceChunks(EncodingCase c) {
        TokenizedPrompt read = new PromptReader(tokenizer(c.model())).read(c.prompt(), PromptSyntax.A1111);

        List<PromptChunk> expected = c.chunks().stream().map(PromptReferenceTest::toChunk).toList();
        assertThat(read.chunks()).containsExactlyElementsOf(expected);
        assertThat(read.contentTokens()).isEqualTo(c.content_tokens());
        assertThat(read.keptTokens()).isEqualTo(c.content_tokens());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodingCases")
    void encode_givesTheReferenceHiddenStates(EncodingCase c) throws IOException {
        TokenizedPrompt read = new PromptReader(tokenizer(c.model())).read(c.prompt(), PromptSyntax.A1111);

        float[] hidden = textEncoder.encode(read);

        float[] expected = readFloats(REFERENCE.resolve(c.hidden()));
        assertThat(hidden).hasSize(c.shape()[0] * c.shape()[1] * c.shape()[2]).hasSameSizeAs(expected);
        float max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(hidden[i] - expected[i]));
        }
        LOG.info("{}: {} chunks, hidden states within {}", c.id(), read.chunks().size(), max);
        assertThat(max).as("%s: largest difference from the reference hidden states", c.id())
                .isLessThanOrEqualTo(HIDDEN_TOLERANCE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("imageCases")
    void generate_weightedPrompt_reproducesTheDiffusersImage(ImageCase c) throws IOException {
        GeneratedImage image = generator(c.model()).generate(new GenerationRequest(c.prompt(), c.seed(), c.steps(),
                c.guidance(), c.width(), c.height(), 1)).images().get(0);

        Difference difference = Difference.between(ImageIO.read(REFERENCE.resolve(c.images().get(0)).toFile()),
                ImageIO.read(new ByteArrayInputStream(image.png())));
        LOG.info("{}: max difference {} levels, mean {}", c.id(), difference.max(),
                String.format(Locale.ROOT, "%.5f", difference.mean()));
        assertThat(difference.max()).as("%s: largest difference", c.id()).isLessThanOrEqualTo(2);
        assertThat(difference.mean()).as("%s: mean difference", c.id()).isLessThanOrEqualTo(0.1);
        GenerationParameters parameters = GenerationParameters.parse(PngText.read(image.png()).get("parameters"));
        assertThat(parameters.prompt()).as("the PNG keeps the prompt as typed, weights and all").isEqualTo(c.prompt());
        assertThat(parameters.promptSyntax()).isEqualTo(PromptSyntax.A1111);
    }

    /** The image comparison can fail: the same words without their weights draw a measurably different picture. */
    @Test
    void generate_samePromptReadAsPlainText_isNotTheWeightedReference() throws IOException {
        ImageCase c = imageCases().filter(i -> i.id().equals("i01-weighted")).findFirst().orElseThrow();

        GeneratedImage plain = generator(c.model()).generate(new GenerationRequest(c.prompt(), c.seed(), c.steps(),
                c.guidance(), c.width(), c.height(), 1).withPromptSyntax(PromptSyntax.PLAIN)).images().get(0);

        Difference difference = Difference.between(ImageIO.read(REFERENCE.resolve(c.images().get(0)).toFile()),
                ImageIO.read(new ByteArrayInputStream(plain.png())));
        assertThat(difference.mean()).isGreaterThan(0.5);
    }

    /** The tiny model of {@code name} with the reference text encoder in place of its own. */
    private ImageGenerator generator(String name) {
        return generators.computeIfAbsent(name, model -> {
            try {
                Path folder = models.resolve(model);
                copyTree(REFERENCE.resolve(model), folder);
                Files.copy(PROMPTS.resolve("text_encoder/model.onnx"), folder.resolve("text_encoder/model.onnx"),
                        StandardCopyOption.REPLACE_EXISTING);
                Files.copy(PROMPTS.resolve("text_encoder/config.json"), folder.resolve("text_encoder/config.json"),
                        StandardCopyOption.REPLACE_EXISTING);
                return ImageGenerator.open(folder, new PipelineOptions(2));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    static PromptChunk toChunk(ChunkJson chunk) {
        float[] weights = new float[chunk.weights().length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) chunk.weights()[i];
        }
        return new PromptChunk(chunk.ids(), weights);
    }

    static float[] readFloats(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }
}
