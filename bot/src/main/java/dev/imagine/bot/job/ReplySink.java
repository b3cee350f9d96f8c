package dev.imagine.bot.job;

import java.time.Duration;
import java.util.List;

/**
 * How the job service talks back to a person; each adapter (Discord, Telegram, web) implements it for its own
 * platform, using {@link Job#origin()} to find where to answer. Called from the worker thread: implementations
 * hand slow work (HTTP calls) to their own threads and never throw.
 */
public interface ReplySink {
    /** The job waits at {@code position} (1 = next), expected to start in about {@code eta}. */
    void queued(Job job, int position, Duration eta);

    void started(Job job);

    /** {@code step} of {@code totalSteps} denoising steps are done. Adapters throttle their edits. */
    void progress(Job job, int step, int totalSteps);

    /** The images, in order; {@code job.fromCache()} tells whether they were generated now. */
    void finished(Job job, List<byte[]> pngs, Duration elapsed);

    /** The job failed; the message is written for the person who asked. */
    void failed(Job job, String message);

    void cancelled(Job job, String reason);

    /** Something the person should know about their job that changes nothing about it (a restart, a delay). */
    void notice(Job job, String message);
}
