package dev.imagine.pipeline.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.imagine.pipeline.ImageClassifier;
import dev.imagine.pipeline.LabelScores;
import dev.imagine.pipeline.PipelineOptions;
import dev.imagine.pipeline.model.JsonFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The classifier reproduces PyTorch: a small random-weight {@code ViTForImageClassification} (labels normal, nsfw)
 * exported to ONNX by optimum, and pictures classified in Python with transformers' {@code ViTImageProcessor} and
 * the torch model (tools/reference/make_fixtures.py, part safety). One picture is the model's own size, the others
 * are shrunk, stretched, or both, square and not.
 */
class ImageClassifierReferenceTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ImageClassifierReferenceTest.class);
    static final Path REFERENCE = Path.of("src/test/resources/reference");
    static final Path TINY_CLASSIFIER = REFERENCE.resolve("tiny-vit-classifier");
    /** torch against ONNX Runtime on this network is about 1.5e-6; a different resampling moves logits by 1e-4. */
    static final float LOGIT_TOLERANCE = 1e-5f;

    record Case(String id, String picture, int width, int height, String pixel_values, int[] pixel_values_shape,
                float[] logits, float[] probabilities) {
        @Override
        public String toString() {
            return id;
        }
    }

    private static OnnxImageClassifier classifier;

    @BeforeAll
    static void load() {
        classifier = OnnxImageClassifier.open(TINY_CLASSIFIER, new PipelineOptions(2));
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    static Stream<Case> cases() throws IOException {
        List<Case> cases = JsonFiles.read(REFERENCE.resolve("safety/cases.json"), new TypeReference<List<Case>>() { });
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pixelValues_areThoseOfTransformersViTImageProcessor(Case c) throws IOException {
        PngPixels picture = PngPixels.decode(Files.readAllBytes(REFERENCE.resolve(c.picture())));
        float[] expected = readFloats(REFERENCE.resolve(c.pixel_values()));

        float[] actual = classifier.pixelValues(picture.rgb(), picture.width(), picture.height());

        assertThat(c.pixel_values_shape()).containsExactly(1, 3, 64, 64);
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (Float.compare(actual[i], expected[i]) != 0) {
                throw new AssertionError(c.id() + ": pixel value " + i + " is " + actual[i] + ", transformers gives "
                        + expected[i]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void classifyPng_givesTheLogitsAndProbabilitiesOfPyTorch(Case c) throws IOException {
        LabelScores scores = classifier.classifyPng(Files.readAllBytes(REFERENCE.resolve(c.picture())));

        assertThat(scores.labels()).containsExactly("normal", "nsfw");
        LOG.info("{}: {} (PyTorch nsfw {}), largest logit difference {}", c.id(), scores, c.probabilities()[1],
                Math.max(Math.abs(scores.logits()[0] - c.logits()[0]), Math.abs(scores.logits()[1] - c.logits()[1])));
        for (int i = 0; i < 2; i++) {
            assertThat(scores.logits()[i]).as("%s logit %d", c.id(), i).isCloseTo(c.logits()[i], within(LOGIT_TOLERANCE));
            assertThat(scores.probabilities()[i]).as("%s probability %d", c.id(), i)
                    .isCloseTo(c.probabilities()[i], within(LOGIT_TOLERANCE));
        }
        assertThat(scores.probability("NSFW")).isEqualTo(scores.probabilities()[1]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void classify_ofTheRgbPixels_equalsClassifyOfThePng(Case c) throws IOException {
        byte[] png = Files.readAllBytes(REFERENCE.resolve(c.picture()));
        PngPixels picture = PngPixels.decode(png);

        assertThat(classifier.classify(picture.rgb(), picture.width(), picture.height()))
                .isEqualTo(classifier.classifyPng(png));
    }

    @Test
    void theReferencePictures_spreadOverBothSidesOfAHalf_soAThresholdTestCanTellThemApart() throws IOException {
        List<Float> nsfw = cases().map(c -> c.probabilities()[1]).toList();

        assertThat(nsfw).anyMatch(p -> p > 0.5f).anyMatch(p -> p < 0.5f);
    }

    @Test
    void open_throughTheApi_readsLabelsAndFolder() {
        try (ImageClassifier api = ImageClassifier.open(TINY_CLASSIFIER, new PipelineOptions(1))) {
            assertThat(api.labels()).containsExactly("normal", "nsfw");
            assertThat(api.folder()).isEqualTo(TINY_CLASSIFIER.toAbsolutePath().normalize());
        }
    }

    static float[] readFloats(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(out);
        return out;
    }
}
