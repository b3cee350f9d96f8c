package dev.imagine.pipeline.vae;

import dev.imagine.pipeline.PipelineException;
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
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rewritten copy of a legacy VAE encoder (one that samples inside its graph), kept on disk beside it like the
 * optimized-graph cache: {@code vae_encoder/.imagine-graph/latent-distribution-<key>/model.onnx}, the key made of the
 * source's size and date and the rewrite's version. A stale entry is replaced; if the folder cannot be written the
 * copy goes to a temporary folder for this process only.
 */
final class LegacyEncoderFile {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyEncoderFile.class);
    static final String FOLDER = ".imagine-graph";
    static final String COMPLETE = "complete";
    private static final String VERSION = "latent-distribution-v1";

    record Rewritten(Path file, String mean, String std) {
    }

    private LegacyEncoderFile() {
    }

    /** The rewritten copy for a legacy export, or null for an export that outputs latent_parameters. */
    static Rewritten prepare(Path source) {
        Path entry;
        try {
            entry = source.toAbsolutePath().getParent().resolve(FOLDER).resolve(key(source));
        } catch (IOException e) {
            throw new PipelineException("cannot read " + source + ": " + e.getMessage(), e);
        }
        Rewritten cached = readEntry(entry);
        if (cached != null) {
            return cached;
        }
        byte[] model;
        try {
            model = Files.readAllBytes(source);
        } catch (IOException e) {
            throw new PipelineException("cannot read " + source + ": " + e.getMessage(), e);
        }
        EncoderGraph graph = EncoderGraph.parse(model);
        if (graph.outputs().contains(VaeEncoder.PARAMETERS) || !graph.outputs().contains(VaeEncoder.SAMPLED)) {
            return null;
        }
        EncoderGraph.Distribution distribution = graph.sampledDistribution(VaeEncoder.SAMPLED).orElseThrow(() ->
                new PipelineException(source + " outputs latent_sample, but its graph does not end in mean + std * "
                        + "noise, so diffusers' sampling cannot be reproduced; export the VAE encoder with optimum 1.23 "
                        + "or later (output latent_parameters)"));
        byte[] rewritten = graph.withFloatOutputs(List.of(distribution.mean(), distribution.std()));
        LOG.info("{} samples inside its graph (an optimum 1.14-1.22 export); using a copy that also outputs the "
                + "distribution's mean and std ({}, {})", source, distribution.mean(), distribution.std());
        try {
            return write(source, entry, rewritten, distribution);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("cannot save the rewritten VAE encoder beside {} ({}); using a temporary copy", source,
                    e.toString());
            try {
                Path temp = Files.createTempDirectory("imagine-vae-encoder-");
                Rewritten written = writeInto(source, temp, rewritten, distribution);
                temp.toFile().deleteOnExit();
                try (Stream<Path> files = Files.list(temp)) {
                    files.forEach(f -> f.toFile().deleteOnExit());
                }
                return written;
            } catch (IOException again) {
                throw new PipelineException("cannot write a rewritten copy of " + source + ": " + again, again);
            }
        }
    }

    private static Rewritten readEntry(Path entry) {
        Path complete = entry.resolve(COMPLETE);
        if (!Files.isRegularFile(complete) || !Files.isRegularFile(entry.resolve("model.onnx"))) {
            return null;
        }
        try {
            Properties names = new Properties();
            names.load(Files.newBufferedReader(complete, StandardCharsets.UTF_8));
            String mean = names.getProperty("mean");
            String std = names.getProperty("std");
            return mean == null || std == null ? null : new Rewritten(entry.resolve("model.onnx"), mean, std);
        } catch (IOException e) {
            return null;
        }
    }

    private static Rewritten write(Path source, Path entry, byte[] model, EncoderGraph.Distribution distribution)
            throws IOException {
        Files.createDirectories(entry.getParent());
        removeStale(entry);
        Path temp = Files.createTempDirectory(entry.getParent(), entry.getFileName() + ".tmp-");
        try {
            writeInto(source, temp, model, distribution);
            try {
                Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, entry);
            }
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            // another process was quicker; its copy is the same
        } finally {
            delete(temp);
        }
        Rewritten written = readEntry(entry);
        if (written == null) {
            throw new IOException("the entry " + entry + " is incomplete");
        }
        return written;
    }

    private static Rewritten writeInto(Path source, Path folder, byte[] model, EncoderGraph.Distribution distribution)
            throws IOException {
        Path file = folder.resolve("model.onnx");
        Files.write(file, model);
        Path data = source.resolveSibling(source.getFileName() + "_data");
        if (Files.isRegularFile(data)) {
            // external weights stay where they are; ONNX Runtime finds them through the link
            Files.createSymbolicLink(folder.resolve(data.getFileName()), data.toAbsolutePath());
        }
        Properties names = new Properties();
        names.setProperty("mean", distribution.mean());
        names.setProperty("std", distribution.std());
        names.setProperty("source", source.toAbsolutePath().toString());
        try (var writer = Files.newBufferedWriter(folder.resolve(COMPLETE), StandardCharsets.UTF_8)) {
            names.store(writer, "VAE encoder rewritten to output the latent distribution (" + VERSION + ")");
        }
        return new Rewritten(file, distribution.mean(), distribution.std());
    }

    private static void removeStale(Path entry) {
        try (Stream<Path> siblings = Files.list(entry.getParent())) {
            for (Path sibling : siblings.toList()) {
                if (!sibling.equals(entry) && !sibling.getFileName().toString().contains(".tmp-")) {
                    delete(sibling);
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", entry.getParent(), e.toString());
        }
    }

    static String key(Path source) throws IOException {
        String text = VERSION + "\n" + Files.size(source) + "\n" + Files.getLastModifiedTime(source).toMillis();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return VERSION + "-" + HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static void delete(Path folder) {
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
}
