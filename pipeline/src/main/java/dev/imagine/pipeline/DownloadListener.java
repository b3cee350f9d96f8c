package dev.imagine.pipeline;

import java.nio.file.Path;

/**
 * Follows a {@link ModelStore#pull pull}: which files are fetched, and how many bytes of each and of the whole
 * model have arrived. Called on the pulling thread; implementations should return quickly. Every method has an
 * empty default, so a listener implements only what it shows.
 */
public interface DownloadListener {

    /** A listener that ignores everything. */
    DownloadListener NONE = new DownloadListener() { };

    /**
     * Another process or store holds the lock of this model (it is downloading it); the pull waits for it to finish
     * and then uses what it downloaded.
     */
    default void onWaitingForLock(ModelRef ref, Path lockFile) {
    }

    /**
     * The download starts.
     *
     * @param commit        the commit the revision resolved to
     * @param files         how many files will be fetched (files already present and verified are not counted)
     * @param totalBytes    their total size
     * @param alreadyBytes  bytes already on disk from an interrupted earlier attempt (resumed, not fetched again)
     */
    default void onStart(ModelRef ref, String commit, int files, long totalBytes, long alreadyBytes) {
    }

    /** One file starts (or resumes at {@code resumedAt} bytes). */
    default void onFileStart(String path, long size, long resumedAt) {
    }

    /**
     * Bytes arrived.
     *
     * @param path        the file being written
     * @param fileBytes   bytes of this file on disk so far
     * @param fileSize    its expected size
     * @param totalBytes  bytes of the whole download on disk so far (including resumed ones)
     * @param totalSize   the size of the whole download
     */
    default void onBytes(String path, long fileBytes, long fileSize, long totalBytes, long totalSize) {
    }

    /** One file was downloaded, verified and moved into place. */
    default void onFileDone(String path) {
    }

    /** Every file is in place and verified; the folder is marked complete. */
    default void onFinish(Path folder) {
    }
}
