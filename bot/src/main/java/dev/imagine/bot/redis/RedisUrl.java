package dev.imagine.bot.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * Where Redis is: {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://} for TLS. A password in it is
 * a secret: {@link #toString()} and {@link #redacted()} show {@code ***} in its place, and only {@link #value()} (for
 * the client) has it.
 */
public final class RedisUrl {
    private final String value;
    private final String redacted;

    private RedisUrl(String value, String redacted) {
        this.value = value;
        this.redacted = redacted;
    }

    /** @throws IllegalArgumentException with a message that names what to change (and never the password) */
    public static RedisUrl parse(String text, String source) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.trim();
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(source + " is not a URL; write it as redis://host:6379 (or"
                    + " rediss:// for TLS, redis://:password@host:6379 with a password)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException(source + " must start with redis:// or rediss://, as in"
                    + " redis://127.0.0.1:6379");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException(source + " names no host; write it as redis://host:6379");
        }
        String redacted = uri.getRawUserInfo() == null ? trimmed
                : trimmed.replace(uri.getRawUserInfo() + "@", redactUserInfo(uri.getRawUserInfo()) + "@");
        return new RedisUrl(trimmed, redacted);
    }

    private static String redactUserInfo(String userInfo) {
        int colon = userInfo.indexOf(':');
        // redis://password@host is a password alone (Lettuce reads it so); redis://user:password@host has both.
        return colon < 0 ? "***" : userInfo.substring(0, colon) + ":***";
    }

    /** The URL with its password, for the client only; never log it. */
    public String value() {
        return value;
    }

    /** The URL with {@code ***} for a password, for logs and {@code config check}. */
    public String redacted() {
        return redacted;
    }

    @Override
    public String toString() {
        return redacted;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RedisUrl other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
