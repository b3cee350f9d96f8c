package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.imagine.pipeline.image.GenerationParameters;
import dev.imagine.pipeline.image.PngText;
import dev.imagine.pipeline.model.JsonFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every picture diffusers' {@code LatentConsistencyModelImg2ImgPipeline} drew from the small random-weight model
 * (tools/reference, {@code --only img2img}) is reproduced from the ONNX export: at most 2 levels on any channel of any
 * pixel, at most 0.1 on average. The legacy cases run the {@code tiny-lcm-legacy} model with a VAE encoder exported
 * as optimum 1.14-1.22 did (sampling inside the graph), the combination of the default model's published files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageToImageReferenceTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ImageToImageReferenceTest.class);
    static final Path REFERENCE = Path.of("src/test/resources/reference");
    static final Path IMG2IMG = REFERENCE.resolve("img2img");

    record Case(String id, String model, String encoder, String source, String prompt, long seed, int steps,
                double strength, float guidance, int width, int height, int count, List<String> images,
                List<Integer> timesteps) {
        @Override
        public String toString() {
            return id;
        }
    }

    @TempDir
    Path temp;
    private final Map<String, ImageGenerator> generators = new HashMap<>();

    static Stream<Case> cases() throws IOException {
        List<Case> cases = JsonFiles.read(IMG2IMG.resolve("cases.json"), new TypeReference<List<Case>>() { });
        return cases.stream();
    }

    /** tiny-lcm-legacy with the legacy encoder in place of its own, in a copy (the rewrite is saved beside it). */
    static Path legacyModel(Path into) {
        try {
            Path model = into.resolve("tiny-lcm-legacy");
            Path source = REFERENCE.resolve("tiny-lcm-legacy");
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.toList()) {
                    Path target = model.resolve(source.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else if (!file.startsWith(source.resolve("vae_encoder"))) {
                        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Files.createDirectories(model.resolve("vae_encoder"));
            for (String name : List.of("model.onnx", "config.json")) {
                Files.copy(IMG2IMG.resolve("legacy-vae-encoder").resolve(name), model.resolve("vae_encoder/" + name),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ImageGenerator generator(String model) {
        return generators.computeIfAbsent(model, name -> ImageGenerator.open(
                name.endsWith("legacy") ? legacyModel(temp) : REFERENCE.resolve(name), new PipelineOptions(2)));
    }

    @AfterAll
    void closeGenerators() {
        generators.values().forEach(ImageGenerator::close);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void imageToImage_reproducesTheDiffusersPicture(Case c) throws IOException {
        ImageGenerator generator = generator(c.model());
        Picture decoded = PictureDecoder.DEFAULT.read(IMG2IMG.resolve(c.source()));
        Picture source = generator.prepareSource(decoded, null, null);
        assertThat(source.width()).as("diffusers' size").isEqualTo(c.width());
        assertThat(source.height()).isEqualTo(c.height());
        GenerationRequest request = new GenerationRequest(c.prompt(), c.seed(), c.steps(), c.guidance(), 256, 256,
                c.count()).withSource(source, c.strength());

        GenerationResult result = generator.generate(request);

        assertThat(result.images()).hasSize(c.images().size());
        for (int i = 0; i < c.images().size(); i++) {
            GeneratedImage actual = result.images().get(i);
            BufferedImage expected = ImageIO.read(IMG2IMG.resolve(c.images().get(i)).toFile());
            BufferedImage got = ImageIO.read(new ByteArrayInputStream(actual.png()));
            ReferenceImagesTest.Difference difference = ReferenceImagesTest.Difference.between(expected, got);
            LOG.info("{} image {}: max difference {} levels, mean {}", c.id(), i, difference.max(),
                    String.format(java.util.Locale.ROOT, "%.5f", difference.mean()));
            assertThat(difference.max()).as("%s image %d: largest difference (mean %.4f)", c.id(), i,
                    difference.mean()).isLessThanOrEqualTo(2);
            assertThat(difference.mean()).as("%s image %d: mean difference", c.id(), i).isLessThanOrEqualTo(0.1);
            GenerationParameters parameters = GenerationParameters.parse(PngText.read(actual.png()).get("parameters"));
            assertThat(parameters.seed()).isEqualTo(c.seed() + i);
            assertThat(parameters.extra()).containsEntry("Denoising strength", Double.toString(c.strength()))
                    .containsEntry("Init image hash", source.pixelHash().substring(0, 16));
        }
    }

    @Test
    void legacyEncoder_isRewrittenOnceAndTheCopyKeptBesideIt() throws IOException {
        generator("tiny-lcm-legacy");
        LcmPipeline pipeline = (LcmPipeline) generators.get("tiny-lcm-legacy");
        assertThat(pipeline.vaeEncoder().isLegacyExport()).isTrue();
        Path kept = temp.resolve("tiny-lcm-legacy/vae_encoder/.imagine-graph");
        try (Stream<Path> entries = Files.list(kept)) {
            List<Path> list = entries.toList();
            assertThat(list).hasSize(1);
            assertThat(list.get(0).resolve("complete")).isRegularFile();
        }
        LcmPipeline modern = (LcmPipeline) generator("tiny-lcm");
        assertThat(modern.vaeEncoder().isLegacyExport()).isFalse();
    }
}
