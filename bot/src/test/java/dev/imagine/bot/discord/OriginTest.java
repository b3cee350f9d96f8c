package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OriginTest {
    private final Instant created = Instant.parse("2026-01-01T12:00:00Z");
    private final Origin origin = new Origin("13", "14", "interaction-secret", "15", "16", "17", created);

    @Test
    void json_roundTrips_inServersAndInDirectMessages() {
        assertThat(Origin.fromJson(origin.toJson())).isEqualTo(origin);
        Origin dm = new Origin("13", "14", "t", "15", null, "17", created);
        assertThat(Origin.fromJson(dm.toJson())).isEqualTo(dm);
    }

    @Test
    void theToken_isUsableForAlmostFifteenMinutes() {
        assertThat(origin.tokenUsableAt(created.plus(Duration.ofMinutes(14)))).isTrue();
        assertThat(origin.tokenUsableAt(created.plus(Duration.ofMinutes(15)).minusSeconds(5))).isFalse();
        assertThat(origin.tokenUsableAt(created.plus(Duration.ofMinutes(16)))).isFalse();
    }

    @Test
    void toString_leavesTheInteractionTokenOut() {
        assertThat(origin.toString()).doesNotContain("interaction-secret").contains("14");
    }
}
