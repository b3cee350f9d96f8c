package dev.imagine.bot.job;

import dev.imagine.bot.cache.CacheKey;
import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.User;
import dev.imagine.bot.queue.JobQueue;
import dev.imagine.bot.queue.QueuedJob;
import java.util.List;
import java.util.Optional;

/** What is known about jobs, the queue and the worker, without changing anything. */
record Queries(JobStore store, JobQueue<Job> queue, WorkerSlot slot, Pictures pictures, SafetyScreen screen) {

    /** A job by the id a button or a page carries; anything that cannot be an id finds nothing. */
    Optional<Job> job(String jobId) {
        return JobIds.looksValid(jobId) ? store.find(jobId) : Optional.empty();
    }

    Optional<List<byte[]>> images(Job job) {
        // As they were shown where the job was delivered: blurred or left out as its screening says.
        return pictures.rawImages(job).map(raw -> screen.present(job, raw));
    }

    List<Job> jobsOf(User user, int limit) {
        return store.findByOwner(user.key(), limit);
    }

    QueueView queueView() {
        return QueueView.of(queue.snapshot(), slot.job().orElse(null));
    }

    Optional<Job> runningJob() {
        return slot.job();
    }

    int queueLength() {
        return queue.snapshot().size();
    }

    List<CacheKey> cacheKeys(JobParameters parameters) {
        return pictures.keysOf(parameters);
    }

    ResultCache.Stats cacheStats() {
        return pictures.stats();
    }

    /** The person's most recently queued waiting job, else their running one. */
    Optional<Job> latestActiveJobOf(User user) {
        Optional<Job> running = slot.job();
        List<QueuedJob<Job>> waiting = queue.snapshot().jobsOf(user.key());
        if (!waiting.isEmpty()) {
            return store.find(waiting.get(waiting.size() - 1).entry().jobId());
        }
        return running.filter(job -> job.ownedBy(user));
    }
}
