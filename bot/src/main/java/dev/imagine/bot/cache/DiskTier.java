package dev.imagine.bot.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PNG files on disk, one per key, so results survive restarts. Bounded in total size: when over budget the files
 * written longest ago are removed first. Writes go through a temporary file and an atomic move, so a reader never
 * sees half a PNG.
 */
final class DiskTier implements LowerTier {
    private static final Logger LOG = LoggerFactory.getLogger(DiskTier.class);
    private static final String SUFFIX = ".png";

    private final Path folder;
    private final long budgetBytes;
    private long usedBytes;

    DiskTier(Path folder, long budgetBytes) {
        this.folder = folder;
        this.budgetBytes = budgetBytes;
        try {
            Files.createDirectories(folder);
            usedBytes = entries().stream().mapToLong(Entry::size).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the cache folder " + folder, e);
        }
    }

    private record Entry(Path file, long size, FileTime written) {
    }

    @Override
    public synchronized Optional<byte[]> get(CacheKey key) {
        Path file = fileOf(key);
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
        } catch (IOException e) {
            LOG.warn("cannot read cached result {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public synchronized void put(CacheKey key, byte[] png) {
        if (png.length > budgetBytes) {
            return;
        }
        Path file = fileOf(key);
        try {
            if (Files.isRegularFile(file)) {
                return;
            }
            Path temp = Files.createTempFile(folder, ".put-", ".tmp");
            try {
                Files.write(temp, png);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
            usedBytes += png.length;
            evictOverBudget();
        } catch (IOException e) {
            // A full or read-only disk must not fail the job: the memory tier still has the image.
            LOG.warn("cannot write cached result {}: {}", file, e.toString());
        }
    }

    @Override
    public synchronized void remove(CacheKey key) {
        Path file = fileOf(key);
        try {
            long size = Files.isRegularFile(file) ? Files.size(file) : 0;
            if (Files.deleteIfExists(file)) {
                usedBytes -= size;
            }
        } catch (IOException e) {
            LOG.warn("cannot delete cached result {}: {}", file, e.toString());
        }
    }

    @Override
    public long bytes() {
        return usedBytes();
    }

    @Override
    public long size() {
        return fileCount();
    }

    synchronized long usedBytes() {
        return usedBytes;
    }

    synchronized int fileCount() {
        try {
            return entries().size();
        } catch (IOException e) {
            return 0;
        }
    }

    private void evictOverBudget() throws IOException {
        if (usedBytes <= budgetBytes) {
            return;
        }
        List<Entry> entries = entries();
        entries.sort(Comparator.comparing(Entry::written).thenComparing(entry -> entry.file().getFileName()));
        for (Entry entry : entries) {
            if (usedBytes <= budgetBytes) {
                break;
            }
            if (Files.deleteIfExists(entry.file())) {
                usedBytes -= entry.size();
            }
        }
    }

    private List<Entry> entries() throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().endsWith(SUFFIX)) {
                    entries.add(new Entry(file, Files.size(file), Files.getLastModifiedTime(file)));
                }
            }
        }
        return entries;
    }

    private Path fileOf(CacheKey key) {
        return folder.resolve(key.digest() + SUFFIX);
    }
}
