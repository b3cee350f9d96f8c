package dev.imagine.bot.telegram;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.telegram.telegrambots.meta.TelegramUrl;

/**
 * How the Telegram adapter talks to the Bot API. The token is not part of it: it is handed to
 * {@link TelegramBot#start(String)} by the caller, which reads it from the environment.
 *
 * @param apiUrl             the Bot API server, {@code scheme://host[:port]} without a path (default
 *                           {@code https://api.telegram.org}; a self-hosted Bot API server or a test fake otherwise)
 * @param pollTimeout        how long one {@code getUpdates} long poll is held open by the server
 * @param pacing             the outbound message limits
 * @param privateEditInterval at most one progress edit of a status message this often in a private chat
 * @param groupEditInterval  ... and in a group (groups allow about 20 messages or edits a minute)
 * @param chatActionInterval how often "sending photo…" is repeated while a picture is drawn (it shows for 5 s)
 * @param adminCacheTtl      how long a group-administrator check is remembered
 */
public record TelegramSettings(URI apiUrl, Duration pollTimeout, Pacing pacing, Duration privateEditInterval,
                               Duration groupEditInterval, Duration chatActionInterval, Duration adminCacheTtl) {

    public static final URI DEFAULT_API_URL = URI.create("https://api.telegram.org");

    /**
     * Outbound limits, after Telegram's bot FAQ: about one message a second in one chat, at most 20 messages a
     * minute in one group, about 30 messages a second in all. Edits count like messages.
     */
    public record Pacing(Duration perChatInterval, int groupMessagesPerMinute, int messagesPerSecond) {
        public static final Pacing TELEGRAM = new Pacing(Duration.ofSeconds(1), 20, 30);

        public Pacing {
            Objects.requireNonNull(perChatInterval, "perChatInterval");
            if (perChatInterval.isNegative()) {
                throw new IllegalArgumentException("perChatInterval must not be negative, got " + perChatInterval);
            }
            if (groupMessagesPerMinute < 1 || messagesPerSecond < 1) {
                throw new IllegalArgumentException("message rates must be at least 1, got " + groupMessagesPerMinute
                        + "/min per group and " + messagesPerSecond + "/s overall");
            }
        }
    }

    public TelegramSettings {
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(pacing, "pacing");
        checkUrl(apiUrl);
        positive("pollTimeout", pollTimeout);
        if (pollTimeout.toSeconds() > 90) {
            throw new IllegalArgumentException("pollTimeout must be at most 90 s (the HTTP read timeout is 100 s), got "
                    + pollTimeout.toSeconds() + " s");
        }
        positive("privateEditInterval", privateEditInterval);
        positive("groupEditInterval", groupEditInterval);
        positive("chatActionInterval", chatActionInterval);
        positive("adminCacheTtl", adminCacheTtl);
    }

    /** Long polling against api.telegram.org with Telegram's limits. */
    public static TelegramSettings defaults() {
        return new TelegramSettings(DEFAULT_API_URL, Duration.ofSeconds(50), Pacing.TELEGRAM, Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofSeconds(4), Duration.ofMinutes(1));
    }

    /** These settings with another Bot API server, e.g. {@code http://127.0.0.1:8081} for a self-hosted one. */
    public TelegramSettings withApiUrl(String url) {
        return new TelegramSettings(parseUrl(url), pollTimeout, pacing, privateEditInterval, groupEditInterval,
                chatActionInterval, adminCacheTtl);
    }

    public TelegramSettings withPollTimeout(Duration timeout) {
        return new TelegramSettings(apiUrl, timeout, pacing, privateEditInterval, groupEditInterval,
                chatActionInterval, adminCacheTtl);
    }

    public TelegramSettings withPacing(Pacing newPacing) {
        return new TelegramSettings(apiUrl, pollTimeout, newPacing, privateEditInterval, groupEditInterval,
                chatActionInterval, adminCacheTtl);
    }

    public TelegramSettings withEditIntervals(Duration privateChats, Duration groups) {
        return new TelegramSettings(apiUrl, pollTimeout, pacing, privateChats, groups, chatActionInterval,
                adminCacheTtl);
    }

    private static URI parseUrl(String url) {
        Objects.requireNonNull(url, "url");
        try {
            return URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the Telegram API URL must look like https://api.telegram.org, got '"
                    + url + "'");
        }
    }

    private static void checkUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("the Telegram API URL must start with https:// or http://, got '"
                    + url + "'");
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new IllegalArgumentException("the Telegram API URL has no host: '" + url + "'");
        }
        String path = url.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || url.getRawQuery() != null
                || url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("the Telegram API URL must be scheme://host[:port] without a path,"
                    + " query or user (the bot token is added by the bot), got '" + url + "'");
        }
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** The library's form of {@link #apiUrl()}. */
    TelegramUrl telegramUrl() {
        String scheme = apiUrl.getScheme().toLowerCase(Locale.ROOT);
        int port = apiUrl.getPort() != -1 ? apiUrl.getPort() : scheme.equals("https") ? 443 : 80;
        return TelegramUrl.builder().schema(scheme).host(apiUrl.getHost()).port(port).testServer(false).build();
    }
}
