package dev.imagine.pipeline.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.imagine.pipeline.PipelineException;

/**
 * How a session is created. The memory pattern is off by default: on the full-size UNet it costs about 1.2 GB
 * of peak memory and brings no measurable speed (see performance-notes.md).
 *
 * @param cacheOptimizedModels  save ONNX Runtime's optimized graph beside each model of at least
 *                              {@code cacheMinBytes} and load it on later starts ({@link OptimizedModelCache})
 */
public record SessionSettings(int intraOpThreads, boolean memoryPattern,
                              OrtSession.SessionOptions.OptLevel optimizationLevel, boolean cpuArena,
                              boolean cacheOptimizedModels, long cacheMinBytes) {

    /** Below this size a network optimizes in well under a second; caching it would only cost disk. */
    public static final long DEFAULT_CACHE_MIN_BYTES = 64L << 20;

    public SessionSettings {
        if (intraOpThreads < 1) {
            throw new PipelineException("intra-op threads must be at least 1, got " + intraOpThreads);
        }
    }

    public static SessionSettings withThreads(int threads) {
        return new SessionSettings(threads, false, OrtSession.SessionOptions.OptLevel.ALL_OPT, true, false,
                DEFAULT_CACHE_MIN_BYTES);
    }

    public SessionSettings withOptimizedModelCache(boolean enabled, long minBytes) {
        return new SessionSettings(intraOpThreads, memoryPattern, optimizationLevel, cpuArena, enabled, minBytes);
    }

    public SessionSettings withOptimizationLevel(OrtSession.SessionOptions.OptLevel level) {
        return new SessionSettings(intraOpThreads, memoryPattern, level, cpuArena, cacheOptimizedModels,
                cacheMinBytes);
    }

    public SessionSettings withMemory(boolean pattern, boolean arena) {
        return new SessionSettings(intraOpThreads, pattern, optimizationLevel, arena, cacheOptimizedModels,
                cacheMinBytes);
    }

    OrtSession.SessionOptions toOptions() {
        return toOptions(optimizationLevel);
    }

    OrtSession.SessionOptions toOptions(OrtSession.SessionOptions.OptLevel level) {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setMemoryPatternOptimization(memoryPattern);
            options.setCPUArenaAllocator(cpuArena);
            options.setOptimizationLevel(level);
            return options;
        } catch (OrtException e) {
            options.close();
            throw new PipelineException("invalid ONNX Runtime session settings " + this, e);
        }
    }
}
