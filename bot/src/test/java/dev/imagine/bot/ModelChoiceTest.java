package dev.imagine.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local model folder's revision: its files' names, sizes and dates, not what Imagine writes beside them. */
class ModelChoiceTest {
    @TempDir
    Path model;

    @Test
    void localRevision_ignoresTheCachesImagineWritesBesideTheNetworks_butSeesAChangedModelFile() throws Exception {
        Files.createDirectories(model.resolve("unet"));
        Files.writeString(model.resolve("unet/model.onnx"), "weights");
        String before = ModelChoice.local(model).revision();

        Files.createDirectories(model.resolve("unet/.imagine-int8/int8-key"));
        Files.writeString(model.resolve("unet/.imagine-int8/int8-key/model.onnx"), "int8 copy");
        Files.createDirectories(model.resolve("unet/.imagine-ort/key"));
        Files.writeString(model.resolve("unet/.imagine-ort/key/model.onnx"), "optimized graph");
        assertThat(ModelChoice.local(model).revision()).isEqualTo(before);

        Files.writeString(model.resolve("unet/model.onnx"), "other weights");
        assertThat(ModelChoice.local(model).revision()).isNotEqualTo(before).startsWith("local-");
    }
}
