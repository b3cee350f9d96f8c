package dev.imagine.pipeline.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The checksums the hub lists: sha256 of the content for LFS files, and git's blob id for files stored in git,
 * {@code sha1("blob " + size + "\0" + content)}.
 */
public final class Hashing {
    private static final int BUFFER = 1 << 16;

    private Hashing() {
    }

    /** A digest ready to take the content of {@code file}: for a git blob the header is already fed. */
    public static MessageDigest newDigest(HubFile file) {
        if (file.isLfs()) {
            return digest("SHA-256");
        }
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(("blob " + file.size() + "\0").getBytes(StandardCharsets.US_ASCII));
        return sha1;
    }

    /** Feeds the first {@code length} bytes of {@code path} (all of it when -1) into {@code digest}. */
    public static void update(MessageDigest digest, Path path, long length) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long left = length < 0 ? Long.MAX_VALUE : length;
        try (InputStream in = Files.newInputStream(path)) {
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                digest.update(buffer, 0, n);
                left -= n;
            }
        }
    }

    /** The hash of {@code path} the way {@code file}'s expected hash is computed. */
    public static String hashOf(Path path, HubFile file) throws IOException {
        MessageDigest digest = newDigest(file);
        update(digest, path, -1);
        return hex(digest);
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest("SHA-256").digest(bytes));
    }

    public static String gitBlobSha1(byte[] bytes) {
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(sha1.digest(bytes));
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JDK", e);
        }
    }
}
