package dev.imagine.bot.web;

import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code GET /healthz} reports; the application fills it in from the real state of its parts on every request.
 *
 * @param modelLoaded whether the pipeline's model is open
 * @param workerAlive whether the generation worker thread is running
 * @param draining    whether Imagine is stopping: it refuses new pictures and lets the running one finish
 * @param adapters    each adapter by platform ("discord", "telegram", "web") and whether it is connected
 */
public record HealthReport(boolean modelLoaded, boolean workerAlive, boolean draining, Map<String, Boolean> adapters) {
    public static final String OK = "ok";
    public static final String DRAINING = "draining";
    public static final String UNHEALTHY = "unhealthy";

    public HealthReport {
        adapters = Map.copyOf(adapters == null ? Map.of() : adapters);
    }

    /** Healthy when the model is loaded, the worker runs and every adapter is connected. */
    public boolean healthy() {
        return modelLoaded && workerAlive && adapters.values().stream().allMatch(Boolean::booleanValue);
    }

    /** "draining" while stopping, else "ok" when healthy, else "unhealthy". */
    public String status() {
        return draining ? DRAINING : healthy() ? OK : UNHEALTHY;
    }

    /** The adapters in name order (for a stable JSON body). */
    public Map<String, Boolean> sortedAdapters() {
        return new TreeMap<>(adapters);
    }
}
