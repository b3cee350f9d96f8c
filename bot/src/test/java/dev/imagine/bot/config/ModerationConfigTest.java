package dev.imagine.bot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The moderation, rate-limit and audit sections of config.yaml: defaults, every key mapped, errors naming the key. */
class ModerationConfigTest {

    @Test
    void defaults_noOperators_twentyPicturesPerTenMinutes_andNinetyDaysOfAudit() {
        ImagineConfig config = ConfigLoader.defaults();

        assertThat(config.operators()).isEmpty();
        assertThat(config.ratePictures()).isEqualTo(20);
        assertThat(config.rateWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.auditRetention()).isEqualTo(Duration.ofDays(90));
    }

    @Test
    void everyKey_isRead() {
        ImagineConfig config = ConfigLoader.parse("""
                moderation:
                  operators: ["discord:123456789012345678", "telegram:12345678"]
                rate-limit:
                  pictures: 0
                  window: 1h
                audit:
                  retention: 7d
                """, "test.yaml");

        assertThat(config.operators()).containsExactly("discord:123456789012345678", "telegram:12345678");
        assertThat(config.ratePictures()).isZero();
        assertThat(config.rateWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(config.auditRetention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void anOperatorWrittenByName_isRefusedAtLoad_soConfigCheckCatchesIt() {
        for (String wrong : List.of("discord:@ada", "ada", "dicsord:123", "telegram:")) {
            assertThatThrownBy(() -> ConfigLoader.parse("moderation:\n  operators: [\"" + wrong + "\"]\n",
                    "config.yaml"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("config.yaml: 'moderation.operators' has '" + wrong + "'; write each as"
                            + " platform:user-id, such as discord:123456789012345678 or telegram:12345678 (the"
                            + " numeric id, not the name)");
        }
    }

    @Test
    void aNegativeRateLimit_namesTheRange() {
        assertThatThrownBy(() -> ConfigLoader.parse("rate-limit:\n  pictures: -1\n", "config.yaml"))
                .hasMessage("config.yaml line 2: 'rate-limit.pictures': expected a whole number from 0 to 100000,"
                        + " got '-1'");
    }

    @Test
    void aWindowOrARetentionOutOfRange_namesTheRange() {
        assertThatThrownBy(() -> ConfigLoader.parse("rate-limit:\n  window: 10s\n", "config.yaml"))
                .hasMessageStartingWith("config.yaml line 2: 'rate-limit.window': expected a duration")
                .hasMessageContaining("10s");
        assertThatThrownBy(() -> ConfigLoader.parse("audit:\n  retention: 3651d\n", "config.yaml"))
                .hasMessageStartingWith("config.yaml line 2: 'audit.retention': expected a duration")
                .hasMessageContaining("3651d");
    }
}
