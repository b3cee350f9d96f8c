package dev.imagine.pipeline.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.imagine.pipeline.PipelineException;

/**
 * How a session is created. The memory pattern is off by default: on the full-size UNet it costs about 1.2 GB
 * of peak memory and brings no measurable speed (see performance-notes.md).
 */
public record SessionSettings(int intraOpThreads, boolean memoryPattern,
                              OrtSession.SessionOptions.OptLevel optimizationLevel) {

    public SessionSettings {
        if (intraOpThreads < 1) {
            throw new PipelineException("intra-op threads must be at least 1, got " + intraOpThreads);
        }
    }

    public static SessionSettings withThreads(int threads) {
        return new SessionSettings(threads, false, OrtSession.SessionOptions.OptLevel.ALL_OPT);
    }

    OrtSession.SessionOptions toOptions() {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setMemoryPatternOptimization(memoryPattern);
            options.setOptimizationLevel(optimizationLevel);
            return options;
        } catch (OrtException e) {
            options.close();
            throw new PipelineException("invalid ONNX Runtime session settings " + this, e);
        }
    }
}
