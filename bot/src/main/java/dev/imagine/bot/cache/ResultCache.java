package dev.imagine.bot.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finished images by {@link CacheKey}: a memory tier (Caffeine, weighted by PNG bytes within a budget) in front of
 * a {@link LowerTier}: a disk tier that survives restarts, or Redis shared by every process of a deployment. A repeated request is answered from here without entering the queue.
 *
 * <p>A key names pixels, not words: two prompts that tokenize alike share an entry. The job service therefore puts
 * pictures here without their text chunk and writes each requester's own text on the way out; this class stores
 * the bytes as given.
 */
public final class ResultCache {
    private final Cache<CacheKey, byte[]> memory;
    private final LowerTier disk;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    /**
     * @param diskFolder  where PNGs are kept across restarts, or null for memory only
     */
    public ResultCache(long memoryBudgetBytes, Path diskFolder, long diskBudgetBytes) {
        this(memoryBudgetBytes, diskFolder == null ? null : new DiskTier(diskFolder, diskBudgetBytes));
    }

    /**
     * A cache whose memory tier stands in front of {@code lower} (the disk, or Redis shared by every process), or of
     * nothing when it is null.
     */
    public ResultCache(long memoryBudgetBytes, LowerTier lower) {
        this.memory = Caffeine.newBuilder()
                .maximumWeight(memoryBudgetBytes)
                .weigher((CacheKey key, byte[] png) -> png.length)
                .build();
        this.disk = lower;
    }

    /**
     * Answers a request for one picture from the cache: counts one hit when it is there, else one miss.
     * Use {@link #lookup} for a request of several pictures, {@link #read} to deliver a stored one.
     */
    public Optional<byte[]> get(CacheKey key) {
        return lookup(List.of(key)).map(List::getFirst);
    }

    /**
     * Answers a request from the cache: all its pictures, or none. Counts one hit when every key is there (the
     * request needs no generation), else one miss (it has to be generated, or wait for an identical one in flight).
     */
    public Optional<List<byte[]>> lookup(List<CacheKey> keys) {
        List<byte[]> pngs = new ArrayList<>(keys.size());
        for (CacheKey key : keys) {
            Optional<byte[]> png = read(key);
            if (png.isEmpty()) {
                misses.incrementAndGet();
                return Optional.empty();
            }
            pngs.add(png.get());
        }
        hits.incrementAndGet();
        return Optional.of(pngs);
    }

    /** A stored picture, for delivering a finished job (a download is not a request answered by the cache). */
    public Optional<byte[]> read(CacheKey key) {
        byte[] png = memory.getIfPresent(key);
        if (png == null && disk != null) {
            png = disk.get(key).orElse(null);
            if (png != null) {
                memory.put(key, png);
            }
        }
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
                disk == null ? 0 : disk.size(), disk == null ? 0 : disk.bytes());
    }

    /**
     * Observable state for /metrics and logs.
     *
     * @param hits   requests answered from the cache without generating
     * @param misses requests the cache could not answer
     */
    public record Stats(long hits, long misses, long memoryEntries, long memoryBytes, long diskEntries,
                        long diskBytes) {
        public double hitRate() {
            long total = hits + misses;
            return total == 0 ? 0 : (double) hits / total;
        }
    }
}
