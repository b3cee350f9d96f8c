package dev.imagine.pipeline.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The external data files an {@code .onnx} file refers to: the {@code location} of every tensor stored outside the
 * model ({@code TensorProto.data_location = EXTERNAL}), relative to the model's folder. Found by walking the protobuf
 * wire format of {@code onnx.proto} without ONNX Runtime, descending only into the messages that can hold tensors
 * (graph initializers, node attributes, subgraphs, functions, training graphs) and skipping the rest, weights
 * included, without reading them.
 */
final class OnnxExternalData {
    // Field numbers of onnx.proto (ir_version 10).
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_TRAINING_INFO = 20;
    private static final int MODEL_FUNCTIONS = 25;
    private static final int TRAINING_INITIALIZATION = 1;
    private static final int TRAINING_ALGORITHM = 2;
    private static final int FUNCTION_NODE = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTRIBUTE_TENSOR = 5;
    private static final int ATTRIBUTE_GRAPH = 6;
    private static final int ATTRIBUTE_TENSORS = 10;
    private static final int ATTRIBUTE_GRAPHS = 11;
    private static final int ATTRIBUTE_SPARSE_TENSOR = 22;
    private static final int ATTRIBUTE_SPARSE_TENSORS = 23;
    private static final int SPARSE_VALUES = 1;
    private static final int SPARSE_INDICES = 2;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int TENSOR_DATA_LOCATION = 14;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    private static final int EXTERNAL = 1;
    private static final int MAX_DEPTH = 64;

    private enum Kind { MODEL, TRAINING, FUNCTION, GRAPH, NODE, ATTRIBUTE, SPARSE, TENSOR }

    private final ByteBuffer data;
    private final Set<String> locations = new LinkedHashSet<>();

    private OnnxExternalData(ByteBuffer data) {
        this.data = data;
    }

    /**
     * The locations, in the order found, each once.
     *
     * @throws IOException when the file cannot be read or is not an ONNX protobuf
     */
    static Set<String> locations(Path onnx) throws IOException {
        try (FileChannel channel = FileChannel.open(onnx, StandardOpenOption.READ)) {
            // A protobuf message is at most 2 GB, so one mapping holds any .onnx file.
            if (channel.size() > Integer.MAX_VALUE) {
                throw new IOException(onnx + " is larger than 2 GB, which no ONNX protobuf can be");
            }
            OnnxExternalData reader = new OnnxExternalData(channel.map(FileChannel.MapMode.READ_ONLY, 0,
                    channel.size()));
            try {
                reader.message(Kind.MODEL, 0, (int) channel.size(), 0);
            } catch (RuntimeException e) {
                throw new IOException(onnx + " is not a readable ONNX model: " + e.getMessage(), e);
            }
            return reader.locations;
        }
    }

    /** Walks the message in [start, end). */
    private void message(Kind kind, int start, int end, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalStateException("messages nested deeper than " + MAX_DEPTH);
        }
        String key = null;
        String value = null;
        String location = null;
        boolean external = false;
        int position = start;
        while (position < end) {
            long tag = varint(position, end);
            position = next;
            int field = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            switch (wireType) {
                case 0 -> {
                    long number = varint(position, end);
                    position = next;
                    if (kind == Kind.TENSOR && field == TENSOR_DATA_LOCATION) {
                        external = number == EXTERNAL;
                    }
                }
                case 1 -> position = skip(position, 8, end);
                case 5 -> position = skip(position, 4, end);
                case 2 -> {
                    long length = varint(position, end);
                    position = next;
                    int bodyEnd = skip(position, length, end);
                    Kind child = childOf(kind, field);
                    if (child != null) {
                        message(child, position, bodyEnd, depth + 1);
                    } else if (kind == Kind.TENSOR && field == TENSOR_EXTERNAL_DATA) {
                        String[] entry = entry(position, bodyEnd);
                        if ("location".equals(entry[0])) {
                            location = entry[1];
                        }
                    }
                    position = bodyEnd;
                }
                default -> throw new IllegalStateException("unsupported wire type " + wireType + " at byte "
                        + position);
            }
        }
        if (kind == Kind.TENSOR && external && location != null) {
            locations.add(location);
        }
    }

    private static Kind childOf(Kind kind, int field) {
        return switch (kind) {
            case MODEL -> field == MODEL_GRAPH ? Kind.GRAPH : field == MODEL_TRAINING_INFO ? Kind.TRAINING
                    : field == MODEL_FUNCTIONS ? Kind.FUNCTION : null;
            case TRAINING -> field == TRAINING_INITIALIZATION || field == TRAINING_ALGORITHM ? Kind.GRAPH : null;
            case FUNCTION -> field == FUNCTION_NODE ? Kind.NODE : null;
            case GRAPH -> field == GRAPH_NODE ? Kind.NODE : field == GRAPH_INITIALIZER ? Kind.TENSOR
                    : field == GRAPH_SPARSE_INITIALIZER ? Kind.SPARSE : null;
            case NODE -> field == NODE_ATTRIBUTE ? Kind.ATTRIBUTE : null;
            case ATTRIBUTE -> switch (field) {
                case ATTRIBUTE_TENSOR, ATTRIBUTE_TENSORS -> Kind.TENSOR;
                case ATTRIBUTE_GRAPH, ATTRIBUTE_GRAPHS -> Kind.GRAPH;
                case ATTRIBUTE_SPARSE_TENSOR, ATTRIBUTE_SPARSE_TENSORS -> Kind.SPARSE;
                default -> null;
            };
            case SPARSE -> field == SPARSE_VALUES || field == SPARSE_INDICES ? Kind.TENSOR : null;
            case TENSOR -> null;
        };
    }

    /** A StringStringEntryProto: {key, value}. */
    private String[] entry(int start, int end) {
        String[] entry = new String[2];
        int position = start;
        while (position < end) {
            long tag = varint(position, end);
            position = next;
            int field = (int) (tag >>> 3);
            if ((tag & 7) != 2) {
                throw new IllegalStateException("unexpected wire type in an external_data entry at byte " + position);
            }
            long length = varint(position, end);
            position = next;
            int stringEnd = skip(position, length, end);
            if (field == ENTRY_KEY || field == ENTRY_VALUE) {
                byte[] bytes = new byte[stringEnd - position];
                data.get(position, bytes);
                entry[field - 1] = new String(bytes, StandardCharsets.UTF_8);
            }
            position = stringEnd;
        }
        return entry;
    }

    /** Where the last {@link #varint} ended. */
    private int next;

    private long varint(int position, int end) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= end) {
                throw new IllegalStateException("truncated varint at byte " + position);
            }
            byte b = data.get(position++);
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                next = position;
                return value;
            }
        }
        throw new IllegalStateException("malformed varint at byte " + position);
    }

    private static int skip(int position, long length, int end) {
        if (length < 0 || length > end - position) {
            throw new IllegalStateException("a field of " + length + " bytes at byte " + position + " runs past its "
                    + "message");
        }
        return position + (int) length;
    }
}
