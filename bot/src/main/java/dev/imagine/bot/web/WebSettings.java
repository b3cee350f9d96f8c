package dev.imagine.bot.web;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the playground and the JSON API listen, and the key that guards them.
 *
 * @param host      the address to bind; loopback (127.0.0.1, the default) needs no key, any other address does
 * @param port      the TCP port (8080 by default); 0 picks a free one ({@link WebServer#port()} tells which)
 * @param apiKey    when set, every {@code /api} request must carry {@code Authorization: Bearer <key>}; null or
 *                  blank means no key. Read it from the environment ({@code IMAGINE_API_KEY}); it is never logged.
 * @param eventRetention how long the live event state of a finished job stays in memory for late subscribers
 *                       (the job store keeps the durable outcome)
 * @param idleTimeout    how long a connection may stay silent (a request line, header or body that stops arriving)
 *                       before it is answered 408 or closed; longer than the event streams' 15 s keep-alive
 * @param maxConnections how many connections may be open at once; further clients wait to be accepted
 */
public record WebSettings(String host, int port, String apiKey, Duration eventRetention, Duration idleTimeout,
                          int maxConnections) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofMinutes(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONNECTIONS = 256;

    public WebSettings {
        host = host == null || host.isBlank() ? DEFAULT_HOST : host.strip();
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("web port must be 0 to 65535, got " + port);
        }
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        Objects.requireNonNull(eventRetention, "eventRetention");
        if (eventRetention.isNegative()) {
            throw new IllegalArgumentException("event retention must not be negative, got " + eventRetention);
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max connections must be at least 1, got " + maxConnections);
        }
    }

    public WebSettings(String host, int port, String apiKey, Duration eventRetention) {
        this(host, port, apiKey, eventRetention, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
    }

    public WebSettings(String host, int port, String apiKey) {
        this(host, port, apiKey, DEFAULT_EVENT_RETENTION);
    }

    /** The same with another idle timeout and bound on open connections. */
    public WebSettings withConnectionLimits(Duration newIdleTimeout, int newMaxConnections) {
        return new WebSettings(host, port, apiKey, eventRetention, newIdleTimeout, newMaxConnections);
    }

    /** 127.0.0.1:8080, no key. */
    public static WebSettings defaults() {
        return new WebSettings(DEFAULT_HOST, DEFAULT_PORT, null);
    }

    public boolean hasApiKey() {
        return apiKey != null;
    }

    /** Never shows the key, only whether there is one. */
    @Override
    public String toString() {
        return "WebSettings[host=" + host + ", port=" + port + ", apiKey=" + (apiKey == null ? "none" : "set")
                + ", eventRetention=" + eventRetention + ", idleTimeout=" + idleTimeout + ", maxConnections="
                + maxConnections + "]";
    }
}
