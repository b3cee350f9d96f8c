package dev.imagine.pipeline.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.graph.ActivationRanges;
import dev.imagine.pipeline.graph.ExternalDataWriter;
import dev.imagine.pipeline.graph.Int8Quantizer;
import dev.imagine.pipeline.graph.OnnxFiles;
import dev.imagine.pipeline.graph.QuantizationPlan;
import dev.imagine.pipeline.graph.QuantizationScheme;
import dev.imagine.pipeline.graph.TensorData;
import dev.imagine.pipeline.graph.proto.Onnx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The int8 copy of a float32 network, made on this machine from the files the user already has and kept beside
 * them: {@code <model dir>/.imagine-int8/<key>/model.onnx} (+ {@code model.onnx_data}), next to the optimized-graph
 * cache and keyed the same way (ONNX Runtime version, optimization level, CPU, the source files' sizes and dates)
 * plus the quantization scheme and the calibration. Making it: the float32 network runs the {@link Calibration}
 * while the ranges of the tensors to quantize are recorded; the graph is rewritten in QDQ form with int8 weights
 * ({@link Int8Quantizer}); ONNX Runtime optimizes that (fusing it into integer kernels) and the optimized graph is
 * what is stored, so later starts load it without optimizing. A copy that does not load is made again; copies under
 * other keys are removed.
 */
public final class Int8ModelCache {
    private static final Logger LOG = LoggerFactory.getLogger(Int8ModelCache.class);
    static final String FOLDER = ".imagine-int8";
    static final String COMPLETE = "complete";
    static final String MODEL = "model.onnx";
    static final String DATA = "model.onnx_data";
    private static final String QUANTIZED = "quantized.onnx";
    /** For experiments: a ranges.tsv of an earlier copy of the same files, used instead of calibrating. */
    static final String REUSE_RANGES_PROPERTY = "imagine.int8.reuseRanges";
    static final String RANGES = "ranges.tsv";
    /** Raised when the quantizer's output changes for the same scheme, so that old copies are made again. */
    static final int QUANTIZER_VERSION = 1;

    private Int8ModelCache() {
    }

    /** What drives the float32 network during calibration: a fixed, deterministic set of runs. */
    public interface Calibration {
        /** Names the runs (prompts, sizes, steps); part of the cache key. */
        String id();

        /** Runs the network (an observing float32 session) as the real pipeline would. */
        void run(OnnxModel network);
    }

    /** This CPU's model name and feature flags (from /proc/cpuinfo), as the cache keys use them. */
    public static String cpuSignature() {
        return OptimizedModelCache.cpuSignature();
    }

    /** The cache entry for {@code file}; it need not exist. */
    static Path entry(OrtEnvironment env, Path file, SessionSettings settings, QuantizationScheme scheme,
                      String calibration) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append(env.getVersion()).append('\n').append(settings.optimizationLevel()).append('\n')
                .append(OptimizedModelCache.cpuSignature()).append('\n').append(scheme.id()).append('\n')
                .append(calibration).append('\n').append(QUANTIZER_VERSION).append('\n');
        for (Path source : OptimizedModelCache.sourceFiles(file)) {
            text.append(source.getFileName()).append(' ').append(Files.size(source)).append(' ')
                    .append(Files.getLastModifiedTime(source).toMillis()).append('\n');
        }
        String key = "int8-ort" + env.getVersion() + "-" + OptimizedModelCache.sha256(text.toString()).substring(0, 16);
        return file.toAbsolutePath().getParent().resolve(FOLDER).resolve(key);
    }

    /** Loads the int8 copy of {@code file}, making it first when it is missing, stale or broken. */
    public static OnnxModel load(OrtEnvironment env, Path file, SessionSettings settings, QuantizationScheme scheme,
                                 Calibration calibration) {
        if (!Files.isRegularFile(file)) {
            throw new PipelineException("model file " + file + " is missing; the model folder is incomplete");
        }
        Path entry;
        try {
            entry = entry(env, file, settings, scheme, calibration.id());
        } catch (IOException e) {
            throw new PipelineException("cannot read the model files of " + file + ": " + e.getMessage(), e);
        }
        Path cached = entry.resolve(MODEL);
        if (Files.isRegularFile(entry.resolve(COMPLETE)) && Files.isRegularFile(cached)) {
            try (OrtSession.SessionOptions options = settings.toOptions(OrtSession.SessionOptions.OptLevel.NO_OPT)) {
                OrtSession session = env.createSession(cached.toString(), options);
                LOG.debug("loaded the int8 copy of {} from {}", file, entry);
                return OnnxModel.of(cached, session, settings);
            } catch (OrtException | RuntimeException e) {
                LOG.warn("the int8 copy in {} does not load ({}); making it again", entry, e.getMessage());
                OptimizedModelCache.deleteQuietly(entry);
            }
        }
        return prepare(env, file, settings, scheme, calibration, entry);
    }

    private static OnnxModel prepare(OrtEnvironment env, Path file, SessionSettings settings,
                                     QuantizationScheme scheme, Calibration calibration, Path entry) {
        long start = System.nanoTime();
        LOG.info("preparing the int8 copy of {} ({}); this happens once and takes a few minutes", file, scheme);
        Onnx.ModelProto model = OnnxFiles.read(file);
        QuantizationPlan plan = QuantizationPlan.of(model, scheme);
        if (plan.targets().isEmpty()) {
            throw new PipelineException(file + " has no convolution or matrix product with constant weights to "
                    + "quantize; use precision fp32 for this model");
        }
        ActivationRanges ranges = calibrate(env, file, model, plan, settings, calibration);
        long calibrated = System.nanoTime();
        Path temp;
        try {
            Files.createDirectories(entry.getParent());
            removeStaleEntries(entry);
            temp = Files.createTempDirectory(entry.getParent(), entry.getFileName() + ".tmp-");
        } catch (IOException e) {
            throw new PipelineException("cannot write the int8 copy beside " + file + " (" + e.getMessage()
                    + "); make the folder writable or use precision fp32", e);
        }
        try {
            Path quantized = temp.resolve(QUANTIZED);
            try (TensorData source = new TensorData(file.toAbsolutePath().getParent());
                 ExternalDataWriter data = new ExternalDataWriter(temp.resolve(QUANTIZED + "_data"))) {
                OnnxFiles.write(Int8Quantizer.quantize(model, plan, ranges, scheme, source, data), quantized);
            }
            long written = System.nanoTime();
            OrtSession session = optimize(env, quantized, temp, settings);
            long optimized = System.nanoTime();
            Files.deleteIfExists(quantized);
            Files.deleteIfExists(temp.resolve(QUANTIZED + "_data"));
            long bytes = folderBytes(temp);
            String report = String.format(Locale.ROOT, "source=%s%nonnxruntime=%s%nscheme=%s%ncalibration=%s%n"
                            + "targets=%s%nseconds=%.1f (calibration %.1f, quantization %.1f, optimization %.1f)%n"
                            + "bytes=%d%n", file.toAbsolutePath(), env.getVersion(), scheme.id(), calibration.id(),
                    plan.counts(), seconds(optimized - start), seconds(calibrated - start),
                    seconds(written - calibrated), seconds(optimized - written), bytes);
            Files.writeString(temp.resolve(RANGES), ranges.toText(), StandardCharsets.UTF_8);
            Files.writeString(temp.resolve(COMPLETE), report, StandardCharsets.UTF_8);
            Path location = publish(temp, entry);
            LOG.info(String.format(Locale.ROOT, "prepared the int8 copy of %s in %.0f s (calibration %.0f s, "
                            + "quantization %.0f s, optimization %.0f s); it takes %.0f MB in %s", file,
                    seconds(optimized - start), seconds(calibrated - start), seconds(written - calibrated),
                    seconds(optimized - written), bytes / 1e6, location));
            return OnnxModel.of(location.resolve(MODEL), session, settings);
        } catch (IOException | OrtException | RuntimeException e) {
            OptimizedModelCache.deleteQuietly(temp);
            if (e instanceof PipelineException pipeline) {
                throw pipeline;
            }
            throw new PipelineException("preparing the int8 copy of " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs the calibration on the float32 network with the planned tensors exposed as outputs. */
    private static ActivationRanges calibrate(OrtEnvironment env, Path file, Onnx.ModelProto model,
                                              QuantizationPlan plan, SessionSettings settings, Calibration calibration) {
        ActivationRanges ranges = new ActivationRanges();
        if (plan.calibratedTensors().isEmpty()) {
            return ranges;
        }
        String reuse = System.getProperty(REUSE_RANGES_PROPERTY);
        if (reuse != null && !reuse.isBlank()) {
            // Experiments (bench/): several schemes from one calibration of the same files.
            try {
                ActivationRanges recorded = ActivationRanges.parse(Files.readString(Path.of(reuse)));
                if (plan.calibratedTensors().stream().allMatch(recorded::has)) {
                    LOG.info("reusing the calibration recorded in {}", reuse);
                    return recorded;
                }
                LOG.info("{} lacks some tensors this scheme needs; calibrating", reuse);
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("cannot reuse the calibration in {}: {}", reuse, e.toString());
            }
        }
        Onnx.ModelProto observing = withOutputs(model, plan.calibratedTensors());
        try (OrtSession.SessionOptions options = settings.toOptions()) {
            options.addConfigEntry("session.model_external_initializers_file_folder_path",
                    file.toAbsolutePath().getParent().toString());
            OrtSession session = env.createSession(observing.toByteArray(), options);
            try (OnnxModel network = OnnxModel.observing(file, session, settings, plan.calibratedTensors(), ranges)) {
                calibration.run(network);
            }
        } catch (OrtException e) {
            throw new PipelineException("ONNX Runtime could not load " + file + " for calibration: "
                    + e.getMessage(), e);
        }
        for (String tensor : plan.calibratedTensors()) {
            if (!ranges.has(tensor)) {
                throw new PipelineException("calibration never saw tensor '" + tensor + "' of " + file);
            }
        }
        return ranges;
    }

    /** {@code model} with each of {@code tensors} that is not a graph input added as a float graph output. */
    static Onnx.ModelProto withOutputs(Onnx.ModelProto model, Set<String> tensors) {
        Onnx.GraphProto graph = model.getGraph();
        Set<String> present = new java.util.HashSet<>();
        graph.getInputList().forEach(value -> present.add(value.getName()));
        graph.getOutputList().forEach(value -> present.add(value.getName()));
        Onnx.GraphProto.Builder builder = graph.toBuilder();
        Onnx.TypeProto floatTensor = Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                .setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE)).build();
        for (String tensor : tensors.stream().sorted().toList()) {
            if (!present.contains(tensor)) {
                builder.addOutput(Onnx.ValueInfoProto.newBuilder().setName(tensor).setType(floatTensor));
            }
        }
        return model.toBuilder().setGraph(builder).build();
    }

    /** Lets ONNX Runtime optimize the QDQ graph into integer kernels and save the result as {@code model.onnx}. */
    private static OrtSession optimize(OrtEnvironment env, Path quantized, Path folder, SessionSettings settings)
            throws OrtException {
        try (OrtSession.SessionOptions options = settings.toOptions()) {
            options.setOptimizedModelFilePath(folder.resolve(MODEL).toString());
            options.addConfigEntry("session.optimized_model_external_initializers_file_name", DATA);
            options.addConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
            return env.createSession(quantized.toString(), options);
        }
    }

    private static Path publish(Path temp, Path entry) throws IOException {
        try {
            try {
                Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, entry);
            }
            return entry;
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            // Another process was quicker; our session is as good as its copy, which stays.
            LOG.info("another process prepared {} meanwhile; keeping its copy", entry);
            OptimizedModelCache.deleteQuietly(temp);
            return entry;
        }
    }

    /** Copies under other keys (another ONNX Runtime, CPU, scheme or model file) and old crash leftovers. */
    private static void removeStaleEntries(Path entry) {
        long hourAgo = System.currentTimeMillis() - 3_600_000L;
        try (Stream<Path> siblings = Files.list(entry.getParent())) {
            for (Path sibling : siblings.toList()) {
                boolean temp = sibling.getFileName().toString().contains(".tmp-");
                if (sibling.equals(entry) || (temp && Files.getLastModifiedTime(sibling).toMillis() > hourAgo)) {
                    continue;
                }
                LOG.info("removing the stale int8 copy {}", sibling);
                OptimizedModelCache.deleteQuietly(sibling);
            }
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", entry.getParent(), e.toString());
        }
    }

    private static long folderBytes(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            long total = 0;
            for (Path path : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(path);
            }
            return total;
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
