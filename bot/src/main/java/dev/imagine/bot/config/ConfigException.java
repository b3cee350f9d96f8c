package dev.imagine.bot.config;

/** A configuration problem, with a message that names the file, the line, the key and what is accepted. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
