package dev.imagine.bot.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer to {@link FairShareQueue#offer}: either the job waits at a position, or it was refused with a reason.
 *
 * @param <J> the payload type
 */
public sealed interface Admission<J> {

    /** Whether the job was accepted. */
    default boolean accepted() {
        return this instanceof Accepted<J>;
    }

    /**
     * The job waits.
     *
     * @param entry         the job as queued
     * @param position      1-based place in the fair-share order ("queued #3")
     * @param estimatedWait how long until it is expected to start
     */
    record Accepted<J>(QueueEntry<J> entry, int position, Duration estimatedWait) implements Admission<J> {
        public Accepted {
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(estimatedWait, "estimatedWait");
        }
    }

    /**
     * The job was not queued.
     *
     * @param reason     why
     * @param limit      the limit that was reached (0 when shutting down)
     * @param retryAfter how long until trying again could succeed (zero when shutting down)
     * @param message    one sentence for the user, saying why and how long to wait
     */
    record Refused<J>(Reason reason, int limit, Duration retryAfter, String message) implements Admission<J> {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Why a job was refused. */
    enum Reason {
        /** The user already has {@link QueueSettings#perUserLimit()} jobs waiting. */
        USER_LIMIT,
        /** {@link QueueSettings#totalLimit()} jobs are waiting. */
        TOTAL_LIMIT,
        /** The queue was shut down. */
        SHUT_DOWN
    }
}
