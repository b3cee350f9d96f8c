package dev.imagine.bot.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finished images by {@link CacheKey}: a memory tier (Caffeine, weighted by PNG bytes within a budget) in front of
 * a disk tier that survives restarts. A repeated request is answered from here without entering the queue.
 *
 * <p>A key names pixels, not words: two prompts that tokenize alike share an entry. The job service therefore puts
 * pictures here without their text chunk and writes each requester's own text on the way out; this class stores
 * the bytes as given.
 */
public final class ResultCache {
    private final Cache<CacheKey, byte[]> memory;
    private final DiskTier disk;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    /**
     * @param diskFolder  where PNGs are kept across restarts, or null for memory only
     */
    public ResultCache(long memoryBudgetBytes, Path diskFolder, long diskBudgetBytes) {
        this.memory = Caffeine.newBuilder()
                .maximumWeight(memoryBudgetBytes)
                .weigher((CacheKey key, byte[] png) -> png.length)
                .build();
        this.disk = diskFolder == null ? null : new DiskTier(diskFolder, diskBudgetBytes);
    }

    public Optional<byte[]> get(CacheKey key) {
        byte[] png = memory.getIfPresent(key);
        if (png == null && disk != null) {
            png = disk.get(key).orElse(null);
            if (png != null) {
                memory.put(key, png);
            }
        }
        (png == null ? misses : hits).incrementAndGet();
        return Optional.ofNullable(png);
    }

    /** Looks without counting a hit or a miss (for deciding, not for serving). */
    public boolean contains(CacheKey key) {
        return memory.getIfPresent(key) != null || (disk != null && disk.get(key).isPresent());
    }

    public void put(CacheKey key, byte[] png) {
        memory.put(key, png);
        if (disk != null) {
            disk.put(key, png);
        }
    }

    public void remove(CacheKey key) {
        memory.invalidate(key);
        if (disk != null) {
            disk.remove(key);
        }
    }

    public Stats stats() {
        memory.cleanUp();
        long memoryBytes = memory.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0L)).orElse(0L);
        return new Stats(hits.get(), misses.get(), memory.estimatedSize(), memoryBytes,
                disk == null ? 0 : disk.fileCount(), disk == null ? 0 : disk.usedBytes());
    }

    /** Observable state for /metrics and logs. */
    public record Stats(long hits, long misses, long memoryEntries, long memoryBytes, long diskEntries,
                        long diskBytes) {
        public double hitRate() {
            long total = hits + misses;
            return total == 0 ? 0 : (double) hits / total;
        }
    }
}
