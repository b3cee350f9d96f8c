package dev.imagine.pipeline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.pipeline.PipelineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFolderTest {

    @TempDir
    Path dir;

    private void write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private void writeCompleteFolder() throws IOException {
        write("text_encoder/model.onnx", "x");
        write("unet/model.onnx", "x");
        write("unet/config.json", "{\"in_channels\": 4, \"sample_size\": 96, \"time_cond_proj_dim\": 256}");
        write("vae_decoder/model.onnx", "x");
        write("vae_decoder/config.json",
                "{\"scaling_factor\": 0.13025, \"block_out_channels\": [128, 256, 512, 512]}");
        write("tokenizer/vocab.json", "{}");
        write("tokenizer/merges.txt", "#version: 0.2\n");
        write("scheduler/scheduler_config.json", "{\"_class_name\": \"LCMScheduler\", \"steps_offset\": 1,"
                + " \"set_alpha_to_one\": false, \"skip_prk_steps\": true, \"original_inference_steps\": 50}");
    }

    @Test
    void open_readsScalingFactorGuidanceDimAndDefaultSizeFromTheFolder() throws IOException {
        writeCompleteFolder();

        ModelFolder folder = ModelFolder.open(dir);

        assertThat(folder.scalingFactor()).isEqualTo(0.13025f);
        assertThat(folder.timeCondProjDim()).isEqualTo(256);
        assertThat(folder.vaeScaleFactor()).isEqualTo(8);
        assertThat(folder.defaultImageSize()).isEqualTo(768);
        assertThat(folder.vaeEncoder()).isEmpty();
    }

    @Test
    void open_listsEveryMissingFileAtOnce() throws IOException {
        writeCompleteFolder();
        Files.delete(dir.resolve("unet/model.onnx"));
        Files.delete(dir.resolve("tokenizer/merges.txt"));

        assertThatThrownBy(() -> ModelFolder.open(dir))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("unet/model.onnx")
                .hasMessageContaining("tokenizer/vocab.json + tokenizer/merges.txt")
                .hasMessageContaining(dir.toString());
    }

    @Test
    void open_aFolderThatDoesNotExist_saysSo() {
        assertThatThrownBy(() -> ModelFolder.open(dir.resolve("nope")))
                .isInstanceOf(PipelineException.class).hasMessageContaining("does not exist");
    }

    @Test
    void open_aNonNumericScalingFactor_namesTheFileAndKey() throws IOException {
        writeCompleteFolder();
        write("vae_decoder/config.json", "{\"scaling_factor\": \"big\"}");

        assertThatThrownBy(() -> ModelFolder.open(dir))
                .hasMessageContaining("vae_decoder/config.json").hasMessageContaining("scaling_factor");
    }

    @Test
    void open_brokenJson_namesTheFile() throws IOException {
        writeCompleteFolder();
        write("unet/config.json", "{\"in_channels\": ");

        assertThatThrownBy(() -> ModelFolder.open(dir)).hasMessageContaining("unet/config.json");
    }
}
