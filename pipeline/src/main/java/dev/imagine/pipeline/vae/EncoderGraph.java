package dev.imagine.pipeline.vae;

import dev.imagine.pipeline.PipelineException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The little of the ONNX protobuf a VAE encoder export needs read and changed, in the wire format itself: the
 * nodes (inputs, outputs, operator), the graph outputs, and a copy of the model with more graph outputs.
 *
 * <p>optimum 1.14-1.22 exported {@code vae.encode(sample).latent_dist.sample()}: the graph ends in
 * {@code latent_sample = Add(mean, Mul(std, RandomNormalLike(...)))}, drawing its own noise, so diffusers' picture
 * (drawn with the request's generator) cannot come out of it. But {@code mean} and {@code std} (computed as diffusers
 * does: chunk, clamp(logvar, -30, 20), exp(0.5 logvar)) are tensors of the graph; naming them as extra outputs lets
 * the pipeline sample them itself. Nothing else in the model changes: the rest of the file is copied byte for byte.
 */
final class EncoderGraph {
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_OP_TYPE = 4;
    private static final int VALUE_INFO_NAME = 1;
    private static final int LEN = 2;

    record Node(List<String> inputs, List<String> outputs, String opType) {
    }

    /** The sampled latent's mean and standard deviation, as named in the graph. */
    record Distribution(String mean, String std) {
    }

    private final byte[] model;
    private final int graphStart;
    private final int graphEnd;
    private final int graphTagStart;
    private final List<Node> nodes = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();

    private EncoderGraph(byte[] model) {
        this.model = model;
        int[] graph = findField(model, 0, model.length, MODEL_GRAPH);
        if (graph == null) {
            throw new PipelineException("the ONNX file has no graph");
        }
        this.graphTagStart = graph[0];
        this.graphStart = graph[1];
        this.graphEnd = graph[2];
        Reader r = new Reader(model, graphStart, graphEnd);
        while (r.more()) {
            int key = (int) r.varint();
            int field = key >>> 3;
            if (field == GRAPH_NODE && (key & 7) == LEN) {
                int[] span = r.span();
                nodes.add(node(span[0], span[1]));
            } else if (field == GRAPH_OUTPUT && (key & 7) == LEN) {
                int[] span = r.span();
                outputs.add(firstString(span[0], span[1], VALUE_INFO_NAME));
            } else {
                r.skip(key & 7);
            }
        }
    }

    static EncoderGraph parse(byte[] model) {
        try {
            return new EncoderGraph(model);
        } catch (IndexOutOfBoundsException e) {
            throw new PipelineException("the ONNX file is truncated or not an ONNX model", e);
        }
    }

    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    List<String> outputs() {
        return List.copyOf(outputs);
    }

    /**
     * For an output computed as {@code Add(mean, Mul(std, noise))} with the noise from a {@code RandomNormal} or
     * {@code RandomNormalLike} node (possibly through a Cast), the names of mean and std.
     */
    Optional<Distribution> sampledDistribution(String output) {
        Map<String, Node> producer = new HashMap<>();
        for (Node node : nodes) {
            for (String out : node.outputs()) {
                producer.put(out, node);
            }
        }
        Node add = producer.get(output);
        if (add == null || !add.opType().equals("Add") || add.inputs().size() != 2) {
            return Optional.empty();
        }
        for (int i = 0; i < 2; i++) {
            Node mul = producer.get(add.inputs().get(i));
            if (mul == null || !mul.opType().equals("Mul") || mul.inputs().size() != 2) {
                continue;
            }
            for (int j = 0; j < 2; j++) {
                if (isRandom(mul.inputs().get(j), producer) && !isRandom(mul.inputs().get(1 - j), producer)) {
                    return Optional.of(new Distribution(add.inputs().get(1 - i), mul.inputs().get(1 - j)));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isRandom(String tensor, Map<String, Node> producer) {
        Node node = producer.get(tensor);
        while (node != null && node.opType().equals("Cast")) {
            node = producer.get(node.inputs().get(0));
        }
        return node != null && node.opType().startsWith("Random");
    }

    /** A copy of the model whose graph also outputs the given float tensors. */
    byte[] withFloatOutputs(List<String> names) {
        ByteArrayOutputStream extra = new ByteArrayOutputStream();
        for (String name : names) {
            // ValueInfoProto { name, type: TypeProto { tensor_type: Tensor { elem_type: FLOAT (1) } } }
            byte[] typeProto = message(1, new byte[] {0x08, 0x01});
            byte[] valueInfo = concat(message(VALUE_INFO_NAME, name.getBytes(StandardCharsets.UTF_8)),
                    message(2, typeProto));
            extra.writeBytes(message(GRAPH_OUTPUT, valueInfo));
        }
        byte[] added = extra.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(model.length + added.length + 16);
        out.write(model, 0, graphTagStart);
        writeVarint(out, (long) MODEL_GRAPH << 3 | LEN);
        writeVarint(out, (long) (graphEnd - graphStart) + added.length);
        out.write(model, graphStart, graphEnd - graphStart);
        out.writeBytes(added);
        out.write(model, graphEnd, model.length - graphEnd);
        return out.toByteArray();
    }

    private Node node(int start, int end) {
        List<String> inputs = new ArrayList<>();
        List<String> outs = new ArrayList<>();
        String op = "";
        Reader r = new Reader(model, start, end);
        while (r.more()) {
            int key = (int) r.varint();
            int field = key >>> 3;
            if ((key & 7) == LEN && (field == NODE_INPUT || field == NODE_OUTPUT || field == NODE_OP_TYPE)) {
                int[] span = r.span();
                String text = new String(model, span[0], span[1] - span[0], StandardCharsets.UTF_8);
                if (field == NODE_INPUT) {
                    inputs.add(text);
                } else if (field == NODE_OUTPUT) {
                    outs.add(text);
                } else {
                    op = text;
                }
            } else {
                r.skip(key & 7);
            }
        }
        return new Node(inputs, outs, op);
    }

    private String firstString(int start, int end, int wanted) {
        int[] span = findField(model, start, end, wanted);
        return span == null ? "" : new String(model, span[1], span[2] - span[1], StandardCharsets.UTF_8);
    }

    /** The last occurrence of length-delimited field {@code wanted}: {tag start, content start, content end}. */
    private static int[] findField(byte[] b, int start, int end, int wanted) {
        Reader r = new Reader(b, start, end);
        int[] found = null;
        while (r.more()) {
            int tagStart = r.pos;
            int key = (int) r.varint();
            if (key >>> 3 == wanted && (key & 7) == LEN) {
                int[] span = r.span();
                found = new int[] {tagStart, span[0], span[1]};
            } else {
                r.skip(key & 7);
            }
        }
        return found;
    }

    private static byte[] message(int field, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 8);
        writeVarint(out, (long) field << 3 | LEN);
        writeVarint(out, content.length);
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** Protobuf wire-format cursor over {@code [pos, end)}; reads past the end throw IndexOutOfBoundsException. */
    private static final class Reader {
        private final byte[] b;
        private final int end;
        int pos;

        Reader(byte[] b, int start, int end) {
            this.b = b;
            this.pos = start;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IndexOutOfBoundsException("varint past the end");
                }
                byte x = b[pos++];
                result |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return result;
                }
            }
            throw new IndexOutOfBoundsException("varint too long");
        }

        int[] span() {
            long length = varint();
            if (length < 0 || length > end - pos) {
                throw new IndexOutOfBoundsException("field of " + length + " bytes past the end");
            }
            int start = pos;
            pos += (int) length;
            return new int[] {start, pos};
        }

        void skip(int wireType) {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> span();
                case 5 -> advance(4);
                default -> throw new IndexOutOfBoundsException("unsupported wire type " + wireType);
            }
        }

        private void advance(int n) {
            if (n > end - pos) {
                throw new IndexOutOfBoundsException("past the end");
            }
            pos += n;
        }
    }
}
