package dev.imagine.bot.telegram;

import java.util.regex.Pattern;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/**
 * A failed Bot API call, described without the request URL. The bot token is part of the path of every request
 * ({@code /bot<token>/sendPhoto}), so the library's and OkHttp's exceptions are never passed on or chained: their
 * message is redacted into this one and the original is dropped.
 */
final class TelegramCallException extends RuntimeException {
    private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?|wss?)://[^\\s)\\]\"'<>]*");
    private static final Pattern TOKEN_PATH = Pattern.compile("bot\\d+:[A-Za-z0-9_-]+");
    private static final Pattern TOKEN = Pattern.compile("\\b\\d{5,}:[A-Za-z0-9_-]{20,}");

    private final String method;
    private final int errorCode;

    TelegramCallException(String method, int errorCode, String description) {
        super("Telegram " + method + " failed" + (errorCode > 0 ? " [" + errorCode + "]" : "") + ": "
                + redact(description), null, false, true);
        this.method = method;
        this.errorCode = errorCode;
    }

    /** Describes {@code failure} of {@code method} without URLs or anything that looks like a token. */
    static TelegramCallException of(String method, Throwable failure) {
        if (failure instanceof TelegramCallException known) {
            return known;
        }
        if (failure instanceof TelegramApiRequestException api && api.getErrorCode() != null
                && api.getErrorCode() != 0) {
            return new TelegramCallException(method, api.getErrorCode(), String.valueOf(api.getApiResponse()));
        }
        String message = failure.getMessage();
        return new TelegramCallException(method, 0, failure.getClass().getSimpleName()
                + (message == null || message.isBlank() ? "" : " (" + message + ")"));
    }

    static String redact(String text) {
        if (text == null) {
            return "";
        }
        String out = URL.matcher(text).replaceAll("<url>");
        out = TOKEN_PATH.matcher(out).replaceAll("bot<token>");
        return TOKEN.matcher(out).replaceAll("<token>");
    }

    String method() {
        return method;
    }

    /** The Bot API's error code (400, 403, 429…), or 0 when the call failed before an answer (network). */
    int errorCode() {
        return errorCode;
    }
}
