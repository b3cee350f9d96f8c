package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.model.FakeHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A classifier comes from the hub like the model: fetched, verified, cached; and only the files it reads. The fake
 * repository is laid out as the Transformers.js exports on the hub are (onnx-community/...): PyTorch weights and
 * JSON at the top, the ONNX model and its quantized variants under onnx/.
 */
class ImageClassifierHubTest {
    static final Path TINY = Path.of("src/test/resources/reference/tiny-vit-classifier");

    @TempDir
    Path cache;

    FakeHub hub;
    FakeHub.Repo repo;

    @BeforeEach
    void startHub() throws IOException {
        hub = FakeHub.start();
        repo = hub.repo("someone/nsfw-classifier-ONNX")
                .file("README.md", "# a classifier".getBytes(), false)
                .file("config.json", Files.readAllBytes(TINY.resolve("config.json")), false)
                .file("preprocessor_config.json", Files.readAllBytes(TINY.resolve("preprocessor_config.json")), false)
                .file("model.safetensors", new byte[40_000], true)
                .file("onnx/model.onnx", Files.readAllBytes(TINY.resolve("model.onnx")), true)
                .file("onnx/model_quantized.onnx", new byte[30_000], true)
                .file("onnx/model_fp16.onnx", new byte[20_000], true);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void hubReference_ofAnyRepository_fetchesOnlyTheModelAndItsTwoJsonFiles_andTheClassifierOpensFromThere() {
        ModelStore store = ModelStore.builder().cacheDir(cache).endpoint(hub.endpoint())
                .httpTimeout(Duration.ofSeconds(20)).build();

        Path folder = store.pull(ImageClassifier.hubReference("someone/nsfw-classifier-ONNX"), DownloadListener.NONE);

        assertThat(hub.downloadsOf("model.safetensors")).isEmpty();
        assertThat(hub.downloadsOf("onnx/model_quantized.onnx")).isEmpty();
        assertThat(hub.downloadsOf("onnx/model_fp16.onnx")).isEmpty();
        assertThat(hub.downloadsOf("README.md")).isEmpty();
        assertThat(folder.resolve("onnx/model.onnx")).exists();
        try (ImageClassifier classifier = ImageClassifier.open(folder, new PipelineOptions(1))) {
            assertThat(classifier.labels()).containsExactly("normal", "nsfw");
        }
    }

    @Test
    void hubReference_ofTheDefaultClassifier_keepsItsPinnedCommitAndExactFiles() {
        ModelRef ref = ImageClassifier.hubReference("onnx-community/nsfw_image_detection-ONNX");

        assertThat(ref).isEqualTo(ModelRef.NSFW_CLASSIFIER);
        assertThat(ref.isPinned()).isTrue();
        assertThat(ref.includePatterns()).containsExactly("config.json", "preprocessor_config.json", "onnx/model.onnx");
        assertThat(ImageClassifier.hubReference("onnx-community/nsfw_image_detection-ONNX@main").revision())
                .isEqualTo("main");
        assertThat(ImageClassifier.hubReference("other/classifier@v2"))
                .isEqualTo(new ModelRef("other/classifier", "v2", List.of("config.json", "preprocessor_config.json",
                        "*model.onnx")));
    }
}
