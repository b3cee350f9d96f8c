package dev.imagine.bot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The model folder to load and its identity for the result cache: a hub model is named by repository and commit
 * (immutable), a local folder by its path and a digest of its files' names, sizes and modification times, so that
 * replacing the files never serves pictures of the old model.
 */
record ModelChoice(Path folder, String id, String revision) {

    static ModelChoice hub(Path folder, String repository) {
        Path name = folder.getFileName();
        return new ModelChoice(folder, repository, name == null ? folder.toString() : name.toString());
    }

    static ModelChoice local(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        return new ModelChoice(absolute, absolute.toString(), "local-" + digestOf(absolute));
    }

    private static boolean madeByImagine(Path folder, Path file) {
        for (Path part : folder.relativize(file)) {
            if (part.toString().startsWith(".imagine-")) {
                return true;
            }
        }
        return false;
    }

    private static String digestOf(Path folder) {
        if (!Files.isDirectory(folder)) {
            return "missing";
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            // What Imagine itself writes beside the networks (the optimized graphs, the int8 copy) is not the model:
            // the revision stays the same after a start that made them, so the pictures kept before keep their keys.
            List<Path> files = walk.filter(Files::isRegularFile).filter(file -> !madeByImagine(folder, file)).sorted()
                    .toList();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                String line = folder.relativize(file) + "|" + Files.size(file) + "|"
                        + Files.getLastModifiedTime(file).toMillis() + "\n";
                sha.update(line.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model folder " + folder, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
