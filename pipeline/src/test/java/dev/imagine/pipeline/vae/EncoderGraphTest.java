package dev.imagine.pipeline.vae;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a VAE encoder's graph and naming its latent distribution as outputs, in the protobuf wire format. */
class EncoderGraphTest {
    private static final Path LEGACY = Path.of("src/test/resources/reference/img2img/legacy-vae-encoder/model.onnx");
    private static final Path MODERN = Path.of("src/test/resources/reference/tiny-lcm/vae_encoder/model.onnx");

    @Test
    void legacyExport_endsInMeanPlusStdTimesItsOwnNoise() throws IOException {
        EncoderGraph graph = EncoderGraph.parse(Files.readAllBytes(LEGACY));
        assertThat(graph.outputs()).containsExactly("latent_sample");
        assertThat(graph.nodes()).anyMatch(n -> n.opType().equals("RandomNormalLike"));
        // the names tools/reference found and compared with diffusers' latent_dist.mean and .std
        assertThat(graph.sampledDistribution("latent_sample"))
                .contains(new EncoderGraph.Distribution("/Slice_output_0", "/Exp_output_0"));
    }

    @Test
    void modernExport_hasNoSampledOutput() throws IOException {
        EncoderGraph graph = EncoderGraph.parse(Files.readAllBytes(MODERN));
        assertThat(graph.outputs()).containsExactly("latent_parameters");
        assertThat(graph.sampledDistribution("latent_parameters")).isEmpty();
        assertThat(LegacyEncoderFile.prepare(MODERN)).isNull();
    }

    @Test
    void withFloatOutputs_addsOnlyTheOutputs_andKeepsEverythingElse() throws IOException {
        byte[] original = Files.readAllBytes(LEGACY);
        byte[] rewritten = EncoderGraph.parse(original).withFloatOutputs(List.of("/Slice_output_0", "/Exp_output_0"));
        EncoderGraph again = EncoderGraph.parse(rewritten);
        assertThat(again.outputs()).containsExactly("latent_sample", "/Slice_output_0", "/Exp_output_0");
        assertThat(again.nodes()).isEqualTo(EncoderGraph.parse(original).nodes());
        assertThat(rewritten.length).isGreaterThan(original.length).isLessThan(original.length + 100);
    }

    @Test
    void rewrittenCopy_isKeptBesideTheModelAndReusedAfterwards(@TempDir Path dir) throws IOException {
        Path model = Files.createDirectories(dir.resolve("vae_encoder")).resolve("model.onnx");
        Files.copy(LEGACY, model);
        LegacyEncoderFile.Rewritten first = LegacyEncoderFile.prepare(model);
        assertThat(first.file()).startsWith(dir.resolve("vae_encoder/.imagine-graph"));
        assertThat(first.mean()).isEqualTo("/Slice_output_0");
        long written = Files.getLastModifiedTime(first.file()).toMillis();
        LegacyEncoderFile.Rewritten second = LegacyEncoderFile.prepare(model);
        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second.file()).toMillis()).isEqualTo(written);
    }

    @Test
    void truncatedFile_isRefusedWithAClearMessage() throws IOException {
        byte[] original = Files.readAllBytes(LEGACY);
        byte[] cut = Arrays.copyOf(original, original.length / 3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EncoderGraph.parse(cut))
                .hasMessageContaining("truncated or not an ONNX model");
    }
}
