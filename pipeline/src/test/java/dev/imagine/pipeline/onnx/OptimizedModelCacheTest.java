package dev.imagine.pipeline.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optimized graph saved beside a model: written once, loaded after, rebuilt when broken, same numbers. */
class OptimizedModelCacheTest {
    static final Path UNET = Path.of("src/test/resources/reference/tiny-lcm/unet");
    static final Path VAE = Path.of("src/test/resources/reference/tiny-lcm/vae_decoder/model.onnx");
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    @TempDir
    Path dir;

    private SessionSettings caching() {
        return SessionSettings.withThreads(1).withOptimizedModelCache(true, 0);
    }

    private Path copyOfVae() throws IOException {
        Path model = dir.resolve("vae_decoder/model.onnx");
        Files.createDirectories(model.getParent());
        Files.copy(VAE, model);
        return model;
    }

    private float[] decode(OnnxModel model) {
        float[] latents = new float[4 * 8 * 8];
        for (int i = 0; i < latents.length; i++) {
            latents[i] = (float) Math.sin(i * 0.37);
        }
        try (OnnxTensor input = Tensors.floats(env, latents, 1, 4, 8, 8)) {
            return model.runForFloats(Map.of("latent_sample", input), "sample");
        }
    }

    private List<Path> entries(Path model) throws IOException {
        try (Stream<Path> list = Files.list(model.getParent().resolve(OptimizedModelCache.FOLDER))) {
            return list.toList();
        }
    }

    @Test
    void load_firstTime_savesTheOptimizedGraphBesideTheModel_andGivesTheSameNumbers() throws IOException {
        Path model = copyOfVae();
        float[] plain;
        try (OnnxModel uncached = OnnxModel.load(env, model, SessionSettings.withThreads(1))) {
            plain = decode(uncached);
        }
        assertThat(model.getParent().resolve(OptimizedModelCache.FOLDER)).doesNotExist();

        try (OnnxModel first = OnnxModel.load(env, model, caching())) {
            assertThat(decode(first)).containsExactly(plain);
        }
        List<Path> entries = entries(model);
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).getFileName().toString()).startsWith("ort" + env.getVersion() + "-all-");
        assertThat(entries.get(0).resolve(OptimizedModelCache.COMPLETE)).isRegularFile();
        assertThat(entries.get(0).resolve("model.onnx")).isRegularFile();

        try (OnnxModel second = OnnxModel.load(env, model, caching())) {
            assertThat(decode(second)).containsExactly(plain);
        }
        assertThat(entries(model)).isEqualTo(entries);
    }

    @Test
    void load_withABrokenEntry_optimizesAgainAndReplacesIt() throws IOException {
        Path model = copyOfVae();
        try (OnnxModel first = OnnxModel.load(env, model, caching())) {
            decode(first);
        }
        Path entry = entries(model).get(0);
        Files.writeString(entry.resolve("model.onnx"), "not a model");

        try (OnnxModel again = OnnxModel.load(env, model, caching())) {
            assertThat(decode(again)).hasSize(3 * 64 * 64);
        }
        assertThat(Files.size(entry.resolve("model.onnx"))).isGreaterThan(1000);
    }

    @Test
    void key_changesWithTheModelFileAndTheOptimizationLevel() throws IOException {
        Path model = copyOfVae();
        String before = OptimizedModelCache.key(env, model, caching());
        assertThat(OptimizedModelCache.key(env, model, caching())).isEqualTo(before);
        assertThat(OptimizedModelCache.key(env, model, caching().withOptimizationLevel(
                ai.onnxruntime.OrtSession.SessionOptions.OptLevel.EXTENDED_OPT))).isNotEqualTo(before);

        Files.write(model, Files.readAllBytes(VAE)); // same bytes, new date
        Files.setLastModifiedTime(model, java.nio.file.attribute.FileTime.fromMillis(1_000));
        assertThat(OptimizedModelCache.key(env, model, caching())).isNotEqualTo(before);
    }

    @Test
    void key_coversTheExternalDataFile() throws IOException {
        Path unet = dir.resolve("unet");
        Files.createDirectories(unet);
        Files.copy(UNET.resolve("model.onnx"), unet.resolve("model.onnx"));
        Files.copy(UNET.resolve("model.onnx_data"), unet.resolve("model.onnx_data"));
        String before = OptimizedModelCache.key(env, unet.resolve("model.onnx"), caching());

        Files.setLastModifiedTime(unet.resolve("model.onnx_data"), java.nio.file.attribute.FileTime.fromMillis(1_000));

        assertThat(OptimizedModelCache.key(env, unet.resolve("model.onnx"), caching())).isNotEqualTo(before);
        assertThat(OptimizedModelCache.sourceFiles(unet.resolve("model.onnx"))).hasSize(2);
    }

    @Test
    void load_belowTheSizeThreshold_writesNothing() throws IOException {
        Path model = copyOfVae();
        try (OnnxModel loaded = OnnxModel.load(env, model, caching().withOptimizedModelCache(true, 1L << 40))) {
            decode(loaded);
        }
        assertThat(model.getParent().resolve(OptimizedModelCache.FOLDER)).doesNotExist();
    }

    @Test
    void load_inAFolderThatCannotBeWritten_stillLoads() throws IOException {
        Path model = copyOfVae();
        Files.writeString(model.getParent().resolve(OptimizedModelCache.FOLDER), "a file where the folder goes");

        try (OnnxModel loaded = OnnxModel.load(env, model, caching())) {
            assertThat(decode(loaded)).hasSize(3 * 64 * 64);
        }
    }

    @Test
    void settings_systemPropertiesOverrideTheDefaults() {
        Properties properties = new Properties();
        properties.setProperty("imagine.ort.memoryPattern", "true");
        properties.setProperty("imagine.ort.arena", "false");
        properties.setProperty("imagine.ort.shrinkArenas", "false");
        properties.setProperty("imagine.ort.optLevel", "EXTENDED_OPT");
        properties.setProperty("imagine.ort.config.session.disable_prepacking", "1");

        SessionSettings settings = SessionSettings.withThreads(2).overriddenBy(properties);

        assertThat(settings.memoryPattern()).isTrue();
        assertThat(settings.cpuArena()).isFalse();
        assertThat(settings.shrinkArenas()).isFalse();
        assertThat(settings.optimizationLevel()).isEqualTo(ai.onnxruntime.OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
        assertThat(settings.configEntries()).containsEntry("session.disable_prepacking", "1");
        SessionSettings defaults = SessionSettings.withThreads(2).overriddenBy(new Properties());
        assertThat(defaults.memoryPattern()).isFalse();
        assertThat(defaults.cpuArena()).isTrue();
        assertThat(defaults.shrinkArenas()).isTrue();
        assertThat(defaults.configEntries()).isEmpty();
    }
}
