package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of the pipeline around the numbers: determinism, progress, cancellation, model checks. */
class LcmPipelineTest {
    static final Path TINY = ReferenceImagesTest.REFERENCE.resolve("tiny-lcm");
    static final Path TINY_LEGACY = ReferenceImagesTest.REFERENCE.resolve("tiny-lcm-legacy");

    private static ImageGenerator generator;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        generator = ImageGenerator.open(TINY, new PipelineOptions(2));
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    private static GenerationRequest request(long seed, int steps) {
        return new GenerationRequest("a lighthouse at dusk", seed, steps, 8f, 256, 256, 1);
    }

    @Test
    void generate_sameSeed_givesIdenticalPngBytes() {
        byte[] first = generator.generate(request(42, 4)).images().get(0).png();
        byte[] second = generator.generate(request(42, 4)).images().get(0).png();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void generate_otherSeed_givesAnotherPicture() {
        byte[] first = generator.generate(request(42, 2)).images().get(0).png();
        byte[] other = generator.generate(request(43, 2)).images().get(0).png();

        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void generate_batchImage_isTheSameAsGeneratingItsSeedAlone() {
        GenerationResult batch = generator.generate(new GenerationRequest("a boat", 10, 2, 8f, 256, 256, 3));
        GenerationResult alone = generator.generate(new GenerationRequest("a boat", 12, 2, 8f, 256, 256, 1));

        assertThat(batch.images()).extracting(GeneratedImage::seed).containsExactly(10L, 11L, 12L);
        assertThat(batch.images().get(2).png()).isEqualTo(alone.images().get(0).png());
    }

    @Test
    void generate_reportsEveryStepOfEveryImageInOrder() {
        List<ProgressListener.Progress> seen = new ArrayList<>();

        generator.generate(new GenerationRequest("a boat", 1, 3, 8f, 256, 256, 2), seen::add, CancellationSignal.NEVER);

        assertThat(seen).first().extracting(ProgressListener.Progress::stage)
                .isEqualTo(ProgressListener.Progress.Stage.TEXT_ENCODED);
        assertThat(seen.stream().filter(p -> p.stage() == ProgressListener.Progress.Stage.STEP_DONE)
                .map(ProgressListener.Progress::step)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(seen).last().extracting(ProgressListener.Progress::stage)
                .isEqualTo(ProgressListener.Progress.Stage.DECODED);
        assertThat(seen).allSatisfy(p -> assertThat(p.totalSteps()).isEqualTo(6));
    }

    @Test
    void generate_cancelledBetweenSteps_stopsThere_andTheGeneratorStaysUsable() {
        AtomicInteger steps = new AtomicInteger();
        ProgressListener counter = p -> {
            if (p.stage() == ProgressListener.Progress.Stage.STEP_DONE) {
                steps.incrementAndGet();
            }
        };

        assertThatThrownBy(() -> generator.generate(request(5, 4), counter, () -> steps.get() >= 2))
                .isInstanceOf(GenerationCancelledException.class)
                .hasMessageContaining("after 2 of 4 steps");
        assertThat(steps).hasValue(2);
        assertThat(generator.generate(request(5, 1)).images()).hasSize(1);
    }

    @Test
    void begin_sizeNotAMultipleOfTheModelsScale_isRefusedBeforeAnyWork() throws IOException {
        // A VAE of five blocks: one latent pixel covers 16 image pixels, so 264 (a multiple of 8, which every
        // request is) does not fit this model.
        Path coarse = copyOf(TINY);
        Path vaeConfig = coarse.resolve("vae_decoder/config.json");
        Files.writeString(vaeConfig, Files.readString(vaeConfig).replaceFirst("\"block_out_channels\": \\[",
                "\"block_out_channels\": [8, "));
        List<ProgressListener.Progress> seen = new ArrayList<>();
        try (ImageGenerator sixteen = ImageGenerator.open(coarse, new PipelineOptions(1))) {
            GenerationRequest request = new GenerationRequest("x", 1, 1, 8f, 264, 256, 1);

            assertThatThrownBy(() -> sixteen.generate(request, seen::add, CancellationSignal.NEVER))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("multiples of 16");
            assertThatThrownBy(() -> sixteen.begin(request)).isInstanceOf(PipelineException.class);
            assertThat(seen).as("nothing encoded or drawn").isEmpty();
        }
    }

    @Test
    void tokenize_longPlainPrompt_reportsTheDroppedTokens() {
        TokenizedPrompt tokens = generator.tokenize("a ".repeat(100), PromptSyntax.PLAIN);

        assertThat(tokens.ids()).hasSize(77);
        assertThat(tokens.contentTokens()).isEqualTo(100);
        assertThat(tokens.droppedTokens()).isEqualTo(25);
    }

    @Test
    void modelName_isTheFolderName() {
        assertThat(generator.modelName()).isEqualTo("tiny-lcm");
    }

    @Test
    void legacyExport_withInt32IdsAndInt64Timestep_generatesToo() {
        try (ImageGenerator legacy = ImageGenerator.open(TINY_LEGACY, new PipelineOptions(1))) {
            assertThat(legacy.generate(request(3, 2)).images()).hasSize(1);
        }
    }

    @Test
    void open_unetWithoutTheInputsOfAUnet_namesTheFileAndTheMissingInput() throws IOException {
        Path broken = copyOf(TINY);
        Files.copy(broken.resolve("vae_decoder/model.onnx"), broken.resolve("unet/model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> ImageGenerator.open(broken, new PipelineOptions(1)))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("unet/model.onnx")
                .hasMessageContaining("no input named 'sample'");
    }

    @Test
    void open_missingUnetWeights_namesTheFolderProblem() throws IOException {
        Path broken = copyOf(TINY);
        Files.delete(broken.resolve("unet/model.onnx_data"));

        assertThatThrownBy(() -> ImageGenerator.open(broken, new PipelineOptions(1)))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("unet/model.onnx");
    }

    private Path copyOf(Path source) throws IOException {
        Path target = dir.resolve(source.getFileName().toString());
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path destination = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(file, destination);
                }
            }
        }
        return target;
    }
}
