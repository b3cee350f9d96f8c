package dev.imagine.pipeline.model;

import dev.imagine.pipeline.ModelStoreException;
import dev.imagine.pipeline.ModelStoreException.Reason;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on one snapshot, held while it is downloaded, verified or repaired. Between processes it is an
 * OS file lock ({@link FileChannel#lock()}) on the lock file; inside one JVM a lock per file path comes first, since
 * the JVM refuses a second {@code FileLock} on a file it already locks. Whoever has to wait is told first (the
 * {@code onWait} callback), then blocks until the holder closes its lock. The lock file itself is left in place:
 * deleting it would let a third process lock a different file of the same name.
 */
public final class FolderLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock fileLock;

    private FolderLock(ReentrantLock local, FileChannel channel, FileLock fileLock) {
        this.local = local;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /** Takes the lock on {@code lockFile}, calling {@code onWait} once if someone else holds it. */
    public static FolderLock acquire(Path lockFile, Runnable onWait) {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        boolean waited = false;
        if (!local.tryLock()) {
            onWait.run();
            waited = true;
            local.lock();
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(key.getParent());
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                if (!waited) {
                    onWait.run();
                }
                lock = channel.lock();
            }
            return new FolderLock(local, channel, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            local.unlock();
            throw new ModelStoreException(Reason.IO, "cannot lock " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            fileLock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it as well
        } finally {
            closeQuietly(channel);
            local.unlock();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
