package dev.imagine.pipeline.graph;

import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.graph.proto.Onnx;
import dev.imagine.pipeline.graph.proto.Onnx.TensorProto.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a float32 graph into the QDQ form ONNX Runtime's CPU provider fuses into integer kernels:
 * <ul>
 *   <li>Conv: {@code Q(x) → DQ → Conv(DQ(w int8, per channel), DQ(b int32)) → Q → DQ}, which ONNX Runtime turns
 *       into QLinearConv (it needs the quantized output);</li>
 *   <li>MatMul with a constant weight, static: {@code Q(x) → DQ → MatMul(·, DQ(w int8, per column))}, fused to
 *       MatMulIntegerToFloat (float output, no output rounding);</li>
 *   <li>MatMul, dynamic: {@code DynamicQuantizeLinear(x) → MatMulInteger(·, w int8) → Cast → Mul(scales)}, fused to
 *       DynamicQuantizeMatMul;</li>
 *   <li>MatMul of two activations (attention), static: both inputs through Q → DQ.</li>
 * </ul>
 * Every tensor the rewritten nodes produce keeps its name and float type, so the rest of the graph is untouched.
 * Weights are read one at a time from the source model's data and written to a new external data file.
 */
public final class Int8Quantizer {
    private final Onnx.GraphProto graph;
    private final QuantizationPlan plan;
    private final ActivationRanges ranges;
    private final QuantizationScheme scheme;
    private final TensorData source;
    private final ExternalDataWriter target;
    private final Set<String> names = new HashSet<>();
    private final Map<String, Onnx.TensorProto> initializers = new HashMap<>();
    private final List<Onnx.TensorProto> newInitializers = new ArrayList<>();
    private final List<Onnx.NodeProto> nodes = new ArrayList<>();
    /** Activation tensor → its quantized form, once emitted. */
    private final Map<String, Quantized> quantizedActivations = new HashMap<>();
    private final Map<String, Quantized> dynamicActivations = new HashMap<>();

    /** The names of a quantized tensor, its scale and zero point, and the scale's value. */
    private record Quantized(String name, String scale, String zeroPoint, float scaleValue) {
    }

    private Int8Quantizer(Onnx.GraphProto graph, QuantizationPlan plan, ActivationRanges ranges,
                          QuantizationScheme scheme, TensorData source, ExternalDataWriter target) {
        this.graph = graph;
        this.plan = plan;
        this.ranges = ranges;
        this.scheme = scheme;
        this.source = source;
        this.target = target;
    }

    /**
     * The quantized model: the graph of {@code model} rewritten per {@code plan}, every initializer it still uses
     * stored through {@code target} (the new model's external data file). {@code source} reads the original weights.
     */
    public static Onnx.ModelProto quantize(Onnx.ModelProto model, QuantizationPlan plan, ActivationRanges ranges,
                                           QuantizationScheme scheme, TensorData source, ExternalDataWriter target) {
        Int8Quantizer quantizer = new Int8Quantizer(model.getGraph(), plan, ranges, scheme, source, target);
        try {
            Onnx.GraphProto graph = quantizer.rewrite();
            return model.toBuilder().setGraph(graph).build();
        } catch (IOException e) {
            throw new PipelineException("cannot write the quantized weights: " + e.getMessage(), e);
        }
    }

    private Onnx.GraphProto rewrite() throws IOException {
        collectNames();
        Map<Integer, QuantizationPlan.Target> byNode = new HashMap<>();
        Set<String> replaced = new HashSet<>();
        for (QuantizationPlan.Target t : plan.targets()) {
            byNode.put(t.node(), t);
            if (t.kind() != QuantizationPlan.Kind.ACTIVATION_MATMUL) {
                replaced.add(t.weight());
            }
            if (t.bias() != null) {
                replaced.add(t.bias());
            }
        }
        for (int i = 0; i < graph.getNodeCount(); i++) {
            Onnx.NodeProto node = graph.getNode(i);
            QuantizationPlan.Target t = byNode.get(i);
            if (t == null) {
                nodes.add(withOwnAttributeData(node));
                continue;
            }
            switch (t.kind()) {
                case CONV -> conv(node, t);
                case MATMUL -> {
                    if (scheme.matmuls() == QuantizationScheme.MatMuls.DYNAMIC) {
                        dynamicMatMul(node, t);
                    } else {
                        staticMatMul(node, t);
                    }
                }
                case ACTIVATION_MATMUL -> activationMatMul(node, t);
            }
        }
        Onnx.GraphProto.Builder out = graph.toBuilder().clearNode().addAllNode(nodes).clearInitializer();
        for (Onnx.TensorProto tensor : graph.getInitializerList()) {
            if (replaced.contains(tensor.getName())) {
                continue;
            }
            out.addInitializer(copy(tensor));
        }
        out.addAllInitializer(newInitializers);
        return out.build();
    }

    private void collectNames() {
        for (Onnx.TensorProto tensor : graph.getInitializerList()) {
            names.add(tensor.getName());
            initializers.put(tensor.getName(), tensor);
        }
        for (Onnx.ValueInfoProto value : graph.getInputList()) {
            names.add(value.getName());
        }
        for (Onnx.NodeProto node : graph.getNodeList()) {
            names.addAll(node.getOutputList());
            names.add(node.getName());
        }
    }

    /**
     * {@code node} with tensor attributes that live in the source's external data (exporters store large Constant
     * values there too) copied into the new data file, since the source file is not beside the new model.
     */
    private Onnx.NodeProto withOwnAttributeData(Onnx.NodeProto node) throws IOException {
        boolean external = false;
        for (Onnx.AttributeProto attribute : node.getAttributeList()) {
            external |= (attribute.hasT() && TensorData.isExternal(attribute.getT()))
                    || attribute.getTensorsList().stream().anyMatch(TensorData::isExternal);
        }
        if (!external) {
            return node;
        }
        Onnx.NodeProto.Builder builder = node.toBuilder();
        for (int i = 0; i < builder.getAttributeCount(); i++) {
            Onnx.AttributeProto.Builder attribute = builder.getAttributeBuilder(i);
            if (attribute.hasT() && TensorData.isExternal(attribute.getT())) {
                attribute.setT(relocate(attribute.getT()));
            }
            for (int j = 0; j < attribute.getTensorsCount(); j++) {
                if (TensorData.isExternal(attribute.getTensors(j))) {
                    attribute.setTensors(j, relocate(attribute.getTensors(j)));
                }
            }
        }
        return builder.build();
    }

    /**
     * A constant's value read from the source and stored again: small ones inline, where ONNX Runtime's shape
     * inference can read them (a Reshape's target shape must be), larger ones in the new data file.
     */
    private Onnx.TensorProto relocate(Onnx.TensorProto tensor) throws IOException {
        long length = byteLength(tensor);
        return target.store(tensor.toBuilder(), source.bytes(tensor, length));
    }

    /** An unchanged initializer: external data is copied into the new data file, inline data stays inline. */
    private Onnx.TensorProto copy(Onnx.TensorProto tensor) throws IOException {
        if (!TensorData.isExternal(tensor)) {
            return tensor;
        }
        TensorData.External external = TensorData.External.of(tensor);
        long length = external.length() >= 0 ? external.length() : byteLength(tensor);
        return target.copy(tensor, source, length);
    }

    private static long byteLength(Onnx.TensorProto tensor) {
        int size = switch (DataType.forNumber(tensor.getDataType())) {
            case FLOAT, INT32, UINT32 -> 4;
            case DOUBLE, INT64, UINT64 -> 8;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case INT8, UINT8, BOOL -> 1;
            default -> throw new PipelineException("initializer '" + tensor.getName() + "' of type "
                    + DataType.forNumber(tensor.getDataType()) + " has external data without a length");
        };
        return size * TensorData.elements(tensor);
    }

    private void conv(Onnx.NodeProto node, QuantizationPlan.Target t) throws IOException {
        Quantized input = quantizeActivation(t.activation());
        float inputScale = input.scaleValue();
        Onnx.TensorProto weight = initializers.get(t.weight());
        int channels = (int) weight.getDims(0);
        float[] w = source.floats(weight);
        float[] scales = LinearQuantization.channelScales(w, channels, true, scheme.weightMax());
        String wq = addInt8(t.weight() + "_quantized", weight.getDimsList(), LinearQuantization.quantizeWeights(
                w, scales, true, scheme.weightMax()));
        String ws = addFloats(t.weight() + "_scale", List.of((long) channels), scales);
        String wz = addInt8(t.weight() + "_zero_point", List.of((long) channels), new byte[channels]);
        String wd = dequantize(wq, ws, wz, 0);
        Onnx.NodeProto.Builder conv = node.toBuilder().setInput(0, dequantize(input))
                .setInput(1, wd);
        if (t.bias() != null) {
            float[] b = source.floats(initializers.get(t.bias()));
            String bq = addInt32(t.bias() + "_quantized", List.of((long) b.length),
                    LinearQuantization.quantizeBias(b, inputScale, scales));
            String bs = addFloats(t.bias() + "_scale", List.of((long) b.length),
                    LinearQuantization.biasScales(inputScale, scales));
            String bz = addInt32(t.bias() + "_zero_point", List.of((long) b.length), new int[b.length]);
            conv.setInput(2, dequantize(bq, bs, bz, 0));
        }
        String output = node.getOutput(0);
        String raw = unique(output + "_float");
        nodes.add(conv.setOutput(0, raw).build());
        LinearQuantization.Activation out = activationParameters(output);
        String os = addScalarFloat(output + "_scale", out.scale());
        String oz = addScalarUint8(output + "_zero_point", out.zeroPoint());
        String q = unique(output + "_quantized");
        nodes.add(node("QuantizeLinear", List.of(raw, os, oz), q, -1));
        nodes.add(node("DequantizeLinear", List.of(q, os, oz), output, -1));
    }

    private void staticMatMul(Onnx.NodeProto node, QuantizationPlan.Target t) throws IOException {
        Quantized input = quantizeActivation(t.activation());
        String wd = weightColumns(t.weight());
        nodes.add(node.toBuilder().setInput(0, dequantize(input)).setInput(1, wd).build());
    }

    private void activationMatMul(Onnx.NodeProto node, QuantizationPlan.Target t) {
        Quantized a = quantizeActivation(t.activation());
        Quantized b = quantizeActivation(t.weight());
        nodes.add(node.toBuilder().setInput(0, dequantize(a)).setInput(1, dequantize(b)).build());
    }

    private void dynamicMatMul(Onnx.NodeProto node, QuantizationPlan.Target t) throws IOException {
        String activation = t.activation();
        Quantized dynamic = dynamicActivations.get(activation);
        if (dynamic == null) {
            dynamic = new Quantized(unique(activation + "_quantized"), unique(activation + "_scale"),
                    unique(activation + "_zero_point"), Float.NaN);
            nodes.add(Onnx.NodeProto.newBuilder().setOpType("DynamicQuantizeLinear")
                    .setName(unique(activation + "_DynamicQuantizeLinear")).addInput(activation)
                    .addOutput(dynamic.name()).addOutput(dynamic.scale()).addOutput(dynamic.zeroPoint()).build());
            dynamicActivations.put(activation, dynamic);
        }
        Onnx.TensorProto weight = initializers.get(t.weight());
        int columns = (int) weight.getDims(1);
        float[] w = source.floats(weight);
        float[] scales = LinearQuantization.channelScales(w, columns, false, scheme.weightMax());
        String wq = addInt8(t.weight() + "_quantized", weight.getDimsList(),
                LinearQuantization.quantizeWeights(w, scales, false, scheme.weightMax()));
        String ws = addFloats(t.weight() + "_scale", List.of((long) columns), scales);
        String wz = addInt8(t.weight() + "_zero_point", List.of((long) columns), new byte[columns]);
        String output = node.getOutput(0);
        String integer = unique(output + "_int32");
        String asFloat = unique(output + "_cast");
        String scale = unique(output + "_scale_product");
        nodes.add(node("MatMulInteger", List.of(dynamic.name(), wq, dynamic.zeroPoint(), wz), integer, -1));
        nodes.add(Onnx.NodeProto.newBuilder().setOpType("Cast").setName(unique(output + "_Cast")).addInput(integer)
                .addOutput(asFloat).addAttribute(Onnx.AttributeProto.newBuilder().setName("to")
                        .setType(Onnx.AttributeProto.AttributeType.INT).setI(DataType.FLOAT_VALUE)).build());
        nodes.add(node("Mul", List.of(dynamic.scale(), ws), scale, -1));
        nodes.add(node("Mul", List.of(asFloat, scale), output, -1));
    }

    /** The int8 per-column weight of a MatMul and its DequantizeLinear; returns the float name fed to the MatMul. */
    private String weightColumns(String name) throws IOException {
        Onnx.TensorProto weight = initializers.get(name);
        int columns = (int) weight.getDims(1);
        float[] w = source.floats(weight);
        float[] scales = LinearQuantization.channelScales(w, columns, false, scheme.weightMax());
        String wq = addInt8(name + "_quantized", weight.getDimsList(),
                LinearQuantization.quantizeWeights(w, scales, false, scheme.weightMax()));
        String ws = addFloats(name + "_scale", List.of((long) columns), scales);
        String wz = addInt8(name + "_zero_point", List.of((long) columns), new byte[columns]);
        return dequantize(wq, ws, wz, 1);
    }

    /** Emits (once per tensor) {@code QuantizeLinear} of an activation with its calibrated range. */
    private Quantized quantizeActivation(String activation) {
        Quantized done = quantizedActivations.get(activation);
        if (done != null) {
            return done;
        }
        LinearQuantization.Activation p = activationParameters(activation);
        String scale = addScalarFloat(activation + "_scale", p.scale());
        String zero = addScalarUint8(activation + "_zero_point", p.zeroPoint());
        String quantized = unique(activation + "_quantized");
        nodes.add(node("QuantizeLinear", List.of(activation, scale, zero), quantized, -1));
        Quantized result = new Quantized(quantized, scale, zero, p.scale());
        quantizedActivations.put(activation, result);
        return result;
    }

    private LinearQuantization.Activation activationParameters(String tensor) {
        if (!ranges.has(tensor)) {
            throw new PipelineException("calibration saw no values of tensor '" + tensor
                    + "'; the int8 model cannot be made from this calibration");
        }
        return LinearQuantization.uint8(ranges.min(tensor), ranges.max(tensor));
    }

    /** A per-tensor DequantizeLinear of an activation (one per consumer, as ONNX Runtime's fusions expect). */
    private String dequantize(Quantized activation) {
        return dequantize(activation.name(), activation.scale(), activation.zeroPoint(), -1);
    }

    /** A DequantizeLinear of {@code quantized}; axis -1 means per tensor (no attribute). */
    private String dequantize(String quantized, String scale, String zeroPoint, int axis) {
        String output = unique(quantized + "_dequantized");
        nodes.add(node("DequantizeLinear", List.of(quantized, scale, zeroPoint), output, axis));
        return output;
    }

    private Onnx.NodeProto node(String op, List<String> inputs, String output, int axis) {
        Onnx.NodeProto.Builder node = Onnx.NodeProto.newBuilder().setOpType(op).setName(unique(output + "_" + op))
                .addAllInput(inputs).addOutput(output);
        if (axis >= 0) {
            node.addAttribute(Onnx.AttributeProto.newBuilder().setName("axis")
                    .setType(Onnx.AttributeProto.AttributeType.INT).setI(axis));
        }
        return node.build();
    }

    private String unique(String wanted) {
        String name = wanted;
        for (int i = 1; names.contains(name); i++) {
            name = wanted + "_" + i;
        }
        names.add(name);
        return name;
    }

    private String addInt8(String wanted, List<Long> dims, byte[] values) throws IOException {
        return add(wanted, DataType.INT8, dims, ByteBuffer.wrap(values));
    }

    private String addScalarUint8(String wanted, int value) {
        try {
            return add(wanted, DataType.UINT8, List.of(), ByteBuffer.wrap(new byte[] {(byte) value}));
        } catch (IOException e) {
            throw new IllegalStateException("a scalar is never written to the data file", e);
        }
    }

    private String addScalarFloat(String wanted, float value) {
        try {
            return addFloats(wanted, List.of(), new float[] {value});
        } catch (IOException e) {
            throw new IllegalStateException("a scalar is never written to the data file", e);
        }
    }

    private String addFloats(String wanted, List<Long> dims, float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return add(wanted, DataType.FLOAT, dims, bytes);
    }

    private String addInt32(String wanted, List<Long> dims, int[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(values);
        return add(wanted, DataType.INT32, dims, bytes);
    }

    private String add(String wanted, DataType type, List<Long> dims, ByteBuffer data) throws IOException {
        String name = unique(wanted);
        Onnx.TensorProto.Builder tensor = Onnx.TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .addAllDims(dims);
        newInitializers.add(target.store(tensor, data.order(ByteOrder.LITTLE_ENDIAN)));
        return name;
    }
}
