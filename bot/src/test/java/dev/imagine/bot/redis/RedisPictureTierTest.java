package dev.imagine.bot.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.cache.CacheKey;
import dev.imagine.bot.cache.ResultCache;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The result cache shared through a real redis-server: one process's picture serves another, within its budget. */
class RedisPictureTierTest {
    private static RedisServer server;
    private static RedisConnections connections;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start();
        connections = new RedisConnections(server.url(), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stopRedis() {
        connections.close();
        server.close();
    }

    private static CacheKey key(char c) {
        return new CacheKey(String.valueOf(c).repeat(64));
    }

    @Test
    void aPictureOneProcessKept_answersTheSameRequestInAnother() {
        ResultCache worker = new ResultCache(1 << 20, new RedisPictureTier(connections, "{c1}:", 1 << 20));
        ResultCache bot = new ResultCache(1 << 20, new RedisPictureTier(connections, "{c1}:", 1 << 20));

        worker.put(key('a'), new byte[] {1, 2, 3});

        assertThat(bot.lookup(List.of(key('a')))).get().satisfies(pngs ->
                assertThat(pngs).containsExactly(new byte[] {1, 2, 3}));
        assertThat(bot.stats().hits()).isEqualTo(1);
        assertThat(bot.stats().diskEntries()).isEqualTo(1);
        assertThat(bot.stats().diskBytes()).isEqualTo(3);
    }

    @Test
    void theBudgetHolds_byRemovingTheLeastRecentlyUsedFirst() {
        RedisPictureTier tier = new RedisPictureTier(connections, "{c2}:", 10);
        tier.put(key('a'), new byte[4]);
        tier.put(key('b'), new byte[4]);
        assertThat(tier.get(key('a'))).isPresent(); // a is now more recent than b

        tier.put(key('c'), new byte[4]);

        assertThat(tier.get(key('b'))).as("least recently used").isEmpty();
        assertThat(tier.get(key('a'))).isPresent();
        assertThat(tier.get(key('c'))).isPresent();
        assertThat(tier.bytes()).isEqualTo(8);
        assertThat(tier.size()).isEqualTo(2);
    }

    @Test
    void aPictureLargerThanTheWholeBudget_isNotKept_andEvictsNothing() {
        RedisPictureTier tier = new RedisPictureTier(connections, "{c3}:", 10);
        tier.put(key('a'), new byte[4]);

        tier.put(key('b'), new byte[11]);

        assertThat(tier.get(key('b'))).isEmpty();
        assertThat(tier.get(key('a'))).isPresent();
    }

    @Test
    void aRemovedPicture_isGone_andItsBytesNoLongerCount() {
        RedisPictureTier tier = new RedisPictureTier(connections, "{c4}:", 100);
        tier.put(key('a'), new byte[4]);
        tier.put(key('b'), new byte[5]);

        tier.remove(key('a'));

        assertThat(tier.get(key('a'))).isEmpty();
        assertThat(tier.bytes()).isEqualTo(5);
        assertThat(tier.size()).isEqualTo(1);
    }
}
