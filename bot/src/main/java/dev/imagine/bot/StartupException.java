package dev.imagine.bot;

/** Start-up cannot go on (a rejected token, a port in use, a missing API key); the message says what to change. */
public final class StartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
