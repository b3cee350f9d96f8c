package dev.imagine.pipeline.graph;

import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.graph.proto.Onnx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which nodes of a graph a {@link QuantizationScheme} quantizes, and which tensors need a calibrated range for it.
 * Chosen: convolutions with a constant 4-D weight (except the graph's first and last, which see the raw input and
 * make the output and cost little), MatMuls with a constant 2-D weight, and with {@code attention} the MatMuls of
 * two activations. A weight shared by several nodes is left alone.
 */
public record QuantizationPlan(List<Target> targets, Set<String> calibratedTensors) {

    public enum Kind { CONV, MATMUL, ACTIVATION_MATMUL }

    /**
     * One node to quantize.
     *
     * @param node        its index in the graph's node list
     * @param activation  its float activation input
     * @param weight      its constant weight (for ACTIVATION_MATMUL: the second activation)
     * @param bias        its constant bias, or null
     */
    public record Target(int node, Kind kind, String activation, String weight, String bias) {
    }

    /** The smallest opset with per-axis QuantizeLinear/DequantizeLinear. */
    static final long MIN_OPSET = 13;

    public static QuantizationPlan of(Onnx.ModelProto model, QuantizationScheme scheme) {
        long opset = defaultOpset(model);
        if (opset < MIN_OPSET) {
            throw new PipelineException("the model uses ONNX opset " + opset + "; int8 preparation needs opset "
                    + MIN_OPSET + " or newer (export the model again with a recent optimum)");
        }
        Onnx.GraphProto graph = model.getGraph();
        Map<String, Onnx.TensorProto> initializers = new HashMap<>();
        for (Onnx.TensorProto tensor : graph.getInitializerList()) {
            initializers.put(tensor.getName(), tensor);
        }
        Map<String, Integer> uses = new HashMap<>();
        for (Onnx.NodeProto node : graph.getNodeList()) {
            for (String input : node.getInputList()) {
                uses.merge(input, 1, Integer::sum);
            }
        }
        List<Integer> convs = new ArrayList<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (isConvWithConstantWeight(graph.getNode(i), initializers)) {
                convs.add(i);
            }
        }
        Set<Integer> skippedConvs = new LinkedHashSet<>();
        if (!convs.isEmpty()) {
            skippedConvs.add(convs.get(0));
            skippedConvs.add(convs.get(convs.size() - 1));
        }
        List<Target> targets = new ArrayList<>();
        Set<String> calibrated = new LinkedHashSet<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            Onnx.NodeProto node = graph.getNode(i);
            if ((!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) || scheme.excludes(node.getName())) {
                continue;
            }
            if (scheme.convolutions() && convs.contains(i) && !skippedConvs.contains(i)
                    && uses.getOrDefault(node.getInput(1), 0) == 1) {
                String bias = node.getInputCount() > 2 && !node.getInput(2).isEmpty() ? node.getInput(2) : null;
                if (bias != null && (!isFloat(initializers.get(bias)) || uses.getOrDefault(bias, 0) != 1)) {
                    continue;
                }
                targets.add(new Target(i, Kind.CONV, node.getInput(0), node.getInput(1), bias));
                calibrated.add(node.getInput(0));
                calibrated.add(node.getOutput(0));
            } else if (node.getOpType().equals("MatMul") && node.getInputCount() == 2) {
                String a = node.getInput(0);
                String b = node.getInput(1);
                Onnx.TensorProto weight = initializers.get(b);
                if (weight != null && !initializers.containsKey(a)) {
                    if (scheme.matmuls() != QuantizationScheme.MatMuls.NONE && isFloat(weight)
                            && weight.getDimsCount() == 2 && uses.getOrDefault(b, 0) == 1) {
                        targets.add(new Target(i, Kind.MATMUL, a, b, null));
                        if (scheme.matmuls() == QuantizationScheme.MatMuls.STATIC) {
                            calibrated.add(a);
                        }
                    }
                } else if (weight == null && !initializers.containsKey(a) && scheme.attention()) {
                    targets.add(new Target(i, Kind.ACTIVATION_MATMUL, a, b, null));
                    calibrated.add(a);
                    calibrated.add(b);
                }
            }
        }
        return new QuantizationPlan(List.copyOf(targets), Set.copyOf(calibrated));
    }

    private static boolean isConvWithConstantWeight(Onnx.NodeProto node, Map<String, Onnx.TensorProto> initializers) {
        if (!node.getOpType().equals("Conv") || node.getInputCount() < 2) {
            return false;
        }
        if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
            return false;
        }
        Onnx.TensorProto weight = initializers.get(node.getInput(1));
        return isFloat(weight) && weight.getDimsCount() == 4 && !initializers.containsKey(node.getInput(0));
    }

    private static boolean isFloat(Onnx.TensorProto tensor) {
        return tensor != null && tensor.getDataType() == Onnx.TensorProto.DataType.FLOAT_VALUE;
    }

    static long defaultOpset(Onnx.ModelProto model) {
        for (Onnx.OperatorSetIdProto opset : model.getOpsetImportList()) {
            if (opset.getDomain().isEmpty() || opset.getDomain().equals("ai.onnx")) {
                return opset.getVersion();
            }
        }
        return 1;
    }

    /** Number of targets of each kind, for the log. */
    public Map<Kind, Integer> counts() {
        Map<Kind, Integer> counts = new java.util.EnumMap<>(Kind.class);
        for (Target target : targets) {
            counts.merge(target.kind(), 1, Integer::sum);
        }
        return counts;
    }
}
