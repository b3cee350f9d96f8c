package dev.imagine.bot.job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who hears about jobs: each person through the {@link ReplySink} of their platform (registered by its adapter; a
 * platform without one gets the log), and the {@link JobObserver} (metrics).
 */
final class Audience {
    private final Map<String, ReplySink> sinks = new ConcurrentHashMap<>();
    private volatile JobObserver observer = JobObserver.NONE;

    void register(String platform, ReplySink sink) {
        sinks.put(platform, sink);
    }

    void observe(JobObserver jobObserver) {
        this.observer = jobObserver;
    }

    ReplySink sinkOf(Job job) {
        return sinks.getOrDefault(job.owner().platform(), LoggingSink.INSTANCE);
    }

    JobObserver observer() {
        return observer;
    }
}
