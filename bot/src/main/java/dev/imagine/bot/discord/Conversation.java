package dev.imagine.bot.discord;

import dev.imagine.bot.job.JobPhase;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job's Discord message: its origin, a serial lane of Discord calls (each runs after every call submitted before
 * it for this job), how far the job is ({@link JobPhase}), and the throttling of progress edits.
 */
final class Conversation {
    private static final Logger LOG = LoggerFactory.getLogger(Conversation.class);

    final String jobId;
    final Origin origin;
    private final Queue<Runnable> lane = new ArrayDeque<>();
    private boolean draining;
    // True until the interaction's initial response went out: tasks wait in the lane.
    private boolean held;
    private JobPhase phase = JobPhase.NEW;
    private long lastEditNanos;
    private boolean edited;

    private final Executor executor;
    private final long progressIntervalNanos;

    /** @param progressIntervalNanos at most one progress edit this often */
    Conversation(String jobId, Origin origin, Executor executor, long progressIntervalNanos) {
        this.jobId = jobId;
        this.origin = origin;
        this.executor = executor;
        this.progressIntervalNanos = progressIntervalNanos;
    }

    /** Tasks wait in the lane until {@code response} (the interaction's initial response) has gone out or failed. */
    synchronized void holdUntil(CompletableFuture<?> response) {
        held = true;
        response.whenComplete((ignored, failure) -> release());
    }

    /** Runs {@code task} after every task submitted before it for this job. */
    void submit(Runnable task) {
        synchronized (this) {
            lane.add(task);
            if (draining || held) {
                return;
            }
            draining = true;
        }
        startDraining();
    }

    /** The initial response went out (or could not): what waited in the lane goes now, in order. */
    private void release() {
        synchronized (this) {
            held = false;
            if (draining || lane.isEmpty()) {
                return;
            }
            draining = true;
        }
        startDraining();
    }

    private void startDraining() {
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            LOG.warn("job {}: the Discord adapter is stopped; its update was not sent", jobId);
            synchronized (this) {
                lane.clear();
                draining = false;
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = lane.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.warn("job {}: a Discord update failed", jobId, e);
            }
        }
    }

    /** Moves to {@code next} unless the job is already past it. */
    synchronized boolean advance(JobPhase next) {
        if (!phase.allows(next)) {
            return false;
        }
        phase = next;
        return true;
    }

    /** A notice may be shown unless the job is over. */
    synchronized boolean notice() {
        JobPhase next = phase.afterNotice();
        if (next == null) {
            return false;
        }
        phase = next;
        return true;
    }

    synchronized boolean editAllowedNow() {
        long now = System.nanoTime();
        if (edited && now - lastEditNanos < progressIntervalNanos) {
            return false;
        }
        edited = true;
        lastEditNanos = now;
        return true;
    }

    synchronized boolean isPast(JobPhase other) {
        return phase.compareTo(other) > 0;
    }
}
