package dev.imagine.pipeline.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.PipelineOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout of a classifier folder, and the errors that say what is wrong with one. */
class ClassifierFolderTest {
    static final Path TINY = ImageClassifierReferenceTest.TINY_CLASSIFIER;
    static final Path NOT_A_CLASSIFIER = ImageClassifierReferenceTest.REFERENCE.resolve("tiny-taesd/vae_decoder/model.onnx");

    @TempDir
    Path dir;

    private Path copyOfTiny() throws IOException {
        for (String file : new String[] {"model.onnx", "config.json", "preprocessor_config.json"}) {
            Files.copy(TINY.resolve(file), dir.resolve(file));
        }
        return dir;
    }

    private void write(String file, String text) throws IOException {
        Files.createDirectories(dir.resolve(file).getParent());
        Files.writeString(dir.resolve(file), text, StandardCharsets.UTF_8);
    }

    @Test
    void open_readsLabelsInIdOrderAndThePreprocessing() {
        ClassifierFolder folder = ClassifierFolder.open(TINY);

        assertThat(folder.labels()).containsExactly("normal", "nsfw");
        assertThat(folder.model().getFileName().toString()).isEqualTo("model.onnx");
        assertThat(folder.preprocessing().width()).isEqualTo(64);
        assertThat(folder.preprocessing().resample()).isEqualTo(PillowResize.Filter.BILINEAR);
        assertThat(folder.preprocessing().rescaleFactor()).isEqualTo(1.0 / 255);
        assertThat(folder.preprocessing().mean()).containsExactly(0.5f, 0.5f, 0.5f);
    }

    @Test
    void open_acceptsTheTransformersJsLayout_withTheModelUnderOnnx() throws IOException {
        copyOfTiny();
        Files.createDirectories(dir.resolve("onnx"));
        Files.move(dir.resolve("model.onnx"), dir.resolve("onnx/model.onnx"));

        ClassifierFolder folder = ClassifierFolder.open(dir);

        assertThat(folder.model()).isEqualTo(dir.resolve("onnx/model.onnx"));
        try (OnnxImageClassifier classifier = OnnxImageClassifier.open(dir, new PipelineOptions(1))) {
            assertThat(classifier.labels()).containsExactly("normal", "nsfw");
        }
    }

    @Test
    void open_ofAnIncompleteFolder_namesEveryMissingFile() throws IOException {
        write("config.json", "{\"id2label\": {\"0\": \"a\"}}");

        assertThatThrownBy(() -> ClassifierFolder.open(dir))
                .isInstanceOf(PipelineException.class)
                .hasMessage("classifier folder " + dir + " is incomplete: missing model.onnx (or onnx/model.onnx), "
                        + "preprocessor_config.json. Expected a Hugging Face image-classification export to ONNX "
                        + "(model.onnx, config.json with id2label, preprocessor_config.json).");
    }

    @Test
    void open_ofAConfigWithoutId2label_saysItIsNotAClassifier() throws IOException {
        copyOfTiny();
        write("config.json", "{\"model_type\": \"vit\"}");

        assertThatThrownBy(() -> ClassifierFolder.open(dir)).hasMessageContaining("has no 'id2label'");
    }

    @Test
    void open_ofId2labelWithAGap_isRefused() throws IOException {
        copyOfTiny();
        write("config.json", "{\"id2label\": {\"0\": \"normal\", \"2\": \"nsfw\"}}");

        assertThatThrownBy(() -> ClassifierFolder.open(dir)).hasMessageContaining("'id2label' must map 0..1");
    }

    @Test
    void preprocessing_withAStepItDoesNotDo_isRefusedNamingTheStep() {
        assertThatThrownBy(() -> ImagePreprocessing.fromJson(Map.of("do_center_crop", true), "p.json"))
                .hasMessageStartingWith("p.json: 'do_center_crop' is true, a step this classifier runner does not do");
        assertThatThrownBy(() -> ImagePreprocessing.fromJson(Map.of("size", Map.of("shortest_edge", 224.0)), "p.json"))
                .hasMessageContaining("resizing by the shorter or longer edge is not supported");
        assertThatThrownBy(() -> ImagePreprocessing.fromJson(Map.of("resample", 0.0), "p.json"))
                .hasMessageContaining("resample 0 is not supported");
    }

    @Test
    void preprocessing_withoutKeys_takesViTImageProcessorsDefaults_andASingleSizeMeansASquare() {
        ImagePreprocessing defaults = ImagePreprocessing.fromJson(Map.of(), "p.json");
        ImagePreprocessing square = ImagePreprocessing.fromJson(Map.of("size", 384.0, "image_mean", 0.25), "p.json");

        assertThat(defaults).isEqualTo(new ImagePreprocessing(224, 224, PillowResize.Filter.BILINEAR, true, 1.0 / 255,
                true, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}));
        assertThat(square.width()).isEqualTo(384);
        assertThat(square.height()).isEqualTo(384);
        assertThat(square.mean()).containsExactly(0.25f, 0.25f, 0.25f);
    }

    @Test
    void open_ofAModelWithoutPixelValues_namesTheInputItHas() throws IOException {
        copyOfTiny();
        Files.copy(NOT_A_CLASSIFIER, dir.resolve("model.onnx"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> OnnxImageClassifier.open(dir, new PipelineOptions(1)))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("has no input named 'pixel_values' (it has [latent_sample])");
    }

    @Test
    void open_whenConfigNamesMoreLabelsThanTheModelHasLogits_failsAtOnceNamingBoth() throws IOException {
        copyOfTiny();
        write("config.json", "{\"id2label\": {\"0\": \"drawing\", \"1\": \"neutral\", \"2\": \"porn\"}}");

        assertThatThrownBy(() -> OnnxImageClassifier.open(dir, new PipelineOptions(1)))
                .hasMessageEndingWith("gave 2 logits but config.json names 3 labels [drawing, neutral, porn]");
    }

    @Test
    void classifyPng_ofBytesThatAreNoPicture_saysSo() {
        try (OnnxImageClassifier classifier = OnnxImageClassifier.open(TINY, new PipelineOptions(1))) {
            assertThatThrownBy(() -> classifier.classifyPng(new byte[] {1, 2, 3}))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageStartingWith("the picture is not a PNG");
            assertThatThrownBy(() -> classifier.classify(new byte[10], 2, 2))
                    .hasMessage("a 2x2 RGB picture has 12 bytes, got 10");
        }
    }
}
