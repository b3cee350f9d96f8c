package dev.imagine.bot.web;

import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code GET /healthz} reports; the application fills it in on every request.
 *
 * @param modelLoaded whether the pipeline's model is loaded and ready
 * @param workerAlive whether the generation worker thread is running
 * @param adapters    each chat adapter by name ("discord", "telegram", "web") and whether it is connected
 */
public record HealthReport(boolean modelLoaded, boolean workerAlive, Map<String, Boolean> adapters) {
    public HealthReport {
        adapters = Map.copyOf(adapters == null ? Map.of() : adapters);
    }

    /** Healthy when the model is loaded, the worker runs and every adapter is connected. */
    public boolean healthy() {
        return modelLoaded && workerAlive && adapters.values().stream().allMatch(Boolean::booleanValue);
    }

    /** The adapters in name order (for a stable JSON body). */
    public Map<String, Boolean> sortedAdapters() {
        return new TreeMap<>(adapters);
    }
}
