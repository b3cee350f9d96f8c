package dev.imagine.pipeline.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.graph.proto.Onnx;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading, rewriting and writing the tiny UNet (graph in model.onnx, weights in model.onnx_data) from Java. */
class GraphRewriteTest {
    static final Path TINY_UNET = Path.of("src/test/resources/reference/tiny-lcm/unet/model.onnx");
    static final QuantizationScheme ALL_STATIC = new QuantizationScheme(true, QuantizationScheme.MatMuls.STATIC,
            false, false);

    @TempDir
    Path dir;

    @Test
    void read_givesTheGraph_withWeightsInExternalData() {
        Onnx.ModelProto model = OnnxFiles.read(TINY_UNET);

        assertThat(model.getGraph().getInputList()).extracting(Onnx.ValueInfoProto::getName)
                .contains("sample", "timestep", "encoder_hidden_states", "timestep_cond");
        assertThat(model.getGraph().getInitializerList()).anyMatch(TensorData::isExternal);
    }

    @Test
    void rewriteWithNothingToQuantize_copiesEveryWeight_andComputesTheSameOutput() throws Exception {
        Onnx.ModelProto model = OnnxFiles.read(TINY_UNET);
        QuantizationPlan nothing = QuantizationPlan.of(model,
                new QuantizationScheme(false, QuantizationScheme.MatMuls.NONE, false, false));
        Path copy = write(model, nothing, new ActivationRanges(), ALL_STATIC);

        assertThat(nothing.targets()).isEmpty();
        assertThat(run(copy)).containsExactly(run(TINY_UNET));
    }

    @Test
    void constantsStoredAsExternalData_areCarriedIntoTheNewDataFile() throws Exception {
        // Exporters store Constant nodes' values in the external data file too (the full-size UNet has 123 such).
        Path folder = Files.createDirectories(dir.resolve("constants"));
        Path data = folder.resolve("model.onnx_data");
        Files.copy(TINY_UNET.resolveSibling("model.onnx_data"), data);
        Onnx.ModelProto.Builder model = OnnxFiles.read(TINY_UNET).toBuilder();
        int moved = 0;
        for (Onnx.NodeProto.Builder node : model.getGraphBuilder().getNodeBuilderList()) {
            if (node.getOpType().equals("Constant") && node.getAttribute(0).hasT()
                    && node.getAttribute(0).getT().getRawData().size() >= 16) {
                Onnx.TensorProto value = node.getAttribute(0).getT();
                long offset = Files.size(data);
                Files.write(data, value.getRawData().toByteArray(), java.nio.file.StandardOpenOption.APPEND);
                node.getAttributeBuilder(0).setT(value.toBuilder().clearRawData()
                        .setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", "model.onnx_data"))
                        .addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Long.toString(value.getRawData().size()))));
                moved++;
            }
        }
        Path source = folder.resolve("model.onnx");
        OnnxFiles.write(model.build(), source);
        assertThat(moved).isPositive();

        Path target = Files.createDirectories(dir.resolve("rewritten")).resolve("model.onnx");
        QuantizationPlan nothing = QuantizationPlan.of(model.build(),
                new QuantizationScheme(false, QuantizationScheme.MatMuls.NONE, false, false));
        try (TensorData reader = new TensorData(folder);
             ExternalDataWriter writer = new ExternalDataWriter(target.resolveSibling("model.onnx_data"))) {
            OnnxFiles.write(Int8Quantizer.quantize(model.build(), nothing, new ActivationRanges(), ALL_STATIC,
                    reader, writer), target);
        }
        Files.delete(data); // the copy must not need the source's data

        assertThat(run(target)).containsExactly(run(TINY_UNET));
    }

    private static Onnx.StringStringEntryProto entry(String key, String value) {
        return Onnx.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    @Test
    void plan_quantizesEveryConvButTheFirstAndLast_andEveryLinearLayer() {
        Onnx.ModelProto model = OnnxFiles.read(TINY_UNET);
        long convs = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Conv")).count();

        QuantizationPlan plan = QuantizationPlan.of(model, ALL_STATIC);

        assertThat(plan.counts().get(QuantizationPlan.Kind.CONV)).isEqualTo((int) convs - 2);
        assertThat(plan.targets()).noneMatch(t -> t.activation().equals("sample"));
        // 4 transformer blocks: to_q/k/v/out of self- and cross-attention and two feed-forward layers each,
        // plus the guidance embedding's projection
        assertThat(plan.counts().get(QuantizationPlan.Kind.MATMUL)).isEqualTo(4 * 10 + 1);
        assertThat(plan.counts()).doesNotContainKey(QuantizationPlan.Kind.ACTIVATION_MATMUL);
    }

    @Test
    void defaultScheme_leavesTheConvolutionsOfTheResidualStreamInFloat() {
        Onnx.ModelProto model = OnnxFiles.read(TINY_UNET);
        Map<Integer, String> names = new HashMap<>();
        for (int i = 0; i < model.getGraph().getNodeCount(); i++) {
            names.put(i, model.getGraph().getNode(i).getName());
        }

        QuantizationPlan plan = QuantizationPlan.of(model, QuantizationScheme.forCpu("avx2 avx512_vnni"));

        List<String> convs = plan.targets().stream().filter(t -> t.kind() == QuantizationPlan.Kind.CONV)
                .map(t -> names.get(t.node())).toList();
        assertThat(convs).isNotEmpty().noneMatch(n -> n.contains("conv_shortcut") || n.contains("downsamplers"))
                .anyMatch(n -> n.contains("resnets.0/conv1")).anyMatch(n -> n.contains("upsamplers"));
    }

    @Test
    void quantize_storesInt8Weights_quartersTheirSize_andStillRuns() throws Exception {
        Onnx.ModelProto model = OnnxFiles.read(TINY_UNET);
        QuantizationPlan plan = QuantizationPlan.of(model, ALL_STATIC);
        ActivationRanges ranges = new ActivationRanges();
        plan.calibratedTensors().forEach(name -> ranges.observe(name, -4f, 4f));

        Path quantized = write(model, plan, ranges, ALL_STATIC);
        Onnx.ModelProto written = OnnxFiles.read(quantized);

        Map<String, Long> ops = written.getGraph().getNodeList().stream()
                .collect(Collectors.groupingBy(Onnx.NodeProto::getOpType, Collectors.counting()));
        assertThat(ops.get("QuantizeLinear")).isPositive();
        assertThat(ops.get("DequantizeLinear")).isGreaterThan(ops.get("QuantizeLinear"));
        assertThat(written.getGraph().getInitializerList()).anyMatch(t -> t.getDataType()
                == Onnx.TensorProto.DataType.INT8_VALUE && t.getName().startsWith("down_blocks.0.resnets.0.conv1"));
        assertThat(Files.size(dir.resolve("model.onnx_data")))
                .isLessThan(Files.size(TINY_UNET.resolveSibling("model.onnx_data")) / 2);
        float[] output = run(quantized);
        assertThat(output).hasSameSizeAs(run(TINY_UNET));
        for (float v : output) {
            assertThat(Float.isFinite(v)).isTrue();
        }
    }

    @Test
    void quantize_withoutARangeForATensor_refusesClearly() {
        Onnx.ModelProto model = OnnxFiles.read(TINY_UNET);
        QuantizationPlan plan = QuantizationPlan.of(model, ALL_STATIC);

        assertThatThrownBy(() -> write(model, plan, new ActivationRanges(), ALL_STATIC))
                .isInstanceOf(PipelineException.class).hasMessageContaining("calibration saw no values of tensor");
    }

    @Test
    void truncatedExternalData_isReportedWithTheFileName() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("broken"));
        Files.copy(TINY_UNET, folder.resolve("model.onnx"));
        byte[] data = Files.readAllBytes(TINY_UNET.resolveSibling("model.onnx_data"));
        Files.write(folder.resolve("model.onnx_data"), java.util.Arrays.copyOf(data, data.length / 2));
        Onnx.ModelProto model = OnnxFiles.read(folder.resolve("model.onnx"));
        Onnx.TensorProto last = model.getGraph().getInitializerList().stream().filter(TensorData::isExternal)
                .max(java.util.Comparator.comparingLong(t -> TensorData.External.of(t).offset())).orElseThrow();

        try (TensorData source = new TensorData(folder)) {
            assertThatThrownBy(() -> source.floats(last)).hasMessageContaining("truncated")
                    .hasMessageContaining("model.onnx_data");
        }
    }

    private Path write(Onnx.ModelProto model, QuantizationPlan plan, ActivationRanges ranges,
                       QuantizationScheme scheme) throws IOException {
        Path target = dir.resolve("model.onnx");
        try (TensorData source = new TensorData(TINY_UNET.toAbsolutePath().getParent());
             ExternalDataWriter data = new ExternalDataWriter(dir.resolve("model.onnx_data"))) {
            OnnxFiles.write(Int8Quantizer.quantize(model, plan, ranges, scheme, source, data), target);
        }
        return target;
    }

    /** The UNet's output for fixed inputs (64x64 latents, the tiny model's shapes). */
    static float[] run(Path model) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model.toString(), options)) {
                java.util.Random random = new java.util.Random(7);
                Map<String, OnnxTensor> inputs = new HashMap<>();
                inputs.put("sample", floats(env, random, 1, 4, 16, 16));
                inputs.put("encoder_hidden_states", floats(env, random, 1, 77, 32));
                inputs.put("timestep_cond", floats(env, random, 1, 32));
                inputs.put("timestep", OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {499f}), new long[0]));
                try (OrtSession.Result result = session.run(inputs, Set.of("out_sample"))) {
                    FloatBuffer buffer = ((OnnxTensor) result.get(0)).getFloatBuffer();
                    float[] out = new float[buffer.remaining()];
                    buffer.get(out);
                    return out;
                } finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    private static OnnxTensor floats(OrtEnvironment env, java.util.Random random, long... shape) throws OrtException {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
    }
}
