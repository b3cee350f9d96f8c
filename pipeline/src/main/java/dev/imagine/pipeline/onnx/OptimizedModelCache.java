package dev.imagine.pipeline.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime's optimized graph of a model, kept on disk beside it. Optimizing the full-size UNet at level ALL
 * (constant folding, fusions, the NCHWc convolution layout) takes 13-22 s on 2 cores; loading the saved result
 * with optimizations off takes a few seconds. The saved graph is specific to the ONNX Runtime version, the
 * optimization level and the CPU (NCHWc block sizes follow the vector width), so all three, and the source files'
 * sizes and dates, are in the folder name: {@code <model dir>/.imagine-ort/<key>/model.onnx (+ model.onnx_data)}.
 * A missing or unreadable entry is rebuilt; a folder that cannot be written only costs the speed-up.
 */
final class OptimizedModelCache {
    private static final Logger LOG = LoggerFactory.getLogger(OptimizedModelCache.class);
    static final String FOLDER = ".imagine-ort";
    static final String COMPLETE = "complete";
    private static final String DATA = "model.onnx_data";

    private OptimizedModelCache() {
    }

    /** The cache entry for {@code file} under {@code settings}; it need not exist. */
    static Path entry(OrtEnvironment env, Path file, SessionSettings settings) throws IOException {
        return file.toAbsolutePath().getParent().resolve(FOLDER).resolve(key(env, file, settings));
    }

    /** Loads the cached optimized graph, or optimizes {@code file} and saves the result for next time. */
    static OrtSession load(OrtEnvironment env, Path file, SessionSettings settings) throws OrtException {
        Path entry;
        try {
            entry = entry(env, file, settings);
        } catch (IOException e) {
            LOG.warn("cannot key the optimized-model cache for {}: {}", file, e.toString());
            return create(env, file, settings.toOptions());
        }
        Path cached = entry.resolve("model.onnx");
        if (Files.isRegularFile(entry.resolve(COMPLETE)) && Files.isRegularFile(cached)) {
            try (OrtSession.SessionOptions options =
                         settings.toOptions(OrtSession.SessionOptions.OptLevel.NO_OPT)) {
                OrtSession session = env.createSession(cached.toString(), options);
                LOG.debug("loaded the optimized graph of {} from {}", file, entry);
                return session;
            } catch (OrtException | RuntimeException e) {
                LOG.warn("the optimized graph in {} does not load ({}); optimizing {} again", entry, e.getMessage(),
                        file);
                deleteQuietly(entry);
            }
        }
        return optimizeAndSave(env, file, settings, entry);
    }

    private static OrtSession optimizeAndSave(OrtEnvironment env, Path file, SessionSettings settings, Path entry)
            throws OrtException {
        Path temp;
        try {
            Files.createDirectories(entry.getParent());
            removeStaleEntries(entry);
            temp = Files.createTempDirectory(entry.getParent(), entry.getFileName() + ".tmp-");
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("cannot write the optimized-model cache beside {} ({}); every start will optimize again",
                    file, e.toString());
            return create(env, file, settings.toOptions());
        }
        OrtSession session;
        try (OrtSession.SessionOptions options = settings.toOptions()) {
            options.setOptimizedModelFilePath(temp.resolve("model.onnx").toString());
            options.addConfigEntry("session.optimized_model_external_initializers_file_name", DATA);
            options.addConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
            session = env.createSession(file.toString(), options);
        } catch (OrtException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
        try {
            Files.writeString(temp.resolve(COMPLETE), "source=" + file.toAbsolutePath() + "\nonnxruntime="
                    + env.getVersion() + "\nlevel=" + settings.optimizationLevel() + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, entry);
            }
            LOG.info("saved the optimized graph of {} in {} for faster later starts", file, entry);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            deleteQuietly(temp); // another process was quicker; its entry is as good as ours
        } catch (IOException e) {
            LOG.warn("cannot save the optimized graph of {} ({}); every start will optimize again", file,
                    e.toString());
            deleteQuietly(temp);
        }
        return session;
    }

    /**
     * Entries of this model folder under other keys (an older ONNX Runtime, other settings, another CPU) and
     * temporary folders left by a crash more than an hour ago: each can be gigabytes.
     */
    private static void removeStaleEntries(Path entry) {
        long hourAgo = System.currentTimeMillis() - 3_600_000L;
        try (Stream<Path> siblings = Files.list(entry.getParent())) {
            for (Path sibling : siblings.toList()) {
                String name = sibling.getFileName().toString();
                boolean temp = name.contains(".tmp-");
                if (sibling.equals(entry) || (temp && Files.getLastModifiedTime(sibling).toMillis() > hourAgo)) {
                    continue;
                }
                LOG.info("removing the stale optimized graph {}", sibling);
                deleteQuietly(sibling);
            }
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", entry.getParent(), e.toString());
        }
    }

    private static OrtSession create(OrtEnvironment env, Path file, OrtSession.SessionOptions options)
            throws OrtException {
        try (options) {
            return env.createSession(file.toString(), options);
        }
    }

    /** ORT version, level, CPU and the source files' sizes and dates; readable prefix, hashed rest. */
    static String key(OrtEnvironment env, Path file, SessionSettings settings) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append(env.getVersion()).append('\n').append(settings.optimizationLevel()).append('\n');
        text.append(cpuSignature()).append('\n');
        for (Path source : sourceFiles(file)) {
            text.append(source.getFileName()).append(' ').append(Files.size(source)).append(' ')
                    .append(Files.getLastModifiedTime(source).toMillis()).append('\n');
        }
        String level = settings.optimizationLevel().name().replace("_OPT", "").toLowerCase(Locale.ROOT);
        return "ort" + env.getVersion() + "-" + level + "-" + sha256(text.toString()).substring(0, 16);
    }

    /** The model file and its external-data files (optimum writes {@code model.onnx_data}). */
    static List<Path> sourceFiles(Path file) throws IOException {
        Path data = file.resolveSibling(file.getFileName() + "_data");
        return Files.isRegularFile(data) ? List.of(file, data) : List.of(file);
    }

    /** CPU model and feature flags from /proc/cpuinfo (the first processor), else the JVM's view. */
    static String cpuSignature() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        StringBuilder signature = new StringBuilder(System.getProperty("os.arch", "?"));
        if (Files.isReadable(cpuinfo)) {
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                lines.takeWhile(line -> !line.isBlank())
                        .filter(line -> line.startsWith("model name") || line.startsWith("flags")
                                || line.startsWith("Features"))
                        .forEach(line -> signature.append('|').append(line.substring(line.indexOf(':') + 1).trim()));
            } catch (IOException | RuntimeException e) {
                signature.append("|cpuinfo unreadable");
            }
        }
        return signature.toString();
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static void deleteQuietly(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", folder, e.toString());
        }
    }

    /** Total size of the model and its external data. */
    static long sourceBytes(Path file) {
        try {
            long total = 0;
            for (Path source : sourceFiles(file)) {
                total += Files.size(source);
            }
            return total;
        } catch (IOException e) {
            return 0;
        }
    }
}
