package dev.imagine.bot.mcp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What to do when a client cancels one of its tool calls, by call: the key is the scope (the MCP session over HTTP,
 * {@code stdio}) and the JSON-RPC id of the {@code tools/call} as JSON text (so 1 and "1" are different calls). A
 * cancel can arrive before the call's handler has registered (the handler runs on another thread); it is remembered
 * for a while, so the call is cancelled as soon as it registers.
 */
final class Cancellations {
    private static final int REMEMBERED_EARLY_CANCELS = 1_000;

    private final Map<String, Runnable> running = new ConcurrentHashMap<>();
    private final Map<String, Boolean> early = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_EARLY_CANCELS;
        }
    };

    static String key(String scope, String jsonId) {
        return scope + " " + jsonId;
    }

    /**
     * Runs {@code onCancel} when call {@code key} is cancelled (now, when it was cancelled already); close the
     * result once the call has ended.
     */
    AutoCloseable register(String key, Runnable onCancel) {
        if (key == null) {
            return () -> { };
        }
        running.put(key, onCancel);
        boolean cancelledAlready;
        synchronized (early) {
            cancelledAlready = early.remove(key) != null;
        }
        if (cancelledAlready && running.remove(key, onCancel)) {
            onCancel.run();
        }
        return () -> running.remove(key, onCancel);
    }

    /** Cancels call {@code key}; returns whether it was running. */
    boolean cancel(String key) {
        Runnable onCancel = running.remove(key);
        if (onCancel != null) {
            onCancel.run();
            return true;
        }
        synchronized (early) {
            early.put(key, Boolean.TRUE);
        }
        return false;
    }
}
