package dev.imagine.bot.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QueueSettingsTest {

    @Test
    void defaults_areThreePerUser_fiftyInTotal_oneHourHalfLife_andTwoSecondsOfWaitingPerCpuSecond() {
        QueueSettings d = QueueSettings.DEFAULTS;

        assertThat(d.perUserLimit()).isEqualTo(3);
        assertThat(d.totalLimit()).isEqualTo(50);
        assertThat(d.usageHalfLife()).isEqualTo(Duration.ofHours(1));
        assertThat(d.agingRate()).isEqualTo(0.5).isEqualTo(QueueSettings.DEFAULT_AGING_RATE);
    }

    @Test
    void withers_changeOneSettingAndKeepTheOthers() {
        QueueSettings s = QueueSettings.DEFAULTS.withPerUserLimit(1).withTotalLimit(10)
                .withUsageHalfLife(Duration.ofMinutes(30)).withAgingRate(2);

        assertThat(s).isEqualTo(new QueueSettings(1, 10, Duration.ofMinutes(30), 2));
    }

    @Test
    void perUserLimit_belowOne_isRefused_namingTheSetting() {
        assertThatThrownBy(() -> QueueSettings.DEFAULTS.withPerUserLimit(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perUserLimit");
    }

    @Test
    void totalLimit_belowOne_isRefused_namingTheSetting() {
        assertThatThrownBy(() -> new QueueSettings(1, 0, Duration.ofHours(1), 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("totalLimit");
    }

    @Test
    void perUserLimit_aboveTotalLimit_isRefused() {
        assertThatThrownBy(() -> QueueSettings.DEFAULTS.withTotalLimit(2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("perUserLimit (3)").hasMessageContaining("totalLimit (2)");
    }

    @Test
    void usageHalfLife_zeroNegativeOrMissing_isRefused() {
        assertThatThrownBy(() -> QueueSettings.DEFAULTS.withUsageHalfLife(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("usageHalfLife");
        assertThatThrownBy(() -> QueueSettings.DEFAULTS.withUsageHalfLife(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("usageHalfLife");
        assertThatThrownBy(() -> QueueSettings.DEFAULTS.withUsageHalfLife(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("usageHalfLife");
    }

    @Test
    void agingRate_negativeNanOrInfinite_isRefused_butZeroTurnsAgingOff() {
        for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> QueueSettings.DEFAULTS.withAgingRate(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agingRate");
        }
        assertThat(QueueSettings.DEFAULTS.withAgingRate(0).agingRate()).isZero();
    }
}
