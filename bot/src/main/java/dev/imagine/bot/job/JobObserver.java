package dev.imagine.bot.job;

import java.time.Duration;

/** Told what happens to jobs, for metrics and logs. Called on whatever thread the event happens; must be quick. */
public interface JobObserver {
    JobObserver NONE = new JobObserver() { };

    /** How a job ended: generated, served from the cache, failed, timed out or cancelled. */
    enum Outcome { DONE, CACHED, FAILED, TIMEOUT, CANCELLED }

    default void refused(String platform) {
    }

    default void queued(Job job) {
    }

    /** The worker picked the job up after it waited {@code waited}. */
    default void started(Job job, Duration waited) {
    }

    /** Time per stage of a finished generation. */
    default void generated(Job job, Duration textEncoding, Duration denoising, Duration decoding) {
    }

    default void ended(Job job, Outcome outcome) {
    }
}
