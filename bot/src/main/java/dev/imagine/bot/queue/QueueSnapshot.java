package dev.imagine.bot.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The waiting jobs at one instant, in the order the queue would serve them, for {@code /queue}.
 *
 * @param at   when it was taken
 * @param jobs every waiting job, by position
 * @param <J>  the payload type
 */
public record QueueSnapshot<J>(Instant at, List<QueuedJob<J>> jobs) {
    public QueueSnapshot {
        Objects.requireNonNull(at, "at");
        jobs = List.copyOf(jobs);
    }

    /** How many jobs are waiting. */
    public int size() {
        return jobs.size();
    }

    /** Where the job {@code jobId} waits, if it is waiting. */
    public Optional<QueuedJob<J>> positionOf(String jobId) {
        return jobs.stream().filter(j -> j.entry().jobId().equals(jobId)).findFirst();
    }

    /** One user's waiting jobs, by position. */
    public List<QueuedJob<J>> jobsOf(String user) {
        return jobs.stream().filter(j -> j.entry().user().equals(user)).toList();
    }

    /** Waiting jobs per user; users in the order of their first position. */
    public Map<String, List<QueuedJob<J>>> byUser() {
        Map<String, List<QueuedJob<J>>> byUser = new LinkedHashMap<>();
        for (QueuedJob<J> job : jobs) {
            byUser.computeIfAbsent(job.entry().user(), u -> new ArrayList<>()).add(job);
        }
        byUser.replaceAll((user, list) -> List.copyOf(list));
        return java.util.Collections.unmodifiableMap(byUser);
    }
}
