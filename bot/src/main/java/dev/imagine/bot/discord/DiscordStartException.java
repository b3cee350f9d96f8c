package dev.imagine.bot.discord;

/** The Discord adapter could not start; the message says why in words for whoever runs the bot. */
public final class DiscordStartException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public DiscordStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
