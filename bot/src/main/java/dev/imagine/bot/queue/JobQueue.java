package dev.imagine.bot.queue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The fair-share queue as the job engine sees it: one policy (decayed usage, aging credit, per-user and total caps,
 * preemption at step boundaries), two homes. {@link FairShareQueue} keeps it in this process (the default, one
 * machine); the Redis queue (package {@code redis}) keeps it in Redis, where every process of every machine applies
 * the same policy atomically and a worker holds each job it takes under a lease that it renews while it works.
 *
 * <p>The worker's loop is the same for both: {@link #take}, run the job, {@link #charge} its owner if it completed
 * (which also ends the worker's hold on it), repeat; the next {@link #take} ends the hold on a job that did not
 * complete. Between steps: {@link #shouldYield}, and {@link #requeue} when it says yes. See {@link FairShareQueue}
 * for the contract of each method; the contract tests run the same scenarios against both homes.
 *
 * @param <J> the payload type
 */
public interface JobQueue<J> extends AutoCloseable {

    QueueSettings settings();

    /** Queues a job, or refuses it (caps, shut down); see {@link FairShareQueue#offer}. */
    Admission<J> offer(String jobId, String user, J job, Duration estimatedCost);

    /** The next job by the policy, waiting for one; empty once this process shut the queue down. */
    Optional<QueueEntry<J>> take() throws InterruptedException;

    /** The next job by the policy, or empty when none waits. */
    Optional<QueueEntry<J>> poll();

    /** Removes a waiting job (it costs nothing); empty when no job with this id waits. */
    Optional<QueueEntry<J>> cancel(String jobId);

    /** Whether the job this worker runs should give the worker up now, at a step boundary. */
    boolean shouldYield(String jobId);

    /** Puts a parked job back at the head of its owner's line; empty when it cannot go back (shut down). */
    Optional<QueueEntry<J>> requeue(QueueEntry<J> entry);

    /**
     * Charges a completed job's CPU time to its owner; returns the owner's usage as the ledger now holds it. When the
     * worker runs a job of that owner, the charge says that job completed (the worker no longer holds it).
     */
    Usage charge(String user, Duration cpuTime);

    /** Takes back a ledger of an earlier run; returns the users whose usage was restored. */
    Set<String> restoreUsage(Map<String, Usage> ledger);

    /** The user's recent usage in CPU-seconds, decayed to now. */
    double usage(String user);

    /** Every waiting job in the order the queue would serve them if nobody else arrived. */
    QueueSnapshot<J> snapshot();

    /**
     * Stops this process from admitting and taking jobs and wakes a worker blocked in {@link #take}. Returns the jobs
     * this process must keep for its next start (the embedded queue's waiting jobs); a shared queue keeps its waiting
     * jobs for the other processes and returns none.
     */
    List<QueueEntry<J>> shutdown();

    boolean isShutDown();

    /**
     * Whether the waiting jobs live outside this process (in Redis) and outlast it: then a restart has nothing to put
     * back into the queue, and a job whose worker was lost comes back by itself when its lease runs out.
     */
    default boolean sharedAcrossProcesses() {
        return false;
    }

    /**
     * Who is told of jobs the queue gave up on by itself: a shared queue gives a job up when its lease ran out too
     * often (it brought down every worker that took it). Called on a worker's thread with the job's id. The embedded
     * queue never gives a job up.
     */
    default void whenGivenUp(Consumer<String> jobIds) {
    }

    /**
     * Asks the worker of another process that runs {@code jobId} to stop it after its current step (its owner
     * cancelled it). Returns false when no worker elsewhere holds it; the embedded queue has no other process.
     */
    default boolean requestStop(String jobId) {
        return false;
    }

    /** Who stops a job of this process's worker when another process asked for it ({@link #requestStop}). */
    default void whenStopRequested(Consumer<String> jobIds) {
    }

    @Override
    void close();
}
