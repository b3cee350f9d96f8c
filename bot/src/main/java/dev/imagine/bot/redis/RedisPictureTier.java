package dev.imagine.bot.redis;

import dev.imagine.bot.cache.CacheKey;
import dev.imagine.bot.cache.LowerTier;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The result cache's lower tier in Redis, shared by every process: a picture drawn by any worker answers the same
 * request made to any bot, and a download from any process finds it. An exact byte budget with exact LRU order, kept
 * by scripts (cache_put, cache_get, cache_remove) under a hash tag of its own, {@value #PREFIX}, so that the cache
 * can move to another Redis later without touching the queue's keys. A Redis that cannot be reached makes the cache
 * miss (the picture is drawn again), never a request fail.
 */
public final class RedisPictureTier implements LowerTier {
    private static final Logger LOG = LoggerFactory.getLogger(RedisPictureTier.class);
    public static final String PREFIX = "{imagine-cache}:";

    private final RedisCommands<String, byte[]> redis;
    private final RedisScripts scripts;
    private final String prefix;
    private final long budgetBytes;
    private final String[] keys;

    RedisPictureTier(RedisConnections connections, String prefix, long budgetBytes) {
        this.redis = connections.shared();
        this.scripts = new RedisScripts(redis);
        this.prefix = prefix;
        this.budgetBytes = budgetBytes;
        this.keys = new String[] {prefix + "lru"};
    }

    @Override
    public Optional<byte[]> get(CacheKey key) {
        try {
            byte[] png = scripts.run("cache_get", ScriptOutputType.VALUE, keys, prefix, "", key.digest());
            return Optional.ofNullable(png);
        } catch (RuntimeException e) {
            LOG.warn("the shared picture cache could not be read ({}); drawing instead", e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void put(CacheKey key, byte[] png) {
        try {
            scripts.run("cache_put", ScriptOutputType.MULTI, keys, prefix, "", key.digest(), png, budgetBytes);
        } catch (RuntimeException e) {
            LOG.warn("the shared picture cache could not keep a picture ({})", e.toString());
        }
    }

    @Override
    public void remove(CacheKey key) {
        scripts.run("cache_remove", ScriptOutputType.INTEGER, keys, prefix, "", key.digest());
    }

    @Override
    public long size() {
        try {
            return redis.zcard(keys[0]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public long bytes() {
        try {
            byte[] bytes = redis.get(prefix + "bytes");
            return bytes == null ? 0 : Long.parseLong(new String(bytes, java.nio.charset.StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
