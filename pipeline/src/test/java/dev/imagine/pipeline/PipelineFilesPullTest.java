package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.pipeline.ModelStoreException.Reason;
import dev.imagine.pipeline.VerifyReport.Status;
import dev.imagine.pipeline.model.FakeHub;
import dev.imagine.pipeline.vae.DecoderFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models pull owner/name} of a repository that holds PyTorch, Flax and TensorFlow weights beside its ONNX
 * export (as most Stable Diffusion repositories do): only what the pipeline reads is requested, and the folder is
 * enough to draw.
 */
class PipelineFilesPullTest {
    static final Path TINY = Path.of("src/test/resources/reference/tiny-lcm");
    static final Path TINY_TAESD = Path.of("src/test/resources/reference/tiny-taesd");
    static final Path SCATTERED = Path.of("src/test/resources/model/scattered-external-data");
    static final String REPO = "test-org/mixed-sd";

    /** What the pipeline reads of the tiny model's optimum ONNX layout. */
    static final List<String> PIPELINE_FILES = List.of("model_index.json", "scheduler/scheduler_config.json",
            "tokenizer/merges.txt", "tokenizer/special_tokens_map.json", "tokenizer/tokenizer_config.json",
            "tokenizer/vocab.json", "text_encoder/config.json", "text_encoder/model.onnx", "unet/config.json",
            "unet/model.onnx", "unet/model.onnx_data", "vae_decoder/config.json", "vae_decoder/model.onnx",
            "vae_encoder/config.json", "vae_encoder/model.onnx");
    /** What a typical Stable Diffusion repository also holds, none of which the pipeline reads. */
    static final List<String> OTHER_FILES = List.of(".gitattributes", "README.md", "images/sample.png",
            "lcm_dreamshaper_v7.ckpt", "model.pt", "feature_extractor/preprocessor_config.json",
            "safety_checker/model.onnx", "safety_checker/model.safetensors",
            "text_encoder/model.safetensors", "text_encoder/pytorch_model.bin", "text_encoder/tf_model.h5",
            "text_encoder/flax_model.msgpack", "unet/diffusion_pytorch_model.safetensors",
            "unet/diffusion_pytorch_model.fp16.safetensors", "unet/diffusion_pytorch_model.bin",
            "unet/diffusion_flax_model.msgpack", "unet/model_fp16.onnx", "vae/config.json",
            "vae/diffusion_pytorch_model.safetensors");

    @TempDir
    Path cache;

    FakeHub hub;
    FakeHub.Repo repo;

    @BeforeEach
    void startHub() throws IOException {
        hub = FakeHub.start();
        repo = hub.repo(REPO);
        for (String path : PIPELINE_FILES) {
            repo.file(path, Files.readAllBytes(TINY.resolve(path)), path.endsWith(".onnx") || path.endsWith("_data"));
        }
        int seed = 0;
        for (String path : OTHER_FILES) {
            boolean text = path.endsWith(".json") || path.endsWith(".md") || path.startsWith(".");
            repo.file(path, text ? "{}".getBytes(StandardCharsets.UTF_8) : random(20_000, seed++), !text);
        }
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    ModelStore store() {
        return ModelStore.builder().cacheDir(cache).endpoint(hub.endpoint()).httpTimeout(Duration.ofSeconds(20))
                .build();
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private List<String> downloaded() {
        return hub.requests().stream().filter(r -> r.path().startsWith("content:"))
                .map(r -> r.path().substring("content:".length())).toList();
    }

    private static List<String> filesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).map(f -> folder.relativize(f).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    @Test
    void pull_ofAnotherRepository_requestsEachFileThePipelineReadsOnce_andNothingElse() throws IOException {
        Path folder = store().pull(ModelRef.parse(REPO), DownloadListener.NONE);

        assertThat(downloaded()).containsExactlyInAnyOrderElementsOf(PIPELINE_FILES);
        assertThat(filesIn(folder)).containsExactlyElementsOf(PIPELINE_FILES.stream().sorted().toList());
        for (String path : PIPELINE_FILES) {
            assertThat(Files.readAllBytes(folder.resolve(path))).as(path).isEqualTo(repo.get(path).content());
        }
    }

    @Test
    void thePulledFolder_isEnoughForThePipelineToDraw() {
        Path folder = store().pull(ModelRef.parse(REPO), DownloadListener.NONE);

        try (ImageGenerator generator = ImageGenerator.open(folder, new PipelineOptions(2))) {
            GenerationResult result = generator.generate(new GenerationRequest("a fox", 1, 1, 8f, 256, 256, 1));
            assertThat(result.images()).singleElement().satisfies(image -> assertThat(image.width()).isEqualTo(256));
        }
    }

    @Test
    void theManifestListsTheSelectedFiles_verifiesThem_andACompletePinnedPullMakesNoRequest() throws IOException {
        ModelStore store = store();
        Path folder = store.pull(ModelRef.parse(REPO), DownloadListener.NONE);

        assertThat(store.list()).singleElement().satisfies(m -> {
            assertThat(m.files()).isEqualTo(PIPELINE_FILES.size());
            assertThat(m.complete()).isTrue();
        });
        VerifyReport report = store.verify(ModelRef.parse(REPO), false, DownloadListener.NONE);
        assertThat(report.healthy()).isTrue();
        assertThat(report.files()).extracting(VerifyReport.FileCheck::path)
                .containsExactlyInAnyOrderElementsOf(PIPELINE_FILES);
        assertThat(store.cached(ModelRef.parse(REPO))).contains(folder);
        assertThat(store.cached(ModelRef.parse(REPO).withAllFiles())).as("not every file is here").isEmpty();

        Files.write(folder.resolve("unet/model.onnx_data"), new byte[] {1, 2, 3});
        assertThat(store.verifyAll(true, DownloadListener.NONE).problems()).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(Status.REPAIRED));
        hub.clearRequests();

        assertThat(store.pull(ModelRef.parse(REPO + "@" + repo.commit()), DownloadListener.NONE)).isEqualTo(folder);
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void allFiles_takesEveryFileOfTheRevision() throws IOException {
        Path folder = store().pull(ModelRef.parse(REPO).withAllFiles(), DownloadListener.NONE);

        List<String> every = repo.files().stream().map(FakeHub.FakeFile::path).toList();
        assertThat(downloaded()).containsExactlyInAnyOrderElementsOf(every);
        assertThat(filesIn(folder)).containsExactlyInAnyOrderElementsOf(every);
        assertThat(store().cached(ModelRef.parse(REPO))).as("every file covers the pipeline's").contains(folder);
    }

    @Test
    void allFiles_afterAPipelinePull_fetchesOnlyTheRest() {
        store().pull(ModelRef.parse(REPO), DownloadListener.NONE);
        hub.clearRequests();

        store().pull(ModelRef.parse(REPO).withAllFiles(), DownloadListener.NONE);

        assertThat(downloaded()).containsExactlyInAnyOrderElementsOf(OTHER_FILES);
    }

    @Test
    void aRepositoryWithoutAnOnnxExport_isRefusedWithTheExportCommand_beforeAnyDownload() {
        FakeHub.Repo torch = hub.repo("test-org/torch-only")
                .file("model_index.json", "{}".getBytes(StandardCharsets.UTF_8), false)
                .file("unet/diffusion_pytorch_model.safetensors", random(1000, 1), true)
                .file("text_encoder/pytorch_model.bin", random(1000, 2), true);

        assertThatThrownBy(() -> store().pull(ModelRef.parse(torch.id()), DownloadListener.NONE))
                .isInstanceOfSatisfying(ModelStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
                .hasMessageContaining("test-org/torch-only@main")
                .hasMessageContaining("is not an ONNX export")
                .hasMessageContaining("unet/diffusion_pytorch_model.safetensors")
                .hasMessageContaining("optimum-cli export onnx --model test-org/torch-only");
        assertThat(downloaded()).isEmpty();
    }

    @Test
    void externalDataFilesOfAnyName_areFoundInTheModel_andOnlyThoseAreFetched() throws IOException {
        FakeHub.Repo scattered = hub.repo("test-org/scattered")
                .file("unet/model.onnx", Files.readAllBytes(SCATTERED.resolve("model.onnx")), true)
                .file("unet/weights/alpha.bin", Files.readAllBytes(SCATTERED.resolve("weights/alpha.bin")), true)
                .file("unet/beta.data", Files.readAllBytes(SCATTERED.resolve("beta.data")), true)
                .file("unet/weights/unused.bin", random(5000, 3), true)
                .file("unet/config.json", "{}".getBytes(StandardCharsets.UTF_8), false);

        ModelStore store = store();
        Path folder = store.pull(ModelRef.parse(scattered.id()), DownloadListener.NONE);

        assertThat(downloaded()).containsExactlyInAnyOrder("unet/model.onnx", "unet/config.json",
                "unet/weights/alpha.bin", "unet/beta.data");
        assertThat(folder.resolve("unet/weights/alpha.bin")).exists();
        assertThat(store.verify(ModelRef.parse(scattered.id()), false, DownloadListener.NONE).files()).hasSize(4);
        assertThat(store.cached(ModelRef.parse(scattered.id()))).contains(folder);
    }

    @Test
    void aModelWhoseExternalDataIsNotInTheRepository_failsNamingTheFile_andIsNotMarkedComplete() throws IOException {
        FakeHub.Repo broken = hub.repo("test-org/broken")
                .file("unet/model.onnx", Files.readAllBytes(SCATTERED.resolve("model.onnx")), true)
                .file("unet/beta.data", Files.readAllBytes(SCATTERED.resolve("beta.data")), true);

        assertThatThrownBy(() -> store().pull(ModelRef.parse(broken.id()), DownloadListener.NONE))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("unet/model.onnx").hasMessageContaining("weights/alpha.bin")
                .hasMessageContaining("does not have");
        assertThat(store().cached(ModelRef.parse(broken.id()))).isEmpty();
    }

    @Test
    void aFastDecoderRepository_getsItsDecoderByTheSameRule() throws IOException {
        FakeHub.Repo taesd = hub.repo("test-org/taesd-like")
                .file(".gitattributes", "*.onnx filter=lfs".getBytes(StandardCharsets.UTF_8), false)
                .file("README.md", "# TAESD".getBytes(StandardCharsets.UTF_8), false)
                .file("taesd_decoder.pth", random(3000, 4), true)
                .file("taesd_decoder.safetensors", random(3000, 5), true)
                .file("vae_decoder/model.onnx", Files.readAllBytes(TINY_TAESD.resolve("vae_decoder/model.onnx")), true)
                .file("vae_decoder/config.json", Files.readAllBytes(TINY_TAESD.resolve("vae_decoder/config.json")),
                        false);

        Path folder = store().pull(ModelRef.parse(taesd.id()), DownloadListener.NONE);

        assertThat(downloaded()).containsExactlyInAnyOrder("vae_decoder/model.onnx", "vae_decoder/config.json");
        assertThat(DecoderFolder.locate(folder).model()).isEqualTo(folder.resolve("vae_decoder/model.onnx"));
    }
}
