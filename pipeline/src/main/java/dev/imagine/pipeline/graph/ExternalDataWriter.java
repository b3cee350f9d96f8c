package dev.imagine.pipeline.graph;

import dev.imagine.pipeline.graph.proto.Onnx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes initializers into one external data file beside a new model ({@code model.onnx_data}) and returns the
 * tensor entries that point at them. Each tensor starts on a 64-byte boundary, as ONNX Runtime prefers for memory
 * mapping; small tensors stay inline in the graph.
 */
public final class ExternalDataWriter implements AutoCloseable {
    /** Below this a tensor stays inline: not worth a seek. */
    static final int INLINE_BELOW_BYTES = 1024;
    private static final int ALIGNMENT = 64;

    private final String location;
    private final FileChannel channel;
    private long position;

    /** @param file  the data file to create (replaced if it exists); its name is the location the graph records */
    public ExternalDataWriter(Path file) throws IOException {
        this.location = file.getFileName().toString();
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }

    /**
     * {@code tensor} (name, type, dims, no data) with {@code data} attached: inline when small, else appended to the
     * data file.
     */
    public Onnx.TensorProto store(Onnx.TensorProto.Builder tensor, ByteBuffer data) throws IOException {
        tensor.clearRawData().clearFloatData().clearInt32Data().clearInt64Data().clearDoubleData()
                .clearExternalData().clearDataLocation();
        if (data.remaining() < INLINE_BELOW_BYTES) {
            return tensor.setRawData(com.google.protobuf.ByteString.copyFrom(data)).build();
        }
        long length = data.remaining();
        align();
        long offset = position;
        while (data.hasRemaining()) {
            position += channel.write(data, position);
        }
        return external(tensor, offset, length);
    }

    /** Appends {@code length} bytes of another file (an unchanged initializer) and points {@code tensor} at them. */
    public Onnx.TensorProto copy(Onnx.TensorProto tensor, TensorData source, long length) throws IOException {
        Onnx.TensorProto.Builder builder = tensor.toBuilder().clearExternalData().clearDataLocation();
        align();
        long offset = position;
        source.copyExternal(tensor, this, length);
        return external(builder, offset, length);
    }

    void transferFrom(FileChannel from, long offset, long length) throws IOException {
        long done = 0;
        while (done < length) {
            long moved = from.transferTo(offset + done, length - done, channel.position(position + done));
            if (moved <= 0) {
                throw new IOException("short read from the source data file at " + (offset + done));
            }
            done += moved;
        }
        position += length;
    }

    private Onnx.TensorProto external(Onnx.TensorProto.Builder tensor, long offset, long length) {
        return tensor.setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Long.toString(length)))
                .build();
    }

    private static Onnx.StringStringEntryProto entry(String key, String value) {
        return Onnx.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private void align() {
        long misalignment = position % ALIGNMENT;
        if (misalignment != 0) {
            position += ALIGNMENT - misalignment;
        }
    }

    /** Bytes written so far (with alignment padding). */
    public long size() {
        return position;
    }

    @Override
    public void close() throws IOException {
        channel.force(false);
        channel.close();
    }
}
