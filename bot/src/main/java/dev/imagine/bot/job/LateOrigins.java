package dev.imagine.bot.job;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where to answer, as an adapter completes it after the job was queued (Telegram hands a request over at once and
 * learns the id of its status message a moment later). The worker saves its own copies of a job as it runs it, made
 * before that news came: every save goes through here and keeps the latest origin, so none of them puts the old one
 * back. Forgotten once the job is over.
 */
final class LateOrigins {
    private final JobStore store;
    private final Map<String, String> latest = new ConcurrentHashMap<>(); // guarded by this for writes

    LateOrigins(JobStore store) {
        this.store = store;
    }

    /** Saves {@code job} with the latest origin its adapter gave; returns what was saved. */
    synchronized Job save(Job job) {
        String origin = latest.get(job.id());
        Job saved = origin == null || origin.equals(job.origin()) ? job : job.withOrigin(origin);
        store.save(saved);
        if (saved.state().isFinal()) {
            latest.remove(job.id());
        }
        return saved;
    }

    /** The stored job now answers at {@code origin}; false when no job has that id. */
    synchronized boolean update(String jobId, String origin) {
        Optional<Job> stored = store.find(jobId);
        if (stored.isEmpty()) {
            return false;
        }
        if (!stored.get().state().isFinal()) {
            latest.put(jobId, origin);
        }
        store.save(stored.get().withOrigin(origin));
        return true;
    }
}
