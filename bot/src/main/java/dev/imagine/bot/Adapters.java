package dev.imagine.bot;

import java.io.PrintWriter;
import java.util.Map;

/** Starts the chat and web adapters that are configured, and attaches them to the application. */
final class Adapters {
    private Adapters() {
    }

    static void attachAll(Application application, Map<String, String> environment, PrintWriter err) {
        // The web playground, Discord and Telegram adapters are attached here as they land.
    }
}
