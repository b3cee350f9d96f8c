package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.TelegramUrl;

class OriginAndSettingsTest {

    @Test
    void origin_survivesTheJobStore_asText() {
        Origin origin = new Origin(-1001234567890L, "supergroup", 41, 42, 7);

        assertThat(origin.encode()).isEqualTo("tg1:-1001234567890:supergroup:41:42:7");
        assertThat(Origin.decode(origin.encode())).isEqualTo(origin);
        assertThat(origin.group()).isTrue();
        assertThat(new Origin(700, "private", 1, 0, 0).group()).isFalse();
    }

    @Test
    void origin_ofAnotherAdapter_isNotRead() {
        assertThat(Origin.decode("chat-700")).isNull();
        assertThat(Origin.decode("tg1:x:private:1:2:3")).isNull();
        assertThat(Origin.decode(null)).isNull();
    }

    @Test
    void settings_default_toTelegramsServerAndLimits() {
        TelegramSettings defaults = TelegramSettings.defaults();

        assertThat(defaults.apiUrl()).isEqualTo(URI.create("https://api.telegram.org"));
        assertThat(defaults.telegramUrl()).isEqualTo(TelegramUrl.DEFAULT_URL);
        assertThat(defaults.pollTimeout()).isEqualTo(Duration.ofSeconds(50));
        assertThat(defaults.pacing()).isEqualTo(new TelegramSettings.Pacing(Duration.ofSeconds(1), 20, 30));
        assertThat(defaults.groupEditInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.chatActionInterval()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void settings_anotherApiUrl_becomesTheLibrarysUrl() {
        assertThat(TelegramSettings.defaults().withApiUrl("http://127.0.0.1:8081").telegramUrl())
                .isEqualTo(new TelegramUrl("http", "127.0.0.1", 8081, false));
        assertThat(TelegramSettings.defaults().withApiUrl("https://bots.example.org/").telegramUrl())
                .isEqualTo(new TelegramUrl("https", "bots.example.org", 443, false));
    }

    @Test
    void settings_badApiUrls_sayWhatIsWrong() {
        assertThatThrownBy(() -> TelegramSettings.defaults().withApiUrl("api.telegram.org"))
                .hasMessageContaining("must start with https:// or http://");
        assertThatThrownBy(() -> TelegramSettings.defaults().withApiUrl("https://api.telegram.org/bot123:abc"))
                .hasMessageContaining("without a path");
        assertThatThrownBy(() -> TelegramSettings.defaults().withPollTimeout(Duration.ZERO))
                .hasMessageContaining("pollTimeout must be positive");
    }

    @Test
    void failures_neverCarryAUrlOrAToken() {
        String token = "7012345678:AAFakeTokenForTests_only-0123456789ab";
        String message = "unexpected end of stream on https://api.telegram.org/bot" + token + "/sendPhoto";

        TelegramCallException failure = TelegramCallException.of("sendPhoto", new java.io.IOException(message));

        assertThat(failure.getMessage()).isEqualTo("Telegram sendPhoto failed: IOException (unexpected end of"
                + " stream on <url>)");
        assertThat(failure).hasNoCause();
        assertThat(TelegramCallException.redact("token " + token + " in text")).isEqualTo("token <token> in text");
        assertThat(TelegramCallException.redact("path /bot" + token + "/getMe")).doesNotContain("AAFake");
    }
}
