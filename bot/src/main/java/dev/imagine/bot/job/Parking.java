package dev.imagine.bot.job;

import dev.imagine.bot.queue.JobQueue;
import dev.imagine.bot.queue.QueueEntry;
import dev.imagine.pipeline.Generation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs that yielded the worker at a step boundary to a more deserving one: their generations wait here, where they
 * stopped, while the job is back in the queue (QUEUED in the store, so that a restart draws it from scratch).
 */
final class Parking {
    private static final Logger LOG = LoggerFactory.getLogger(Parking.class);

    /**
     * A parked job: its generation, the job as it ran (with its first start), what it has used so far, and what is
     * left of its time limit.
     */
    record Parked(Generation generation, Job job, Spent spent, long budgetNanos) {
    }

    private final Map<String, Parked> parked = new ConcurrentHashMap<>();
    private final JobQueue<Job> queue;
    private final WorkerSlot slot;
    private final Transitions transitions;
    private final Endings endings;

    Parking(JobQueue<Job> queue, WorkerSlot slot, Transitions transitions, Endings endings) {
        this.queue = queue;
        this.slot = slot;
        this.transitions = transitions;
        this.endings = endings;
    }

    /**
     * Parks the running job and puts it back in the queue. Returns whether its generation is kept; when the queue
     * was shut down meanwhile, the job simply stays QUEUED for the next start.
     */
    boolean park(QueueEntry<Job> entry, RunningJob running, Generation generation, Spent spent, long nowNanos) {
        Job job = running.job();
        Job back = transitions.requeued(job);
        parked.put(job.id(), new Parked(generation, job, spent, running.remainingNanos(nowNanos)));
        // From here a cancel finds the job QUEUED and not running: it takes it out of the queue (or the worker finds
        // it cancelled when it takes it again) and closes the parked generation.
        slot.vacate();
        if (queue.requeue(entry).isEmpty()) {
            parked.remove(job.id());
            transitions.notice(back, RestartNotices.DRAWN_WHEN_BACK);
            return false;
        }
        if (running.requested().orElse(null) == StopReason.CANCELLED_BY_OWNER && queue.cancel(job.id()).isPresent()) {
            // Cancelled while it was being parked, when the cancel still found it running.
            close(job.id());
            endings.cancelled(back);
            return false;
        }
        LOG.info("job {} parked after step {} of {} for a more deserving job", job.id(), generation.stepsDone(),
                generation.totalSteps());
        return true;
    }

    /** The parked state of {@code jobId}, taken out of the parking, when the worker takes the job up again. */
    Optional<Parked> resume(String jobId) {
        return Optional.ofNullable(parked.remove(jobId));
    }

    /** Drops the parked state of a job that will not be resumed (cancelled). */
    void close(String jobId) {
        Parked gone = parked.remove(jobId);
        if (gone != null) {
            gone.generation().close();
        }
    }

    /** Drops every parked state: the jobs are QUEUED in the store like the other waiting ones. */
    void closeAll() {
        List.copyOf(parked.keySet()).forEach(this::close);
    }
}
