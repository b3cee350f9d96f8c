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
 * @param intraOpThreads        threads ONNX Runtime uses inside one operator; default: the physical cores, because
 *                              hyper-threads add no FP32 throughput to these convolution- and GEMM-bound networks
 * @param fastDecoder           an optional TAESD decoder for {@link GenerationRequest.Decoder#FAST}: a folder with
 *                              {@code vae_decoder/model.onnx} (the {@code deinferno/taesd-onnx} layout), the
 *                              {@code vae_decoder} folder itself, or the {@code .onnx} file; null for none
 * @param cacheOptimizedModels  keep ONNX Runtime's optimized graph of each large network on disk beside the model
 *                              (in {@code .imagine-ort/}, keyed by ONNX Runtime version, settings and CPU) and load
 *                              that on later starts: loading drops from about 20 s to a few seconds. Files that
 *                              cannot be written are skipped with a warning.
 * @param upscaler              an optional super-resolution network for {@link ImageGenerator#upscale}: a folder with
 *                              {@code model.onnx} (Real-ESRGAN's realesr-general-x4v3 in ONNX, see tools/upscaler), or
 *                              the {@code .onnx} file; null for none
 * @param precision             the UNet's arithmetic: {@link Precision#FP32} (the default, equal to diffusers) or
 *                              {@link Precision#INT8}, a quantized copy prepared beside the model the first time
 * @param comparePrecision      also load the UNet of the other precision (prepared first when needed), so that a
 *                              request may ask for either ({@link GenerationRequest#precision()}); the text encoder,
 *                              the decoders and everything else are shared. Costs the memory of a second UNet.
 * @param decoderPrecision      the full VAE decoder's arithmetic: {@link Precision#FP32} (the default) or
 *                              {@link Precision#INT8}, a quantized copy prepared beside the model the first time
 *                              (its convolutions that read the raw latents or the un-normalized residual stream stay
 *                              float32): 0.74x the decode time on an AVX2-only CPU, at a cost in pixels the README
 *                              states.
 *                              TAESD and the VAE encoder are not affected.
 */
public record PipelineOptions(int intraOpThreads, Path fastDecoder, boolean cacheOptimizedModels, Path upscaler,
                              Precision precision, boolean comparePrecision, Precision decoderPrecision) {
    public PipelineOptions {
        if (intraOpThreads < 1) {
            throw new PipelineException("threads must be at least 1, got " + intraOpThreads);
        }
        if (precision == null) {
            throw new PipelineException("precision must be fp32 or int8, not null");
        }
        if (decoderPrecision == null) {
            throw new PipelineException("the decoder precision must be fp32 or int8, not null");
        }
    }

    public PipelineOptions(int intraOpThreads, Path fastDecoder, boolean cacheOptimizedModels, Path upscaler,
                           Precision precision, boolean comparePrecision) {
        this(intraOpThreads, fastDecoder, cacheOptimizedModels, upscaler, precision, comparePrecision, Precision.FP32);
    }

    public PipelineOptions(int intraOpThreads, Path fastDecoder, boolean cacheOptimizedModels, Path upscaler,
                           Precision precision) {
        this(intraOpThreads, fastDecoder, cacheOptimizedModels, upscaler, precision, false);
    }

    /** {@code threads} per operator, no fast decoder, optimized models cached, FP32. */
    public PipelineOptions(int intraOpThreads) {
        this(intraOpThreads, null, true, null, Precision.FP32);
    }

    public PipelineOptions(int intraOpThreads, Path fastDecoder, boolean cacheOptimizedModels) {
        this(intraOpThreads, fastDecoder, cacheOptimizedModels, null, Precision.FP32);
    }

    public static PipelineOptions defaults() {
        return new PipelineOptions(physicalCores());
    }

    public PipelineOptions withFastDecoder(Path folder) {
        return new PipelineOptions(intraOpThreads, folder, cacheOptimizedModels, upscaler, precision,
                comparePrecision, decoderPrecision);
    }

    public PipelineOptions withOptimizedModelCache(boolean enabled) {
        return new PipelineOptions(intraOpThreads, fastDecoder, enabled, upscaler, precision,
                comparePrecision, decoderPrecision);
    }

    public PipelineOptions withUpscaler(Path folder) {
        return new PipelineOptions(intraOpThreads, fastDecoder, cacheOptimizedModels, folder, precision,
                comparePrecision, decoderPrecision);
    }

    public PipelineOptions withPrecision(Precision unetPrecision) {
        return new PipelineOptions(intraOpThreads, fastDecoder, cacheOptimizedModels, upscaler, unetPrecision,
                comparePrecision, decoderPrecision);
    }

    /** These options with the UNet of the other precision loaded too ({@link #comparePrecision()}), or not. */
    public PipelineOptions withPrecisionComparison(boolean both) {
        return new PipelineOptions(intraOpThreads, fastDecoder, cacheOptimizedModels, upscaler, precision, both,
                decoderPrecision);
    }

    /** These options with the full VAE decoder in {@code precision} ({@link #decoderPrecision()}). */
    public PipelineOptions withDecoderPrecision(Precision precision) {
        return new PipelineOptions(intraOpThreads, fastDecoder, cacheOptimizedModels, upscaler, this.precision,
                comparePrecision, precision);
    }

    /** The precisions whose UNet a generator opened with these options holds: {@link #precision()} first. */
    public java.util.List<Precision> unetPrecisions() {
        if (!comparePrecision) {
            return java.util.List.of(precision);
        }
        return java.util.List.of(precision, precision == Precision.FP32 ? Precision.INT8 : Precision.FP32);
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
