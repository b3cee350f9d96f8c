package dev.imagine.bot.queue;

/**
 * This worker no longer holds the job it was running: its lease ran out (it froze, or lost Redis, for longer than
 * the lease) and the shared queue gave the job back, maybe to another worker that now draws it under a newer
 * fencing token. The worker stops the job and changes nothing more about it: no result, no charge, no news.
 * Only a queue shared across processes throws it; the embedded queue never takes a job back.
 */
public final class LeaseLostException extends RuntimeException {
    public LeaseLostException(String jobId, String why) {
        super("job " + jobId + " is no longer this worker's: " + why);
    }
}
