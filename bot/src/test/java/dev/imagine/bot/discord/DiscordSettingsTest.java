package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscordSettingsTest {

    @Test
    void defaults_pointAtDiscord() {
        assertThat(DiscordSettings.DEFAULTS.restUrl()).isEqualTo("https://discord.com/api/v10/");
        assertThat(DiscordSettings.DEFAULTS.gatewayUrl()).isEqualTo("wss://gateway.discord.gg/");
        assertThat(DiscordSettings.DEFAULTS.progressInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(DiscordSettings.DEFAULTS.testGuildIds()).isEmpty();
    }

    @Test
    void aProxyOrFake_canStandInForDiscord() {
        DiscordSettings local = DiscordSettings.DEFAULTS.withEndpoints("http://127.0.0.1:8080/api/v10",
                "ws://127.0.0.1:8080/gateway");
        assertThat(local.restUrl()).isEqualTo("http://127.0.0.1:8080/api/v10/");
        assertThat(local.gatewayUrl()).isEqualTo("ws://127.0.0.1:8080/gateway");
    }

    @Test
    void badValues_nameTheSetting() {
        assertThatThrownBy(() -> DiscordSettings.DEFAULTS.withEndpoints("ftp://x", "wss://gateway.discord.gg/"))
                .hasMessageContaining("rest-url");
        assertThatThrownBy(() -> DiscordSettings.DEFAULTS.withEndpoints("https://discord.com/api/v10/",
                "https://gateway.discord.gg/")).hasMessageContaining("gateway-url");
        assertThatThrownBy(() -> DiscordSettings.DEFAULTS.withTestGuildIds(List.of("my server")))
                .hasMessageContaining("test guild");
        assertThatThrownBy(() -> DiscordSettings.DEFAULTS.withProgressInterval(Duration.ofSeconds(-1)))
                .hasMessageContaining("progress-interval");
    }
}
