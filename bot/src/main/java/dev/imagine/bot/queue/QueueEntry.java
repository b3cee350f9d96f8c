package dev.imagine.bot.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A job in the queue.
 *
 * @param jobId         unique among the jobs in the queue
 * @param user          platform-qualified user id, such as {@code discord:123} or {@code telegram:456}
 * @param job           the caller's payload; the queue never looks into it
 * @param estimatedCost the expected CPU time, for positions, waits and refusals; the user is charged the real time
 * @param submittedAt   when the queue accepted it
 * @param sequence      the order of acceptance, which breaks ties between equal submit times
 * @param preemptions   how often the job was parked at a step boundary for another and {@linkplain
 *                      FairShareQueue#requeue requeued}
 * @param <J>           the payload type
 */
public record QueueEntry<J>(String jobId, String user, J job, Duration estimatedCost, Instant submittedAt,
                            long sequence, int preemptions) {

    public QueueEntry(String jobId, String user, J job, Duration estimatedCost, Instant submittedAt, long sequence) {
        this(jobId, user, job, estimatedCost, submittedAt, sequence, 0);
    }

    /** The same entry, parked once more. */
    public QueueEntry<J> preempted() {
        return new QueueEntry<>(jobId, user, job, estimatedCost, submittedAt, sequence, preemptions + 1);
    }

    public QueueEntry {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(estimatedCost, "estimatedCost");
        Objects.requireNonNull(submittedAt, "submittedAt");
    }
}
