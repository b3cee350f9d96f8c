package dev.imagine.bot.cache;

import java.util.Optional;

/**
 * What stands behind the result cache's memory tier, within a byte budget of its own: this machine's disk (the
 * default: pictures survive a restart), or Redis, shared by every process of a deployment (a picture drawn by one
 * worker answers a request made to any bot process).
 */
public interface LowerTier {
    Optional<byte[]> get(CacheKey key);

    void put(CacheKey key, byte[] png);

    void remove(CacheKey key);

    /** How many pictures it holds. */
    long size();

    /** How many bytes they take. */
    long bytes();
}
