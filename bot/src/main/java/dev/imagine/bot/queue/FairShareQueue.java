package dev.imagine.bot.queue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one queue of a process, shared by every platform: among users with waiting jobs the next job goes to the user
 * with the least recent usage, with an aging credit so nobody waits forever; within one user, first in first out.
 *
 * <p>The policy: {@code priority(user) = usage(user) - agingRate * wait(user)}, smallest first, where usage is the
 * CPU-seconds {@linkplain #charge charged} to the user, decaying by half every {@link QueueSettings#usageHalfLife()},
 * and wait is how long the user's oldest waiting job has waited. Ties go to the older submit time, then to the
 * earlier accepted job. Only completed jobs are charged: failed and cancelled jobs cost nothing.
 *
 * <p>Thread-safe: one lock guards all state; the clock is read outside it and the payloads are never called. Time
 * comes only from the injected clock, so the queue is deterministic under a fake one.
 *
 * <p>The worker's loop: {@code take()}, run the job, {@link #charge} its user the CPU time if it completed, repeat.
 * The queue remembers the job it handed out last (until the next {@code take}/{@code poll} or the charge of its user)
 * and counts what remains of its estimated cost in the waits it estimates.
 *
 * <p>Preemption: a worker that can stop a job between steps asks {@link #shouldYield} at each step boundary; when it
 * answers true the worker parks the job and hands it back with {@link #requeue}, at the head of its user's line with
 * its original submit time, and takes the next job. The yielded job is charged only when it completes, for all the
 * time it ran, so that a parked job that is then cancelled costs nothing, as a waiting one does.
 *
 * @param <J> the payload type
 */
public final class FairShareQueue<J> implements JobQueue<J> {
    private static final double FORGOTTEN_CPU_SECONDS = 1e-3;

    private final QueueSettings settings;
    private final InstantSource clock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition jobWaiting = lock.newCondition();
    // Guarded by lock:
    private final Map<String, ArrayDeque<QueueEntry<J>>> waitingByUser = new LinkedHashMap<>();
    private final Map<String, QueueEntry<J>> waitingById = new HashMap<>();
    private final Map<String, Usage> usageByUser = new HashMap<>();
    private long nextSequence;
    private boolean shutDown;
    private QueueEntry<J> running;
    private Instant runningSince;
    private double runningAgingCredit;
    private Instant lastForgetting = Instant.MIN;

    public FairShareQueue(QueueSettings settings, InstantSource clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public QueueSettings settings() {
        return settings;
    }

    /**
     * Queues a job unless its user already has {@link QueueSettings#perUserLimit()} jobs waiting, the queue holds
     * {@link QueueSettings#totalLimit()}, or the queue was shut down.
     *
     * @param jobId         unique among waiting jobs
     * @param user          platform-qualified user id, such as {@code discord:123}
     * @param job           the payload handed back by {@link #take()}
     * @param estimatedCost the expected CPU time of the job (for positions and waits; not charged)
     * @throws IllegalArgumentException if a job with this id is waiting, or the cost is negative
     */
    @Override
    public Admission<J> offer(String jobId, String user, J job, Duration estimatedCost) {
        OfferArguments.check(jobId, user, job, estimatedCost);
        Instant now = clock.instant();
        lock.lock();
        try {
            if (shutDown) {
                return new Admission.Refused<>(Admission.Reason.SHUT_DOWN, 0, Duration.ZERO,
                        "The bot is shutting down and is not taking new jobs.");
            }
            if (waitingById.containsKey(jobId)) {
                throw new IllegalArgumentException("job " + jobId + " is already waiting");
            }
            ArrayDeque<QueueEntry<J>> mine = waitingByUser.get(user);
            if (mine != null && mine.size() >= settings.perUserLimit()) {
                Duration retryAfter = plan(now).stream()
                        .filter(q -> q.entry().user().equals(user))
                        .findFirst().orElseThrow().estimatedWait();
                return new Admission.Refused<>(Admission.Reason.USER_LIMIT, settings.perUserLimit(), retryAfter,
                        "You already have " + jobs(settings.perUserLimit()) + " waiting, the most one person may"
                                + " have. Try again " + inAbout(retryAfter) + ", when the first of them starts.");
            }
            if (waitingById.size() >= settings.totalLimit()) {
                Duration retryAfter = runningRemaining(now);
                return new Admission.Refused<>(Admission.Reason.TOTAL_LIMIT, settings.totalLimit(), retryAfter,
                        "The queue is full (" + jobs(settings.totalLimit()) + " waiting). Try again "
                                + inAbout(retryAfter) + ".");
            }
            QueueEntry<J> entry = new QueueEntry<>(jobId, user, job, estimatedCost, now, nextSequence++);
            waitingByUser.computeIfAbsent(user, u -> new ArrayDeque<>()).addLast(entry);
            waitingById.put(jobId, entry);
            jobWaiting.signal();
            QueuedJob<J> queued = plan(now).stream()
                    .filter(q -> q.entry() == entry)
                    .findFirst().orElseThrow();
            return new Admission.Accepted<>(entry, queued.position(), queued.estimatedWait());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next job by the fair-share policy, waiting for one if none is waiting.
     *
     * @return the job, or empty once the queue is {@linkplain #shutdown() shut down} (waiting jobs are not handed out)
     * @throws InterruptedException if interrupted while waiting
     */
    @Override
    public Optional<QueueEntry<J>> take() throws InterruptedException {
        while (true) {
            Instant now = clock.instant();
            lock.lockInterruptibly();
            try {
                running = null;
                if (shutDown) {
                    return Optional.empty();
                }
                if (!waitingById.isEmpty()) {
                    return Optional.of(removeNext(now));
                }
                jobWaiting.await();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The next job by the fair-share policy, or empty if none is waiting or the queue was shut down. */
    @Override
    public Optional<QueueEntry<J>> poll() {
        Instant now = clock.instant();
        lock.lock();
        try {
            running = null;
            if (shutDown || waitingById.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(removeNext(now));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes a waiting job. It costs its user nothing. Checking that the caller may cancel it is up to the caller:
     * look at the returned entry's user, and offer it again if the check fails.
     *
     * @return the removed entry, or empty if no job with this id is waiting (unknown, already started or cancelled)
     */
    @Override
    public Optional<QueueEntry<J>> cancel(String jobId) {
        Objects.requireNonNull(jobId, "jobId");
        lock.lock();
        try {
            QueueEntry<J> entry = waitingById.remove(jobId);
            if (entry == null) {
                return Optional.empty();
            }
            ArrayDeque<QueueEntry<J>> mine = waitingByUser.get(entry.user());
            mine.remove(entry);
            if (mine.isEmpty()) {
                waitingByUser.remove(entry.user());
            }
            return Optional.of(entry);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the running job {@code jobId} (the one handed out last) should give the worker up now, at a step
     * boundary, for a waiting job. True when all of these hold:
     * <ul>
     *   <li>preemption is on and the job has been parked fewer than {@link Preemption#maxPerJob()} times (so no job
     *       is delayed without bound, and a resumed job is not parked again by default);</li>
     *   <li>the job the policy would serve next belongs to another user and was never parked itself (a parked job
     *       comes back by the ordinary order, it never preempts);</li>
     *   <li>that user's priority is better than the running user's by at least {@link Preemption#margin()}, where
     *       the running user's priority is their usage now minus the aging credit their job had when it started,
     *       i.e. the priority it won the worker with. Users of similar usage (two occasional users) never preempt
     *       each other, so they cannot ping-pong.</li>
     * </ul>
     */
    @Override
    public boolean shouldYield(String jobId) {
        Objects.requireNonNull(jobId, "jobId");
        Preemption rule = settings.preemption();
        if (!rule.enabled()) {
            return false;
        }
        Instant now = clock.instant();
        lock.lock();
        try {
            if (shutDown || running == null || !running.jobId().equals(jobId)
                    || running.preemptions() >= rule.maxPerJob() || waitingById.isEmpty()) {
                return false;
            }
            String next = FairSharePolicy.nextUser(waitingByUser, usageByUser, settings, now);
            if (next == null || next.equals(running.user())) {
                return false;
            }
            QueueEntry<J> head = waitingByUser.get(next).peekFirst();
            if (head.preemptions() > 0) {
                return false;
            }
            double challenger = FairSharePolicy.priority(usageByUser.getOrDefault(next, Usage.NONE), head, settings,
                    now);
            double incumbent = usageByUser.getOrDefault(running.user(), Usage.NONE).at(now, settings.usageHalfLife())
                    - runningAgingCredit;
            return challenger + rule.margin() <= incumbent;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts a job that was handed out and then parked (see {@link #shouldYield}) back at the head of its user's line,
     * keeping its submit time and sequence, whatever the limits say (it was admitted once), and counts the
     * preemption. The worker forgets it as the running job; nobody is charged.
     *
     * @return the entry as it now waits, or empty if the queue was shut down (the caller keeps the job for the next
     *         start, as the other waiting jobs)
     * @throws IllegalArgumentException if a job with this id is already waiting
     */
    @Override
    public Optional<QueueEntry<J>> requeue(QueueEntry<J> entry) {
        Objects.requireNonNull(entry, "entry");
        lock.lock();
        try {
            if (running != null && running.jobId().equals(entry.jobId())) {
                running = null;
            }
            if (shutDown) {
                return Optional.empty();
            }
            if (waitingById.containsKey(entry.jobId())) {
                throw new IllegalArgumentException("job " + entry.jobId() + " is already waiting");
            }
            QueueEntry<J> parked = entry.preempted();
            waitingByUser.computeIfAbsent(parked.user(), u -> new ArrayDeque<>()).addFirst(parked);
            waitingById.put(parked.jobId(), parked);
            jobWaiting.signal();
            return Optional.of(parked);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds CPU time that a completed job of {@code user} consumed to their usage. Call it only for completed jobs.
     *
     * @return the user's usage as the ledger now holds it, for the caller to keep across restarts
     */
    @Override
    public Usage charge(String user, Duration cpuTime) {
        OfferArguments.requireText(user, "user");
        Objects.requireNonNull(cpuTime, "cpuTime");
        if (cpuTime.isNegative()) {
            throw new IllegalArgumentException("cpuTime must not be negative, was " + cpuTime);
        }
        Instant now = clock.instant();
        lock.lock();
        try {
            Duration halfLife = settings.usageHalfLife();
            Usage charged = usageByUser.merge(user, Usage.NONE.plus(Usage.seconds(cpuTime), now, halfLife),
                    (old, none) -> old.plus(Usage.seconds(cpuTime), now, halfLife));
            if (running != null && running.user().equals(user)) {
                running = null;
            }
            forgetIdleUsers(now);
            return charged;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes back the usage ledger of an earlier run (as {@link #charge} returned it), so that a restart does not make
     * everybody equal again. Each entry goes on decaying from the instant it was charged; one that has decayed to
     * nothing is left out, as {@link #charge} forgets idle users. Usage already charged in this run is kept and the
     * restored one added to it.
     *
     * @return the users whose usage was restored
     */
    @Override
    public Set<String> restoreUsage(Map<String, Usage> ledger) {
        Objects.requireNonNull(ledger, "ledger");
        Instant now = clock.instant();
        Duration halfLife = settings.usageHalfLife();
        lock.lock();
        try {
            Set<String> restored = new HashSet<>();
            ledger.forEach((user, usage) -> {
                double left = usage.at(now, halfLife);
                if (left >= FORGOTTEN_CPU_SECONDS) {
                    usageByUser.merge(user, new Usage(left, now),
                            (mine, earlier) -> mine.plus(earlier.cpuSeconds(), now, halfLife));
                    restored.add(user);
                }
            });
            return restored;
        } finally {
            lock.unlock();
        }
    }

    /** The user's recent usage in CPU-seconds, decayed to now. */
    @Override
    public double usage(String user) {
        Instant now = clock.instant();
        lock.lock();
        try {
            return usageByUser.getOrDefault(user, Usage.NONE).at(now, settings.usageHalfLife());
        } finally {
            lock.unlock();
        }
    }

    /** Every waiting job in the order the queue would serve them if nobody else arrived. */
    @Override
    public QueueSnapshot<J> snapshot() {
        Instant now = clock.instant();
        lock.lock();
        try {
            return new QueueSnapshot<>(now, plan(now));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops admitting jobs, wakes a worker blocked in {@link #take()} (which then returns empty) and removes the
     * waiting jobs so that the caller can tell their users or keep them for the next start.
     *
     * @return the jobs that were waiting, in the order they would have been served; empty if already shut down
     */
    @Override
    public List<QueueEntry<J>> shutdown() {
        Instant now = clock.instant();
        lock.lock();
        try {
            List<QueueEntry<J>> left = new ArrayList<>();
            if (!shutDown) {
                plan(now).forEach(q -> left.add(q.entry()));
                shutDown = true;
                waitingByUser.clear();
                waitingById.clear();
                jobWaiting.signalAll();
            }
            return left;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isShutDown() {
        lock.lock();
        try {
            return shutDown;
        } finally {
            lock.unlock();
        }
    }

    /** {@link #shutdown()}, dropping the waiting jobs. */
    @Override
    public void close() {
        shutdown();
    }

    /** How many threads are blocked in {@link #take()}; for tests. */
    int blockedTakers() {
        lock.lock();
        try {
            return lock.getWaitQueueLength(jobWaiting);
        } finally {
            lock.unlock();
        }
    }

    private QueueEntry<J> removeNext(Instant now) {
        String user = FairSharePolicy.nextUser(waitingByUser, usageByUser, settings, now);
        ArrayDeque<QueueEntry<J>> mine = waitingByUser.get(user);
        QueueEntry<J> entry = mine.pollFirst();
        if (mine.isEmpty()) {
            waitingByUser.remove(user);
        }
        waitingById.remove(entry.jobId());
        running = entry;
        runningSince = now;
        runningAgingCredit = settings.agingRate()
                * Math.max(0, Usage.seconds(Duration.between(entry.submittedAt(), now)));
        return entry;
    }

    private List<QueuedJob<J>> plan(Instant now) {
        return FairSharePolicy.plan(waitingByUser, usageByUser, settings, now, running, runningRemaining(now));
    }

    /** What remains of the estimated cost of the job handed out last, if the worker is still on it. */
    private Duration runningRemaining(Instant now) {
        if (running == null) {
            return Duration.ZERO;
        }
        Duration left = running.estimatedCost().minus(Duration.between(runningSince, now));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Drops users with nothing waiting whose usage has decayed to nothing, at most once per half-life. */
    private void forgetIdleUsers(Instant now) {
        if (Duration.between(lastForgetting, now).compareTo(settings.usageHalfLife()) < 0) {
            return;
        }
        lastForgetting = now;
        for (Iterator<Map.Entry<String, Usage>> it = usageByUser.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Usage> e = it.next();
            if (!waitingByUser.containsKey(e.getKey())
                    && e.getValue().at(now, settings.usageHalfLife()) < FORGOTTEN_CPU_SECONDS) {
                it.remove();
            }
        }
    }

    private static String jobs(int n) {
        return n == 1 ? "1 job" : n + " jobs";
    }

    /** "in about 3 minutes", for messages. */
    public static String inAbout(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 10) {
            return "in a few seconds";
        }
        if (s < 90) {
            return "in about " + ((s + 5) / 10 * 10) + " seconds";
        }
        long minutes = (s + 59) / 60;
        if (minutes < 90) {
            return "in about " + minutes + " minutes";
        }
        long hours = minutes / 60;
        long rest = minutes % 60;
        return "in about " + hours + (hours == 1 ? " hour" : " hours") + (rest == 0 ? "" : " " + rest + " minutes");
    }
}
