package dev.imagine.pipeline.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.pipeline.graph.proto.Onnx;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuantizationSchemeTest {
    static final String ZEN3 = "x86_64|AMD EPYC 7R13 Processor|fpu sse4_2 avx avx2 fma bmi2";
    static final String XEON_VNNI = "x86_64|Intel(R) Xeon(R) Processor|fpu sse4_2 avx avx2 fma avx512f avx512_vnni";
    static final Path TINY_DECODER = Path.of("src/test/resources/reference/tiny-lcm/vae_decoder/model.onnx");
    static final String ALDER_LAKE = "x86_64|12th Gen Intel(R) Core(TM) i7|sse4_2 avx avx2 fma avx_vnni";

    @Test
    void forCpu_withoutVnni_usesSevenBitWeights() {
        assertThat(QuantizationScheme.forCpu(ZEN3).reduceRange()).isTrue();
        assertThat(QuantizationScheme.forCpu(ZEN3).weightMax()).isEqualTo(63);
    }

    @Test
    void forCpu_withVnni_usesTheFullEightBits() {
        assertThat(QuantizationScheme.forCpu(XEON_VNNI).reduceRange()).isFalse();
        assertThat(QuantizationScheme.forCpu(ALDER_LAKE).reduceRange()).isFalse();
        assertThat(QuantizationScheme.forCpu(XEON_VNNI).weightMax()).isEqualTo(127);
    }

    @Test
    void forCpu_onArm_doesNotReduceTheRange() {
        assertThat(QuantizationScheme.forCpu("aarch64|Features: fp asimd asimddp").reduceRange()).isFalse();
    }

    @Test
    void id_parsesBackToTheSameScheme() {
        QuantizationScheme scheme = new QuantizationScheme(true, QuantizationScheme.MatMuls.DYNAMIC, true, true);

        assertThat(scheme.id()).isEqualTo("conv,matmul=dynamic,attention,w7");
        assertThat(QuantizationScheme.parse(scheme.id())).isEqualTo(scheme);
    }

    @Test
    void parse_unknownWord_saysWhatIsAccepted() {
        assertThatThrownBy(() -> QuantizationScheme.parse("conv,int4"))
                .hasMessageContaining("unknown quantization scheme word 'int4'")
                .hasMessageContaining("matmul=none|static|dynamic");
    }

    @Test
    void forDecoder_leavesTheSensitiveConvolutionsOfTheTinyVaeDecoderInFloat32_andQuantizesTheRest() {
        Onnx.ModelProto decoder = OnnxFiles.read(TINY_DECODER);

        QuantizationPlan plan = QuantizationPlan.of(decoder, QuantizationScheme.forDecoder(ZEN3));

        List<String> quantized = plan.targets().stream().map(t -> decoder.getGraph().getNode(t.node()).getName())
                .toList();
        // 27 convolutions: the graph's first and last (post_quant_conv, conv_out) and the five sensitive ones stay.
        assertThat(quantized).hasSize(20).allSatisfy(name -> assertThat(name).contains("/Conv")
                .doesNotContain("conv_in").doesNotContain("conv_shortcut").doesNotContain("upsamplers")
                .doesNotContain("post_quant_conv").doesNotContain("conv_out"));
        assertThat(plan.counts()).containsOnlyKeys(QuantizationPlan.Kind.CONV);
        assertThat(QuantizationScheme.forDecoder(ZEN3).reduceRange()).isTrue();
        assertThat(QuantizationScheme.forDecoder(XEON_VNNI).reduceRange()).isFalse();
    }
}
