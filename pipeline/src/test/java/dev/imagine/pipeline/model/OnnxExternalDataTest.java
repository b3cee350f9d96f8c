package dev.imagine.pipeline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The external data files of ONNX models exported by optimum and by hand (fixtures made with the onnx package). */
class OnnxExternalDataTest {
    static final Path TINY = Path.of("src/test/resources/reference/tiny-lcm");
    static final Path SCATTERED = Path.of("src/test/resources/model/scattered-external-data/model.onnx");

    @Test
    void anOptimumExportWithOneDataFile_refersToIt() throws IOException {
        assertThat(OnnxExternalData.locations(TINY.resolve("unet/model.onnx"))).containsExactly("model.onnx_data");
    }

    @Test
    void aModelWithItsWeightsInside_refersToNothing() throws IOException {
        assertThat(OnnxExternalData.locations(TINY.resolve("text_encoder/model.onnx"))).isEmpty();
        assertThat(OnnxExternalData.locations(TINY.resolve("vae_decoder/model.onnx"))).isEmpty();
    }

    @Test
    void aModelWithDataFilesOfAnyName_refersToEachInItsSubfolder() throws IOException {
        assertThat(OnnxExternalData.locations(SCATTERED)).containsExactly("weights/alpha.bin", "beta.data");
    }

    @Test
    void somethingElse_isAnErrorNamingTheFile(@TempDir Path dir) throws IOException {
        Path notOnnx = Files.writeString(dir.resolve("model.onnx"), "version https://git-lfs.github.com/spec/v1\n");

        assertThatThrownBy(() -> OnnxExternalData.locations(notOnnx)).isInstanceOf(IOException.class)
                .hasMessageContaining(notOnnx.toString()).hasMessageContaining("not a readable ONNX model");
    }
}
