package dev.imagine.pipeline.graph;

import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.graph.proto.Onnx;
import dev.imagine.pipeline.graph.proto.Onnx.TensorProto.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The values of a model's initializers, wherever they are stored: inline ({@code raw_data} or the typed repeated
 * fields) or in external data files beside the model ({@code location}, {@code offset}, {@code length}). One tensor is
 * read at a time, so a 3.4 GB UNet never has to fit in memory at once. Closing releases the open data files.
 */
public final class TensorData implements AutoCloseable {
    private final Path folder;
    private final Map<String, FileChannel> files = new HashMap<>();

    /** @param folder  the folder of the model file; external locations are relative to it */
    public TensorData(Path folder) {
        this.folder = folder.toAbsolutePath();
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public static long elements(Onnx.TensorProtoOrBuilder tensor) {
        long count = 1;
        for (long dim : tensor.getDimsList()) {
            count *= dim;
        }
        return count;
    }

    public static boolean isExternal(Onnx.TensorProtoOrBuilder tensor) {
        return tensor.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL;
    }

    /** The float32 values of {@code tensor}. */
    public float[] floats(Onnx.TensorProtoOrBuilder tensor) {
        if (tensor.getDataType() != DataType.FLOAT_VALUE) {
            throw new PipelineException("initializer '" + tensor.getName() + "' is "
                    + DataType.forNumber(tensor.getDataType()) + ", not FLOAT");
        }
        long count = elements(tensor);
        if (count > Integer.MAX_VALUE / 4) {
            throw new PipelineException("initializer '" + tensor.getName() + "' is too large to quantize in one piece");
        }
        float[] values = new float[(int) count];
        if (!isExternal(tensor) && tensor.getRawData().isEmpty()) {
            if (tensor.getFloatDataCount() != count) {
                throw new PipelineException("initializer '" + tensor.getName() + "' holds "
                        + tensor.getFloatDataCount() + " floats for " + count + " elements");
            }
            for (int i = 0; i < values.length; i++) {
                values[i] = tensor.getFloatData(i);
            }
            return values;
        }
        bytes(tensor, 4L * count).asFloatBuffer().get(values);
        return values;
    }

    /**
     * The little-endian bytes of {@code tensor} as stored ({@code raw_data} or external); {@code expected} is the
     * byte length its type and shape call for, checked against what is stored.
     */
    public ByteBuffer bytes(Onnx.TensorProtoOrBuilder tensor, long expected) {
        if (!isExternal(tensor)) {
            ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (raw.remaining() != expected) {
                throw new PipelineException("initializer '" + tensor.getName() + "' has " + raw.remaining()
                        + " bytes of raw data; its shape needs " + expected);
            }
            return raw;
        }
        External external = External.of(tensor);
        long length = external.length() < 0 ? expected : external.length();
        if (length != expected) {
            throw new PipelineException("initializer '" + tensor.getName() + "' has " + length
                    + " bytes of external data; its shape needs " + expected);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        try {
            FileChannel channel = channel(external.location());
            if (external.offset() + length > channel.size()) {
                throw new PipelineException("initializer '" + tensor.getName() + "' lies beyond the end of "
                        + folder.resolve(external.location()) + " (" + channel.size() + " bytes); the file is truncated");
            }
            long position = external.offset();
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, position);
                if (read < 0) {
                    throw new PipelineException("unexpected end of " + folder.resolve(external.location()));
                }
                position += read;
            }
        } catch (IOException e) {
            throw new PipelineException("cannot read the weights of '" + tensor.getName() + "' from "
                    + folder.resolve(external.location()) + ": " + e.getMessage(), e);
        }
        return buffer.flip();
    }

    /** Copies the stored bytes of an external tensor into {@code target} without holding them in memory. */
    public void copyExternal(Onnx.TensorProtoOrBuilder tensor, ExternalDataWriter target, long length)
            throws IOException {
        External external = External.of(tensor);
        target.transferFrom(channel(external.location()), external.offset(), length);
    }

    private FileChannel channel(String location) throws IOException {
        Path file = folder.resolve(location).normalize();
        if (!file.startsWith(folder)) {
            throw new PipelineException("external data location '" + location + "' leaves the model folder " + folder);
        }
        FileChannel channel = files.get(location);
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            files.put(location, channel);
        }
        return channel;
    }

    @Override
    public void close() {
        for (FileChannel channel : files.values()) {
            try {
                channel.close();
            } catch (IOException e) {
                // read-only channels: nothing is lost
            }
        }
        files.clear();
    }

    /** The external-data entries of a tensor. */
    record External(String location, long offset, long length) {
        static External of(Onnx.TensorProtoOrBuilder tensor) {
            String location = null;
            long offset = 0;
            long length = -1;
            for (Onnx.StringStringEntryProto entry : tensor.getExternalDataList()) {
                switch (entry.getKey()) {
                    case "location" -> location = entry.getValue();
                    case "offset" -> offset = Long.parseLong(entry.getValue());
                    case "length" -> length = Long.parseLong(entry.getValue());
                    default -> {
                        // "checksum" and future keys do not change where the bytes are
                    }
                }
            }
            if (location == null) {
                throw new PipelineException("initializer '" + tensor.getName()
                        + "' is marked external but names no location");
            }
            return new External(location, offset, length);
        }
    }
}
