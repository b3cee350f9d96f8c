package dev.imagine.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the pipeline uses the machine.
 *
 * @param intraOpThreads threads ONNX Runtime uses inside one operator; default: the physical cores, because
 *                       hyper-threads add no FP32 throughput to these convolution- and GEMM-bound networks
 */
public record PipelineOptions(int intraOpThreads) {
    public PipelineOptions {
        if (intraOpThreads < 1) {
            throw new PipelineException("threads must be at least 1, got " + intraOpThreads);
        }
    }

    public static PipelineOptions defaults() {
        return new PipelineOptions(physicalCores());
    }

    /** Physical cores from /proc/cpuinfo where there is one, else the processors the JVM may use. */
    static int physicalCores() {
        int logical = Runtime.getRuntime().availableProcessors();
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return logical;
        }
        try {
            List<String> lines = Files.readAllLines(cpuinfo);
            Set<String> cores = new HashSet<>();
            String physicalId = "0";
            for (String line : lines) {
                if (line.startsWith("physical id")) {
                    physicalId = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("core id")) {
                    cores.add(physicalId + "/" + line.substring(line.indexOf(':') + 1).trim());
                }
            }
            // A container may be limited to fewer processors than the host has cores.
            return cores.isEmpty() ? logical : Math.max(1, Math.min(cores.size(), logical));
        } catch (IOException | RuntimeException e) {
            return logical;
        }
    }
}
