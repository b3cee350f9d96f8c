package dev.imagine.bot.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A Redis URL's password is a secret: shown as *** everywhere but to the client, and never in an error. */
class RedisUrlTest {

    @Test
    void aPassword_isShownAsStars_butKeptForTheClient() {
        RedisUrl url = RedisUrl.parse("redis://:hunter2@queue.local:6380/1", "REDIS_URL");

        assertThat(url.value()).isEqualTo("redis://:hunter2@queue.local:6380/1");
        assertThat(url.redacted()).isEqualTo("redis://:***@queue.local:6380/1");
        assertThat(url).hasToString("redis://:***@queue.local:6380/1");
        assertThat(RedisUrl.parse("rediss://admin:hunter2@h:1", "x").redacted()).isEqualTo("rediss://admin:***@h:1");
        assertThat(RedisUrl.parse("redis://hunter2@h:1", "x").redacted()).isEqualTo("redis://***@h:1");
        assertThat(RedisUrl.parse("redis://h:1", "x").redacted()).isEqualTo("redis://h:1");
    }

    @Test
    void aUrlThatIsNotRedis_isRefused_namingItsSource_withoutThePassword() {
        assertThatThrownBy(() -> RedisUrl.parse("http://:hunter2@h:1", "REDIS_URL"))
                .hasMessage("REDIS_URL must start with redis:// or rediss://, as in redis://127.0.0.1:6379");
        assertThatThrownBy(() -> RedisUrl.parse("redis:// :hunter2@h", "redis.url"))
                .hasMessageStartingWith("redis.url is not a URL").message().doesNotContain("hunter2");
        assertThatThrownBy(() -> RedisUrl.parse("redis:///0", "redis.url"))
                .hasMessageStartingWith("redis.url names no host");
    }
}
