package dev.imagine.bot.job;

import dev.imagine.pipeline.GenerationResult;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Each change of a job's state, always in the same order: saved in the store first (whoever hears of it finds it
 * there), counted by the observer, then told to the person through their platform's sink.
 */
record Transitions(JobStore store, Audience audience, InstantSource clock) {

    Optional<Job> find(String jobId) {
        return store.find(jobId);
    }

    /** The adapter completed where to answer about the job (see {@link JobStore#updateOrigin}). */
    boolean updateOrigin(String jobId, String origin) {
        return store.updateOrigin(jobId, origin);
    }

    /** The job as the worker takes it up, saved RUNNING. */
    Job running(Job queued) {
        return store.save(queued.running(clock.instant()));
    }

    /**
     * Saves a job as it is (a parked job taken up again keeps its first start). Each save returns the job as the
     * store kept it, with the latest origin its adapter gave: what follows a save uses that copy.
     */
    Job save(Job job) {
        return store.save(job);
    }

    /** Tells that the job started, after it waited since it was asked for. */
    void announceStart(Job running) {
        audience.observer().started(running, Duration.between(running.createdAt(), running.startedAt()));
        audience.sinkOf(running).started(running);
    }

    void progress(Job job, int step, int totalSteps) {
        audience.sinkOf(job).progress(job, step, totalSteps);
    }

    /** Back to QUEUED, quietly: the next run (or the next start) draws it again. */
    Job requeued(Job job) {
        Job back = store.save(job.requeued());
        return back;
    }

    /** Back to QUEUED for the next start; its owner is told why. */
    Job kept(Job job, String notice) {
        Job back = requeued(job);
        notice(back, notice);
        return back;
    }

    void notice(Job job, String message) {
        audience.sinkOf(job).notice(job, message);
    }

    /** DELETED by its owner: its pictures are no longer handed out. */
    Job deleted(Job job) {
        Job deleted = store.save(job.deleted(clock.instant()));
        return deleted;
    }

    Job cancelled(Job job, String reason) {
        Job cancelled = store.save(job.cancelled(clock.instant(), reason));
        audience.observer().ended(cancelled, JobObserver.Outcome.CANCELLED);
        audience.sinkOf(cancelled).cancelled(cancelled, reason);
        return cancelled;
    }

    /** Counts how a job ended before its new state is saved (a failure, a timeout). */
    void ended(Job job, JobObserver.Outcome outcome) {
        audience.observer().ended(job, outcome);
    }

    /** FAILED, with a message written for the person who asked. */
    Job failed(Job job, String message) {
        Job failed = store.save(job.failed(clock.instant(), message));
        audience.sinkOf(failed).failed(failed, message);
        return failed;
    }

    /**
     * DONE by its own generation; counted before it becomes visible as DONE, so that the metrics already have it.
     * {@code screened} judges its pictures first: it is never visible as DONE without its verdicts.
     */
    Job generated(Job job, List<String> resultKeys, double cpuSeconds, GenerationResult result,
                  UnaryOperator<Job> screened) {
        Job done = screened.apply(job.done(clock.instant(), resultKeys, false, cpuSeconds));
        audience.observer().generated(done, result.textEncoding(), result.denoising(), result.decoding());
        audience.observer().ended(done, JobObserver.Outcome.DONE);
        return store.save(done);
    }

    /** DONE with pictures that were already made, judged by {@code screened}: saved, not yet counted or told. */
    Job doneFromCache(Job job, List<String> resultKeys, UnaryOperator<Job> screened) {
        Job done = store.save(screened.apply(job.done(clock.instant(), resultKeys, true, 0)));
        return done;
    }

    /** Counts and delivers the pictures of a job that got them from the cache or from an identical job. */
    void deliverFromCache(Job done, List<byte[]> pngs, Duration elapsed) {
        audience.observer().ended(done, JobObserver.Outcome.CACHED);
        deliver(done, pngs, elapsed);
    }

    /** The pictures as the job's screening lets them be shown; none left means the person is told why instead. */
    void deliver(Job done, List<byte[]> pngs, Duration elapsed) {
        if (pngs.isEmpty() && done.screening() != null) {
            audience.sinkOf(done).failed(done, done.error());
            return;
        }
        audience.sinkOf(done).finished(done, pngs, elapsed);
    }
}
