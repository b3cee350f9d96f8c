package dev.imagine.bot.job;

import dev.imagine.bot.cache.CacheKey;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.queue.Admission;
import dev.imagine.bot.queue.JobQueue;
import dev.imagine.bot.queue.QueuedJob;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a new job: answers it from the cache when every picture is there, lets it follow an identical job in flight
 * ({@link InFlight}), or offers it to the fair-share queue, which may refuse it (the queue or the person's share of
 * it is full).
 */
record Intake(JobStore store, JobQueue<Job> queue, Pictures pictures, InFlight inFlight, CostModel costs,
              Transitions transitions, SafetyScreen screen, InstantSource clock) {
    private static final Logger LOG = LoggerFactory.getLogger(Intake.class);

    /**
     * @param known true for a job that is already in the store under its id (a follower taking its leader's place):
     *              a refusal then ends it as failed instead of forgetting it
     */
    Reply admit(Job job, boolean known) {
        List<CacheKey> keys = pictures.keysOf(job.parameters());
        Optional<List<byte[]>> cached = pictures.cached(keys);
        if (cached.isPresent()) {
            // Screened for this job's channel: a picture flagged for one channel is not handed to another whose
            // policy would refuse it.
            Job done = transitions.doneFromCache(job, Pictures.digests(keys), d -> screen.judge(d, cached.get()));
            LOG.info("job {} for {} answered from the cache", done.id(), done.owner().key());
            List<byte[]> shown = screen.present(done, cached.get());
            if (shown.isEmpty()) {
                return new Reply.Refused(done.error(), Reply.Refused.Reason.NOT_ALLOWED);
            }
            return new Reply.Finished(done, shown);
        }
        String request = String.join(",", Pictures.digests(keys));
        // Saved before anything else knows of it: the worker may take it the moment it is in the queue, and a
        // leader ending in another process may deliver to it the moment it follows.
        transitions.save(job);
        return inFlight.followOrOffer(request, job, leader -> follow(job, leader), () -> offer(job, known));
    }

    /** The ETA of work of these parameters, as this machine has been drawing lately. */
    Duration estimate(JobParameters parameters) {
        return costs.estimate(WorkUnits.of(parameters));
    }

    /** The same picture is already being made: wait for it instead of making it twice. */
    private Reply follow(Job job, String leader) {
        Optional<QueuedJob<Job>> place = queue.snapshot().positionOf(leader);
        return new Reply.Accepted(job, place.map(QueuedJob::position).orElse(0),
                place.map(QueuedJob::estimatedWait).orElse(Duration.ZERO));
    }

    private Reply offer(Job job, boolean known) {
        Admission<Job> admission = queue.offer(job.id(), job.fairShare(), job, estimate(job.parameters()));
        if (admission instanceof Admission.Refused<Job> refused) {
            if (known) {
                transitions.save(job.failed(clock.instant(), refused.message()));
            } else {
                store.delete(job.id());
            }
            return new Reply.Refused(refused.message(), Reply.Refused.Reason.BUSY);
        }
        Admission.Accepted<Job> accepted = (Admission.Accepted<Job>) admission;
        LOG.info("job {} for {} queued at #{}", job.id(), job.owner().key(), accepted.position());
        return new Reply.Accepted(job, accepted.position(), accepted.estimatedWait());
    }
}
