package dev.imagine.bot.discord;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the Discord adapter connects and behaves. The token is not here: it is handed to
 * {@link DiscordBot#start} by the caller, so no settings object can leak it.
 *
 * @param restUrl          Discord's REST API base, ending in a slash ({@code https://discord.com/api/v10/}); a REST
 *                         proxy or a fake may stand in (http is allowed)
 * @param gatewayUrl       the gateway WebSocket ({@code wss://gateway.discord.gg/}); ws is allowed
 * @param testGuildIds     servers that also get the commands registered as guild commands (they update at once,
 *                         global commands can take a while to show up)
 * @param progressInterval at most one progress edit of a job's message per this interval
 * @param readyTimeout     how long start-up waits for the gateway to be ready
 */
public record DiscordSettings(String restUrl, String gatewayUrl, List<String> testGuildIds,
                              Duration progressInterval, Duration readyTimeout) {
    public static final String DISCORD_REST_URL = "https://discord.com/api/v10/";
    public static final String DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/";

    /** Discord itself, no test servers, a progress edit at most every 2 s, 60 s to connect. */
    public static final DiscordSettings DEFAULTS = new DiscordSettings(DISCORD_REST_URL, DISCORD_GATEWAY_URL,
            List.of(), Duration.ofSeconds(2), Duration.ofSeconds(60));

    public DiscordSettings {
        Objects.requireNonNull(restUrl, "restUrl");
        Objects.requireNonNull(gatewayUrl, "gatewayUrl");
        Objects.requireNonNull(progressInterval, "progressInterval");
        Objects.requireNonNull(readyTimeout, "readyTimeout");
        String rest = restUrl.toLowerCase(java.util.Locale.ROOT);
        if (!rest.startsWith("http://") && !rest.startsWith("https://")) {
            throw new IllegalArgumentException("discord rest-url must be an http(s) URL, got " + restUrl);
        }
        restUrl = restUrl.endsWith("/") ? restUrl : restUrl + "/";
        String scheme = URI.create(gatewayUrl).getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("ws") || scheme.equalsIgnoreCase("wss"))) {
            throw new IllegalArgumentException("discord gateway-url must be a ws:// or wss:// URL, got " + gatewayUrl);
        }
        testGuildIds = testGuildIds == null ? List.of() : List.copyOf(testGuildIds);
        for (String id : testGuildIds) {
            if (!id.matches("\\d{1,20}")) {
                throw new IllegalArgumentException("discord test guild ids are numbers (snowflakes), got " + id);
            }
        }
        if (progressInterval.isNegative()) {
            throw new IllegalArgumentException("discord progress-interval must not be negative, got "
                    + progressInterval);
        }
        if (readyTimeout.isNegative() || readyTimeout.isZero()) {
            throw new IllegalArgumentException("discord ready-timeout must be positive, got " + readyTimeout);
        }
    }

    public DiscordSettings withEndpoints(String newRestUrl, String newGatewayUrl) {
        return new DiscordSettings(newRestUrl, newGatewayUrl, testGuildIds, progressInterval, readyTimeout);
    }

    public DiscordSettings withTestGuildIds(List<String> ids) {
        return new DiscordSettings(restUrl, gatewayUrl, ids, progressInterval, readyTimeout);
    }

    public DiscordSettings withReadyTimeout(Duration timeout) {
        return new DiscordSettings(restUrl, gatewayUrl, testGuildIds, progressInterval, timeout);
    }

    public DiscordSettings withProgressInterval(Duration interval) {
        return new DiscordSettings(restUrl, gatewayUrl, testGuildIds, interval, readyTimeout);
    }
}
