package dev.imagine.pipeline.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.imagine.pipeline.PipelineException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How a session is created. The memory pattern is off by default: on the full-size UNet it costs about 1.2 GB
 * of peak memory and brings no measurable speed (see performance-notes.md).
 *
 * @param cacheOptimizedModels  save ONNX Runtime's optimized graph beside each model of at least
 *                              {@code cacheMinBytes} and load it on later starts ({@link OptimizedModelCache})
 * @param shrinkArenas          return each session's free arena memory to the system after the runs that ask
 *                              for it (text encoder, VAE, the last UNet step of an image), so that the sessions'
 *                              peaks do not add up
 */
public record SessionSettings(int intraOpThreads, boolean memoryPattern,
                              OrtSession.SessionOptions.OptLevel optimizationLevel, boolean cpuArena,
                              boolean cacheOptimizedModels, long cacheMinBytes, boolean shrinkArenas,
                              Map<String, String> configEntries) {

    /** Below this size a network optimizes in well under a second; caching it would only cost disk. */
    public static final long DEFAULT_CACHE_MIN_BYTES = 64L << 20;

    /** Experiments (bench/pipeline) override the defaults with {@code -Dimagine.ort.*} system properties. */
    static final String PROPERTY_PREFIX = "imagine.ort.";

    public SessionSettings {
        if (intraOpThreads < 1) {
            throw new PipelineException("intra-op threads must be at least 1, got " + intraOpThreads);
        }
        configEntries = Map.copyOf(configEntries);
    }

    /**
     * The defaults: level ALL (the VAE is 15% faster than at EXTENDED), memory pattern off, CPU arena on. For
     * experiments, {@code -Dimagine.ort.memoryPattern=true|false}, {@code -Dimagine.ort.arena=true|false},
     * {@code -Dimagine.ort.optLevel=NO_OPT|BASIC_OPT|EXTENDED_OPT|ALL_OPT} and
     * {@code -Dimagine.ort.config.<session config key>=<value>} override them.
     */
    public static SessionSettings withThreads(int threads) {
        SessionSettings defaults = new SessionSettings(threads, false, OrtSession.SessionOptions.OptLevel.ALL_OPT,
                true, false, DEFAULT_CACHE_MIN_BYTES, true, Map.of());
        return defaults.overriddenBy(System.getProperties());
    }

    SessionSettings overriddenBy(Properties properties) {
        boolean pattern = Boolean.parseBoolean(properties.getProperty(PROPERTY_PREFIX + "memoryPattern",
                Boolean.toString(memoryPattern)));
        boolean arena = Boolean.parseBoolean(properties.getProperty(PROPERTY_PREFIX + "arena",
                Boolean.toString(cpuArena)));
        boolean shrink = Boolean.parseBoolean(properties.getProperty(PROPERTY_PREFIX + "shrinkArenas",
                Boolean.toString(shrinkArenas)));
        OrtSession.SessionOptions.OptLevel level = OrtSession.SessionOptions.OptLevel.valueOf(
                properties.getProperty(PROPERTY_PREFIX + "optLevel", optimizationLevel.name()));
        Map<String, String> entries = new TreeMap<>(configEntries);
        String configPrefix = PROPERTY_PREFIX + "config.";
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(configPrefix)) {
                entries.put(name.substring(configPrefix.length()), properties.getProperty(name));
            }
        }
        return new SessionSettings(intraOpThreads, pattern, level, arena, cacheOptimizedModels, cacheMinBytes,
                shrink, entries);
    }

    public SessionSettings withOptimizedModelCache(boolean enabled, long minBytes) {
        return new SessionSettings(intraOpThreads, memoryPattern, optimizationLevel, cpuArena, enabled, minBytes,
                shrinkArenas, configEntries);
    }

    public SessionSettings withOptimizationLevel(OrtSession.SessionOptions.OptLevel level) {
        return new SessionSettings(intraOpThreads, memoryPattern, level, cpuArena, cacheOptimizedModels,
                cacheMinBytes, shrinkArenas, configEntries);
    }

    public SessionSettings withMemory(boolean pattern, boolean arena) {
        return new SessionSettings(intraOpThreads, pattern, optimizationLevel, arena, cacheOptimizedModels,
                cacheMinBytes, shrinkArenas, configEntries);
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
            for (Map.Entry<String, String> entry : configEntries.entrySet()) {
                options.addConfigEntry(entry.getKey(), entry.getValue());
            }
            return options;
        } catch (OrtException e) {
            options.close();
            throw new PipelineException("invalid ONNX Runtime session settings " + this, e);
        }
    }
}
