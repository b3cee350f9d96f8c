package dev.imagine.bot.job;

import java.time.Duration;
import java.util.List;

/** The immediate answer to a command; later news about a job arrives through the {@link ReplySink}. */
public sealed interface Reply {

    /** The job is waiting at {@code position} (1 = next) and should start in about {@code eta}. */
    record Accepted(Job job, int position, Duration eta) implements Reply {
    }

    /** Answered from the cache at once: no queue, no generation. */
    record Finished(Job job, List<byte[]> pngs) implements Reply {
        public Finished {
            pngs = List.copyOf(pngs);
        }
    }

    /**
     * Not accepted; the message says why and what to change. Adapters show it only to the requester; the reason lets
     * an HTTP API pick its status code.
     */
    record Refused(String message, Reason reason, Duration retryAfter) implements Reply {
        public Refused(String message) {
            this(message, Reason.INVALID);
        }

        public Refused(String message, Reason reason) {
            this(message, reason, null);
        }

        /** When asking again may work (a rate limit's refill), if the engine knows; else empty. */
        public java.util.Optional<Duration> retryAfterKnown() {
            return java.util.Optional.ofNullable(retryAfter);
        }

        public enum Reason {
            /** A value is wrong or over a limit: change the request. */
            INVALID,
            /** The job or picture does not exist (any more). */
            NOT_FOUND,
            /** Not this person's to change, or not in this channel. */
            NOT_ALLOWED,
            /** The job is not in a state where that makes sense. */
            CONFLICT,
            /** The feature does not exist yet or is not installed. */
            NOT_AVAILABLE,
            /** The queue or the person's share of it is full: try again later. */
            BUSY,
            /** Imagine is stopping. */
            SHUTTING_DOWN
        }
    }

    /** A plain answer: queue status, settings, help, a confirmation. */
    record Info(String text) implements Reply {
    }
}
