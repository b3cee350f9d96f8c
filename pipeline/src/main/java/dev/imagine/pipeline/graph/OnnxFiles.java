package dev.imagine.pipeline.graph;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.graph.proto.Onnx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes ONNX model files (the protobuf {@code ModelProto}). Large models keep their weights in external
 * data files beside the graph, so the graph itself stays far below protobuf's 2 GB message limit; a graph that
 * carries gigabytes inline is refused with a clear message instead of failing deep inside protobuf.
 */
public final class OnnxFiles {
    /** protobuf-java cannot address more than 2 GB in one message. */
    static final long MAX_GRAPH_BYTES = Integer.MAX_VALUE;

    private OnnxFiles() {
    }

    public static Onnx.ModelProto read(Path file) {
        try {
            long size = Files.size(file);
            if (size >= MAX_GRAPH_BYTES) {
                throw new PipelineException(file + " is " + size + " bytes: larger than protobuf's 2 GB limit; "
                        + "save the model with its weights as external data (optimum does that by default)");
            }
            try (InputStream in = Files.newInputStream(file)) {
                CodedInputStream coded = CodedInputStream.newInstance(in, 1 << 20);
                coded.setSizeLimit(Integer.MAX_VALUE);
                coded.setRecursionLimit(200);
                return Onnx.ModelProto.parseFrom(coded);
            }
        } catch (IOException e) {
            throw new PipelineException("cannot read the ONNX model " + file + ": " + e.getMessage(), e);
        }
    }

    public static void write(Onnx.ModelProto model, Path file) {
        long size = model.getSerializedSize();
        if (size < 0 || size >= MAX_GRAPH_BYTES) {
            throw new PipelineException("the graph for " + file + " would exceed protobuf's 2 GB limit; its "
                    + "weights belong in external data");
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            CodedOutputStream coded = CodedOutputStream.newInstance(out, 1 << 20);
            model.writeTo(coded);
            coded.flush();
        } catch (IOException e) {
            throw new PipelineException("cannot write the ONNX model " + file + ": " + e.getMessage(), e);
        }
    }
}
