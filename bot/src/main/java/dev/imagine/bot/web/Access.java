package dev.imagine.bot.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may use the API and who is asking: the API key (compared in constant time, never logged) and the anonymous
 * per-browser user id kept in a cookie.
 */
final class Access {
    static final String USER_COOKIE = "imagine_user";
    /** Set by the page from the key the person typed; accepted only on GET (EventSource and images cannot send headers). */
    static final String KEY_COOKIE = "imagine_key";
    static final int MIN_KEY_LENGTH = 16;

    private static final Pattern USER_ID = Pattern.compile("[a-z0-9]{16,40}");
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

    private final byte[] keyDigest;
    private final SecureRandom random = new SecureRandom();

    Access(String apiKey) {
        this.keyDigest = apiKey == null ? null : sha256(apiKey);
    }

    boolean keyRequired() {
        return keyDigest != null;
    }

    /** True when no key is configured, or the request carries it (header always; cookie only when allowed). */
    boolean authorized(String authorizationHeader, String cookieHeader, boolean cookieAllowed) {
        if (keyDigest == null) {
            return true;
        }
        if (authorizationHeader != null) {
            String value = authorizationHeader.strip();
            if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return matches(value.substring(7).strip());
            }
            return false;
        }
        if (cookieAllowed) {
            Optional<String> cookie = cookie(cookieHeader, KEY_COOKIE);
            return cookie.isPresent() && matches(java.net.URLDecoder.decode(cookie.get(), StandardCharsets.UTF_8));
        }
        return false;
    }

    private boolean matches(String candidate) {
        // Digests of equal length, compared in constant time: neither the content nor the length of the key leaks.
        return MessageDigest.isEqual(keyDigest, sha256(candidate));
    }

    /** The browser's anonymous id from its cookie, when it has a well-formed one. */
    static Optional<String> userId(String cookieHeader) {
        return cookie(cookieHeader, USER_COOKIE).filter(id -> USER_ID.matcher(id).matches());
    }

    String newUserId() {
        char[] id = new char[20];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }

    /** HttpOnly, SameSite=Strict: other sites cannot act as this browser, and scripts cannot read the id. */
    static String userCookie(String id) {
        return USER_COOKIE + "=" + id + "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Strict";
    }

    static Optional<String> cookie(String header, String name) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equals(name)) {
                String value = part.substring(eq + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** Host names under which a loopback-bound server answers (anything else may be a DNS-rebinding attempt). */
    static boolean loopbackHost(String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        String host = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? host : host.substring(0, end + 1);
        } else {
            int colon = host.lastIndexOf(':');
            host = colon < 0 ? host : host.substring(0, colon);
        }
        return List.of("localhost", "127.0.0.1", "[::1]").contains(host) || host.endsWith(".localhost")
                || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /** Whether a Host header ("name", "name:port", "[v6]:port") names {@code serverName} (with or without brackets). */
    static boolean sameHost(String hostHeader, String serverName) {
        return serverName != null && bare(hostOnly(hostHeader)).equalsIgnoreCase(bare(serverName.strip()));
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String hostOnly(String hostHeader) {
        String host = hostHeader.strip();
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    /**
     * Whether a request that changes something comes from this server's own page: no {@code Origin} (not a browser),
     * or one with the same scheme, host and port as the request (a missing port is the scheme's default). Another
     * site, a {@code null} origin (sandboxed frames, files) and the same host under another scheme are refused.
     *
     * @param scheme the scheme the request arrived with ({@code http}, or what a proxy says in X-Forwarded-Proto)
     */
    static boolean sameOrigin(String origin, String hostHeader, String scheme) {
        if (origin == null) {
            return true;
        }
        if (hostHeader == null || scheme == null) {
            return false;
        }
        try {
            URI from = new URI(origin.strip());
            URI to = new URI(scheme + "://" + hostHeader.strip());
            return from.getScheme() != null && from.getScheme().equalsIgnoreCase(scheme)
                    && from.getHost() != null && from.getHost().equalsIgnoreCase(to.getHost())
                    && (from.getPath() == null || from.getPath().isEmpty())
                    && port(from) == port(to);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
