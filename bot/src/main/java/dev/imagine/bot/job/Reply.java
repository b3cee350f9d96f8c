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

    /** Not accepted; the message says why and what to change. Adapters show it only to the requester. */
    record Refused(String message) implements Reply {
    }

    /** A plain answer: queue status, settings, help, a confirmation. */
    record Info(String text) implements Reply {
    }
}
