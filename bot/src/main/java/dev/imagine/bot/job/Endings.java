package dev.imagine.bot.job;

import dev.imagine.bot.cache.CacheKey;
import dev.imagine.pipeline.GenerationResult;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a job that ran ends: done (its pictures cached, its owner's share charged, those waiting for it served),
 * stopped (cancelled, out of time, or kept for the next start when Imagine stops), or broken.
 */
record Endings(Transitions transitions, Pictures pictures, SafetyScreen screen, Charges charges, Followers followers,
               AdmissionGate gate, Duration jobTimeout) {
    private static final Logger LOG = LoggerFactory.getLogger(Endings.class);
    static final String CANCELLED_BY_YOU = "cancelled by you";

    /** Its generation is finished; {@code spent} is what the job used over all its runs. */
    void done(Job job, GenerationResult result, Spent spent) {
        List<CacheKey> keys = pictures.keysOf(job.parameters());
        List<byte[]> made = pictures.keep(keys, result);
        Job done = transitions.generated(job, Pictures.digests(keys), spent.cpuSeconds(), result,
                d -> screen.judge(d, made));
        Duration took = spent.wall();
        // Those waiting for it are served before the charge ends the job in the queue: a worker lost in between
        // leaves it there under its lease, and whichever worker takes it back hands them over (overAlready).
        followers.finish(done, made, took);
        charges.charge(done, took);
        LOG.info("job {} done in {} ms ({} CPU-s)", done.id(), took.toMillis(),
                String.format(Locale.ROOT, "%.1f", spent.cpuSeconds()));
        transitions.deliver(done, screen.present(done, made), took);
    }

    /** It stopped after step {@code stepsDone} of {@code totalSteps} because of {@code reason}. */
    void stopped(Job job, StopReason reason, int stepsDone, int totalSteps) {
        switch (reason) {
            case CANCELLED_BY_OWNER -> cancelled(job);
            case TIMED_OUT -> {
                transitions.ended(job, JobObserver.Outcome.TIMEOUT);
                fail(job, "It took longer than the limit of " + Durations.words(jobTimeout)
                        + ", so I gave up on it. Try fewer steps or a smaller size.");
            }
            case SHUTDOWN, SHUTDOWN_NOW -> {
                LOG.info("job {} kept for the next start: stopped after step {} of {} because Imagine is stopping",
                        job.id(), stepsDone, totalSteps);
                kept(job);
            }
        }
    }

    /** Something failed while it ran. */
    void broke(Job job, Throwable failure) {
        if (gate.stopping()) {
            // The runtime may have been torn down under the job by a JVM shutdown that did not come through
            // Imagine's own stop (ONNX Runtime closes its environment in a shutdown hook of its own): the picture
            // is not at fault, so it is kept, not failed.
            LOG.warn("job {} kept for the next start: it could not go on while Imagine is stopping ({})",
                    job.id(), failure.toString());
            kept(job);
            return;
        }
        // The detail (file paths, the library's own words) is for the operator; the person gets the job id.
        LOG.error("job {} failed", job.id(), failure);
        transitions.ended(job, JobObserver.Outcome.FAILED);
        fail(job, "Something went wrong while drawing your picture. The queue goes on; you can try again."
                + " (If it happens again, tell the bot's operator: job " + job.id() + ".)");
    }

    /**
     * The shared queue gave it up: each worker that took it stopped without a word (killed, or lost), as many times
     * as the queue allows. Nobody is charged.
     */
    void givenUp(Job job) {
        if (job.state().isFinal()) {
            overAlready(job);
            return;
        }
        transitions.ended(job, JobObserver.Outcome.FAILED);
        fail(job, "The workers that took your picture stopped while drawing it, twice, so I gave up on it. You can"
                + " try again; if it happens again, tell the bot's operator: job " + job.id() + ".");
    }

    /**
     * The queue handed out a job that is already over: its worker saved its end and was lost before it handed over
     * the identical requests waiting for it (in another process, nothing else would). They take its place now: from
     * the cache when its pictures are there, drawn otherwise. Nobody is waiting when the end was handed over already.
     */
    void overAlready(Job job) {
        followers.takeOver(job);
    }

    /** Its owner cancelled it: it costs nothing, and those waiting for it take its place. */
    void cancelled(Job job) {
        transitions.cancelled(job, CANCELLED_BY_YOU);
        followers.takeOver(job);
    }

    /** Back to QUEUED in the store, so the next start draws it from the beginning; its owner is told. */
    void kept(Job job) {
        transitions.kept(job, RestartNotices.DRAWN_WHEN_BACK);
    }

    /** Whatever became of it, it no longer leads identical requests in flight. */
    void leftTheWorker(Job job) {
        followers.release(job);
    }

    private void fail(Job job, String message) {
        transitions.failed(job, message);
        followers.takeOver(job);
    }
}
