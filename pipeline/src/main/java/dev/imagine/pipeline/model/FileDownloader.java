package dev.imagine.pipeline.model;

import dev.imagine.pipeline.ModelStoreException;
import dev.imagine.pipeline.ModelStoreException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one hub file into its {@code .part} file and checks it. An interrupted transfer keeps what arrived and
 * continues with {@code Range: bytes=N-}: a 206 answer starting at N is appended, a 200 answer (the server ignored
 * the range) starts the file over, a 416 answer drops the part and starts over. The bytes already on disk are hashed
 * again before appending, so the final check covers the whole file. The part is complete only when its size and
 * its sha256 (LFS) or git blob sha1 (git) equal the listing's.
 */
public final class FileDownloader {
    private static final Logger LOG = LoggerFactory.getLogger(FileDownloader.class);
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    private static final int BUFFER = 1 << 16;

    /** Receives the number of bytes of the file on disk, after every chunk. */
    @FunctionalInterface
    public interface Progress {
        void onDisk(long fileBytes);
    }

    /** The downloaded content is not what the listing promised. */
    public static final class ChecksumMismatchException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String expected;
        private final String actual;

        ChecksumMismatchException(String message, String expected, String actual) {
            super(message);
            this.expected = expected;
            this.actual = actual;
        }

        public String expected() {
            return expected;
        }

        public String actual() {
            return actual;
        }
    }

    private final HubClient hub;
    private final int maxAttempts;

    /**
     * @param maxAttempts how many times one call may (re)connect when the transfer breaks off before giving up
     *                    (the part file is kept, so a later call resumes)
     */
    public FileDownloader(HubClient hub, int maxAttempts) {
        this.hub = hub;
        this.maxAttempts = maxAttempts;
    }

    /**
     * Brings {@code part} to the complete, verified content of {@code file}, resuming what is there.
     *
     * @throws ChecksumMismatchException the content arrived whole but has another size or hash; the part is left
     *                                   for the caller to delete
     */
    public void download(String repo, String commit, HubFile file, Path part, Progress progress)
            throws ChecksumMismatchException {
        String lastFailure = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            long have;
            MessageDigest digest = Hashing.newDigest(file);
            try {
                Files.createDirectories(part.getParent());
                have = Files.exists(part) ? Files.size(part) : 0;
                if (have > file.size()) {
                    LOG.info("{}: the partial file is longer than the file ({} > {} bytes); starting over",
                            file.path(), have, file.size());
                    Files.delete(part);
                    have = 0;
                }
                if (have > 0) {
                    Hashing.update(digest, part, have);
                }
            } catch (IOException e) {
                throw ioFailure(part, e);
            }
            progress.onDisk(have);
            if (have == file.size()) {
                check(file, have, digest);
                return;
            }
            try (HubClient.FileResponse response = hub.openFile(repo, commit, file.path(), have)) {
                checkAnnounced(repo, commit, file, response);
                if (response.status() == 416) {
                    LOG.info("{}: the server cannot resume at byte {} (HTTP 416); starting over", file.path(), have);
                    Files.deleteIfExists(part);
                    lastFailure = "HTTP 416 for a resume at byte " + have;
                    continue;
                }
                boolean append = have > 0 && response.status() == 206 && response.rangeStart() == have;
                if (have > 0 && !append) {
                    LOG.info("{}: the server did not resume at byte {} (HTTP {}); starting over", file.path(), have,
                            response.status());
                    have = 0;
                    digest = Hashing.newDigest(file);
                    progress.onDisk(0);
                } else if (have > 0) {
                    LOG.info("{}: resuming at byte {} of {}", file.path(), have, file.size());
                }
                long start = have;
                have = copy(response.body(), part, append, have, file.size(), digest, progress);
                if (response.length() >= 0 && have < start + response.length()) {
                    throw new IOException("the connection closed after " + (have - start) + " of "
                            + response.length() + " bytes");
                }
                if (response.length() < 0 && have < file.size()) {
                    throw new IOException("the connection closed after " + have + " of " + file.size() + " bytes");
                }
                check(file, have, digest);
                return;
            } catch (IOException e) {
                if (isDiskFull(e)) {
                    throw new ModelStoreException(Reason.DISK_FULL, "the disk is full: cannot write " + part
                            + ". Free some space there (or choose another cache folder with --cache-dir) and pull "
                            + "again; what was downloaded is kept and resumed.", e);
                }
                lastFailure = e.getMessage();
                long kept = sizeOf(part);
                LOG.warn("download of {} interrupted ({}), {} of {} bytes kept{}", file.path(), e.getMessage(), kept,
                        file.size(), attempt < maxAttempts ? "; resuming" : "");
            }
        }
        throw new ModelStoreException(Reason.UNREACHABLE, "the download of " + file.path() + " from " + repo + "@"
                + commit + " broke off " + maxAttempts + " times (last: " + lastFailure + "). " + sizeOf(part)
                + " of " + file.size() + " bytes are kept in " + part + "; pull again to resume. If the connection "
                + "keeps failing, set HF_ENDPOINT to a mirror of the hub.");
    }

    private static long copy(InputStream in, Path part, boolean append, long have, long size, MessageDigest digest,
                             Progress progress) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long written = have;
        try (FileChannel out = append
                ? FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                : FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (n == 0) {
                    continue;
                }
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                digest.update(buffer, 0, n);
                written += n;
                progress.onDisk(written);
                if (written > size) {
                    break;
                }
            }
            out.force(true);
        }
        return written;
    }

    private static void check(HubFile file, long have, MessageDigest digest) throws ChecksumMismatchException {
        if (have != file.size()) {
            throw new ChecksumMismatchException(file.path() + " has " + have + " bytes instead of " + file.size(),
                    file.size() + " bytes", have + " bytes");
        }
        String actual = Hashing.hex(digest);
        if (!actual.equalsIgnoreCase(file.expectedHash())) {
            throw new ChecksumMismatchException(file.path() + " has " + file.hashName() + " " + actual
                    + " instead of " + file.expectedHash(), file.expectedHash(), actual);
        }
    }

    /** The hub's size and ETag headers for the file must agree with the listing the files were chosen from. */
    private static void checkAnnounced(String repo, String commit, HubFile file, HubClient.FileResponse response) {
        if (response.linkedSize() >= 0 && response.linkedSize() != file.size()) {
            throw new ModelStoreException(Reason.HUB_ERROR, "the hub lists " + file.path() + " of " + repo + "@"
                    + commit + " with " + file.size() + " bytes but announces " + response.linkedSize()
                    + " bytes when downloading it (X-Linked-Size / Content-Length)");
        }
        String etag = response.etag();
        if (etag != null && HASH.matcher(etag).matches() && !etag.equals(file.sha256())
                && !etag.equals(file.gitOid())) {
            throw new ModelStoreException(Reason.HUB_ERROR, "the hub serves another version of " + file.path()
                    + " of " + repo + "@" + commit + " (ETag " + etag + ") than it lists (" + file.hashName() + " "
                    + file.expectedHash() + ")");
        }
    }

    static boolean isDiskFull(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("no space left") || m.contains("not enough space") || m.contains("disk full")) {
                return true;
            }
        }
        return false;
    }

    private static long sizeOf(Path part) {
        try {
            return Files.exists(part) ? Files.size(part) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static ModelStoreException ioFailure(Path part, IOException e) {
        return new ModelStoreException(Reason.IO, "cannot use " + part + ": " + e.getMessage(), e);
    }
}
