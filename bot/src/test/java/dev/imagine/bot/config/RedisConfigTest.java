package dev.imagine.bot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The keys of queue.backend: redis (README "Many machines"): defaults, the shipped deploy file, and bad values. */
class RedisConfigTest {

    @Test
    void byDefault_theQueueIsEmbedded_andThisProcessDraws() {
        ImagineConfig config = ConfigLoader.defaults();

        assertThat(config.redisBackend()).isFalse();
        assertThat(config.workerEnabled()).isTrue();
        assertThat(config.redisUrl(Map.of())).isEqualTo("redis://127.0.0.1:6379");
        assertThat(config.redisCacheBytes()).isEqualTo(256L << 20);
    }

    @Test
    void theDeployFileOfTheComposeSetup_isAValidConfig_forABotThatDoesNotDraw() {
        ImagineConfig config = ConfigLoader.load(Path.of("../deploy/config.redis.yaml").toAbsolutePath().normalize());

        assertThat(config.redisBackend()).isTrue();
        assertThat(config.workerEnabled()).isFalse();
        assertThat(config.redisUrl(Map.of())).isEqualTo("redis://redis:6379");
    }

    @Test
    void redisUrlFromTheEnvironment_overridesTheFile() {
        ImagineConfig config = ConfigLoader.parse("queue:\n  backend: redis\n", "config.yaml");

        assertThat(config.redisUrl(Map.of("REDIS_URL", " redis://:pw@queue.local:6380/2 ")))
                .isEqualTo("redis://:pw@queue.local:6380/2");
        assertThat(config.redisUrlSource(Map.of("REDIS_URL", "redis://x"))).isEqualTo("REDIS_URL");
        assertThat(config.redisUrlSource(Map.of())).isEqualTo("redis.url");
    }

    @Test
    void configCheck_showsTheUrlWithoutItsPassword() {
        ImagineConfig config = ConfigLoader.parse("redis:\n  url: redis://admin:hunter2@queue.local:6379\n",
                "config.yaml");

        assertThat(config.describe()).contains("redis.url = redis://admin:***@queue.local:6379")
                .doesNotContain("hunter2");
        assertThat(ImagineConfig.redactPassword("redis://hunter2@h:1")).isEqualTo("redis://***@h:1");
        assertThat(ImagineConfig.redactPassword("rediss://:hunter2@h:1/0")).isEqualTo("rediss://:***@h:1/0");
    }

    @Test
    void aProcessThatDoesNotDraw_needsTheSharedQueue_andTheErrorSaysWhatToChange() {
        assertThatThrownBy(() -> ConfigLoader.parse("worker:\n  enabled: false\n", "config.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("worker.enabled: false needs queue.backend: redis");
    }

    @Test
    void aRedisUrlThatIsNotOne_isRefused_withoutShowingItsPassword() {
        assertThatThrownBy(() -> ConfigLoader.parse("redis:\n  url: http://u:hunter2@host\n", "config.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'redis.url' must look like redis://host:6379")
                .message().doesNotContain("hunter2");
        assertThatThrownBy(() -> ConfigLoader.parse("queue:\n  backend: cluster\n", "config.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("queue.backend");
    }
}
