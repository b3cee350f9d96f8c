package dev.imagine.bot.redis;

import static dev.imagine.bot.redis.Replies.dbl;
import static dev.imagine.bot.redis.Replies.list;
import static dev.imagine.bot.redis.Replies.lng;
import static dev.imagine.bot.redis.Replies.str;

import dev.imagine.bot.queue.Admission;
import dev.imagine.bot.queue.ClusterPlan;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.JobQueue;
import dev.imagine.bot.queue.LeaseLostException;
import dev.imagine.bot.queue.OfferArguments;
import dev.imagine.bot.queue.Preemption;
import dev.imagine.bot.queue.QueueEntry;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.queue.QueueSnapshot;
import dev.imagine.bot.queue.QueuedJob;
import dev.imagine.bot.queue.Usage;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fair-share queue kept in Redis, shared by every process of every machine: the policy of the embedded
 * {@code FairShareQueue}, decided inside Lua scripts so that each offer, take, charge and yield is one atomic step
 * across all processes, on the Redis server's clock (workers' clocks never matter).
 *
 * <p>What more than one worker needs: a worker holds each job it takes under a lease with a fencing token
 * ({@link LeaseTerms}); {@link LeaseKeeper} renews it while the job runs; a lease that runs out puts the job back at
 * its place (any worker's next take does that), and a worker that lost its lease is told by {@link #shouldYield}
 * ({@link LeaseLostException}) and by the job store, which refuses its writes. Jobs that workers hold count in their
 * owners' priority, so more free workers do not hand a heavy user more than their share; one waiting job makes only
 * one worker yield. {@link #shutdown()} stops this process only: the waiting jobs stay in Redis for the others.
 *
 * <p>Thread-safe: commands go over the process's shared connection; a blocked {@link #take} waits on a connection of
 * its own.
 *
 * @param <J> the payload type, kept in Redis as text
 */
public final class RedisJobQueue<J> implements JobQueue<J> {
    private static final Logger LOG = LoggerFactory.getLogger(RedisJobQueue.class);
    /** How long an idle worker blocks between two takes (each take also reclaims leases that ran out). */
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);
    /** should_yield's answer when another process asked for the job to stop (its owner cancelled it). */
    private static final long STOP_REQUESTED = -2;

    private final RedisConnections connections;
    private final RedisScripts scripts;
    private final String prefix;
    private final String[] keys;
    private final QueueSettings settings;
    private final LeaseTerms terms;
    private final String worker;
    private final Function<J, String> encode;
    private final Function<String, J> decode;
    private final Supplier<String> clock;
    private final Holdings holdings;
    private volatile boolean shutDown;
    private volatile Consumer<String> givenUp = id -> { };
    private volatile Consumer<String> stopRequested = id -> { };

    /**
     * @param prefix     key prefix with a hash tag, such as {@code {imagine}:}
     * @param worker     this process's name among the workers (host, pid)
     * @param fakeMicros the time in microseconds for tests, or null for the Redis server's clock
     */
    RedisJobQueue(RedisConnections connections, String prefix, QueueSettings settings, LeaseTerms terms,
                  String worker, Function<J, String> encode, Function<String, J> decode, Holdings holdings,
                  Supplier<Long> fakeMicros) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.scripts = new RedisScripts(connections.shared());
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.keys = new String[] {prefix + "q:settings"};
        this.settings = Objects.requireNonNull(settings, "settings");
        this.terms = Objects.requireNonNull(terms, "terms");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.encode = Objects.requireNonNull(encode, "encode");
        this.decode = Objects.requireNonNull(decode, "decode");
        this.holdings = Objects.requireNonNull(holdings, "holdings");
        this.clock = fakeMicros == null ? () -> "" : () -> Long.toString(fakeMicros.get());
    }

    /**
     * Writes this process's queue settings for every process: the last process to start decides the policy for all,
     * so run every process of one deployment with the same config.yaml queue section.
     */
    void configure() {
        Preemption p = settings.preemption();
        run("configure", ScriptOutputType.MULTI, settings.perUserLimit(), settings.totalLimit(),
                Usage.seconds(settings.usageHalfLife()), settings.agingRate(), p.margin(),
                p.enabled() ? p.maxPerJob() : 0, terms.maxExpiries());
    }

    @Override
    public QueueSettings settings() {
        return settings;
    }

    @Override
    public Admission<J> offer(String jobId, String user, J job, Duration estimatedCost) {
        OfferArguments.check(jobId, user, job, estimatedCost);
        if (shutDown) {
            return new Admission.Refused<>(Admission.Reason.SHUT_DOWN, 0, Duration.ZERO,
                    "The bot is shutting down and is not taking new jobs.");
        }
        List<Object> r = run("offer", ScriptOutputType.MULTI, jobId, user, Micros.of(estimatedCost),
                encode.apply(job));
        String status = str(r.get(0));
        if (status.equals("EXISTS")) {
            throw new IllegalArgumentException("job " + jobId + " is already " + str(r.get(1)));
        }
        Dump<J> dump = new Dump<>(list(r.get(2)), decode);
        List<QueuedJob<J>> plan = dump.plan(settings);
        return switch (status) {
            case "ACCEPTED" -> {
                long seq = lng(r.get(1));
                QueuedJob<J> mine = plan.stream().filter(q -> q.entry().sequence() == seq).findFirst()
                        .orElseThrow();
                yield new Admission.Accepted<>(mine.entry(), mine.position(), mine.estimatedWait());
            }
            case "USER_LIMIT" -> {
                Duration retryAfter = plan.stream().filter(q -> q.entry().user().equals(user)).findFirst()
                        .map(QueuedJob::estimatedWait).orElse(Duration.ZERO);
                yield new Admission.Refused<>(Admission.Reason.USER_LIMIT, settings.perUserLimit(), retryAfter,
                        "You already have " + jobs(settings.perUserLimit()) + " waiting, the most one person may"
                                + " have. Try again " + FairShareQueue.inAbout(retryAfter)
                                + ", when the first of them starts.");
            }
            default -> {
                Duration retryAfter = dump.firstFree();
                yield new Admission.Refused<>(Admission.Reason.TOTAL_LIMIT, settings.totalLimit(), retryAfter,
                        "The queue is full (" + jobs(settings.totalLimit()) + " waiting). Try again "
                                + FairShareQueue.inAbout(retryAfter) + ".");
            }
        };
    }

    /**
     * The next job by the policy under a new lease, waiting for one: between two attempts it blocks on the list that
     * offers and hand-backs push to, at most a second (each attempt also reclaims leases that ran out). Ends this
     * worker's hold on the job it took before, as the embedded queue forgets its running job here.
     */
    @Override
    public Optional<QueueEntry<J>> take() throws InterruptedException {
        RedisCommands<String, byte[]> blocking = null;
        boolean unreachable = false;
        try {
            while (!shutDown) {
                try {
                    Optional<QueueEntry<J>> next = pollOrWait();
                    if (next.isPresent()) {
                        return next;
                    }
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    if (blocking == null) {
                        blocking = connections.blocking(IDLE_WAIT);
                    }
                    blocking.blpop(IDLE_WAIT.toMillis() / 1000.0, prefix + "q:wake");
                    if (unreachable) {
                        LOG.info("Redis answers again; the worker takes jobs again");
                        unreachable = false;
                    }
                } catch (RedisException e) {
                    if (e instanceof RedisCommandInterruptedException || Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException("stopped while waiting for Redis");
                    }
                    // Redis is away (restarting, failing over, cut off): the worker waits for it instead of dying.
                    if (!unreachable) {
                        LOG.warn("the worker cannot reach Redis ({}); it tries again every {} s", e.toString(),
                                IDLE_WAIT.toSeconds());
                        unreachable = true;
                    }
                    Thread.sleep(IDLE_WAIT.toMillis());
                }
            }
            endHolds();
            return Optional.empty();
        } finally {
            if (blocking != null) {
                blocking.getStatefulConnection().close();
            }
        }
    }

    @Override
    public Optional<QueueEntry<J>> poll() {
        if (shutDown) {
            endHolds();
            return Optional.empty();
        }
        return pollOrWait();
    }

    private Optional<QueueEntry<J>> pollOrWait() {
        endHolds();
        List<Object> r;
        try {
            r = run("take", ScriptOutputType.MULTI, worker, terms.lease().toMillis(), terms.floor().toMillis(),
                    terms.slack().toMillis(), terms.estimateFactor(), terms.lease().toMillis());
        } catch (RedisCommandExecutionException e) {
            if (String.valueOf(e.getMessage()).startsWith("NOSETTINGS")) {
                // A worker started before any bot wrote the settings: it waits for them instead of dying.
                return Optional.empty();
            }
            throw e;
        }
        boolean taken = str(r.get(0)).equals("TAKEN");
        for (int i = taken ? 10 : 1; i < r.size(); i++) {
            tellGivenUp(str(r.get(i)));
        }
        if (!taken) {
            return Optional.empty();
        }
        QueueEntry<J> entry = new QueueEntry<>(str(r.get(1)), str(r.get(2)), decode.apply(str(r.get(7))),
                Micros.duration(lng(r.get(3))), Micros.instant((long) dbl(r.get(4))), lng(r.get(5)),
                (int) lng(r.get(6)));
        holdings.hold(entry.jobId(), entry.user(), lng(r.get(8)));
        return Optional.of(entry);
    }

    private void tellGivenUp(String jobId) {
        LOG.warn("job {} given up: its lease ran out {} times (every worker that took it stopped)", jobId,
                terms.maxExpiries());
        try {
            givenUp.accept(jobId);
        } catch (RuntimeException e) {
            LOG.error("could not tell the owner of job {} that it was given up", jobId, e);
        }
    }

    /**
     * Ends the holds of this worker: a job it completed was already ended by {@link #charge}; one that failed or
     * was cancelled ends without a charge; while shutting down, a job still held goes back to its place for the
     * other workers (the engine kept it QUEUED).
     */
    private void endHolds() {
        for (Holdings.Held held : holdings.all()) {
            holdings.release(held);
            if (held.lost()) {
                continue;
            }
            if (shutDown) {
                run("requeue", ScriptOutputType.MULTI, held.jobId(), held.token(), 0);
            } else {
                run("finish", ScriptOutputType.MULTI, held.jobId(), held.token(), "ended", 0);
            }
        }
    }

    @Override
    public Optional<QueueEntry<J>> cancel(String jobId) {
        Objects.requireNonNull(jobId, "jobId");
        List<Object> r = run("cancel", ScriptOutputType.MULTI, jobId);
        if (r.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new QueueEntry<>(str(r.get(0)), str(r.get(1)), decode.apply(str(r.get(6))),
                Micros.duration(lng(r.get(2))), Micros.instant((long) dbl(r.get(3))), lng(r.get(4)),
                (int) lng(r.get(5))));
    }

    /**
     * {@code FairShareQueue.shouldYield} for the job this worker holds, decided on the shared state.
     *
     * @throws LeaseLostException when this worker no longer holds the job (checked at every step boundary, so a
     *                            worker that comes back from a freeze stops at its next step)
     */
    @Override
    public boolean shouldYield(String jobId) {
        Holdings.Held held = holdings.of(jobId).orElse(null);
        if (held == null) {
            return false;
        }
        if (held.lost()) {
            throw new LeaseLostException(jobId, "its lease could not be renewed");
        }
        long answer = run("should_yield", ScriptOutputType.INTEGER, jobId, held.token(),
                terms.lease().toMillis());
        if (answer == STOP_REQUESTED) {
            stopRequested.accept(jobId);
            return false;
        }
        if (answer < 0) {
            holdings.lost(jobId);
            throw new LeaseLostException(jobId, "its lease ran out and the job went back to the queue");
        }
        return answer == 1;
    }

    @Override
    public Optional<QueueEntry<J>> requeue(QueueEntry<J> entry) {
        Objects.requireNonNull(entry, "entry");
        Holdings.Held held = holdings.of(entry.jobId())
                .orElseThrow(() -> new IllegalArgumentException("job " + entry.jobId() + " is not held here"));
        holdings.release(held);
        boolean parked = !shutDown;
        List<Object> r = run("requeue", ScriptOutputType.MULTI, entry.jobId(), held.token(), parked ? 1 : 0);
        if (!str(r.get(0)).equals("REQUEUED")) {
            throw new LeaseLostException(entry.jobId(), "it was " + str(r.get(1)) + " when it was handed back");
        }
        if (!parked) {
            // Back in Redis for the other workers; this process keeps nothing for its next start.
            return Optional.empty();
        }
        return Optional.of(new QueueEntry<>(entry.jobId(), entry.user(), entry.job(), entry.estimatedCost(),
                entry.submittedAt(), entry.sequence(), (int) lng(r.get(1))));
    }

    /**
     * Charges a completed job: when this worker holds a job of {@code user}, the charge also ends that hold, in one
     * step, and only if the hold is still this worker's.
     *
     * @throws LeaseLostException when the held job went to another worker meanwhile (nobody is charged)
     */
    @Override
    public Usage charge(String user, Duration cpuTime) {
        OfferArguments.requireText(user, "user");
        Objects.requireNonNull(cpuTime, "cpuTime");
        if (cpuTime.isNegative()) {
            throw new IllegalArgumentException("cpuTime must not be negative, was " + cpuTime);
        }
        Optional<Holdings.Held> held = holdings.ofUser(user);
        if (held.isPresent()) {
            holdings.release(held.get());
            List<Object> r = run("finish", ScriptOutputType.MULTI, held.get().jobId(), held.get().token(), "done",
                    Usage.seconds(cpuTime));
            if (!str(r.get(0)).equals("OK")) {
                throw new LeaseLostException(held.get().jobId(), "it was " + str(r.get(1)) + " when it completed");
            }
            return new Usage(dbl(r.get(1)), Micros.instant((long) dbl(r.get(2))));
        }
        List<Object> r = run("charge", ScriptOutputType.MULTI, user, Usage.seconds(cpuTime));
        return new Usage(dbl(r.get(0)), Micros.instant((long) dbl(r.get(1))));
    }

    @Override
    public Set<String> restoreUsage(Map<String, Usage> ledger) {
        Objects.requireNonNull(ledger, "ledger");
        if (ledger.isEmpty()) {
            return Set.of();
        }
        List<Object> argv = new ArrayList<>();
        ledger.forEach((user, u) -> {
            argv.add(user);
            argv.add(u.cpuSeconds());
            argv.add(Micros.of(u.asOf()));
        });
        List<Object> r = run("restore_usage", ScriptOutputType.MULTI, argv.toArray());
        Set<String> restored = new LinkedHashSet<>();
        r.forEach(o -> restored.add(str(o)));
        return restored;
    }

    @Override
    public double usage(String user) {
        byte[] r = run("usage", ScriptOutputType.VALUE, user);
        return dbl(r);
    }

    @Override
    public QueueSnapshot<J> snapshot() {
        Dump<J> dump = new Dump<>(run("snapshot", ScriptOutputType.MULTI), decode);
        return new QueueSnapshot<>(dump.now(), dump.plan(settings));
    }

    /**
     * Renews the lease of every job this worker holds; one that cannot be renewed (it ran out, or another worker
     * holds the job now) is marked lost, and the worker stops it at its next step. Called by {@link LeaseKeeper}.
     */
    void renewHeldLeases() {
        for (Holdings.Held held : holdings.all()) {
            if (held.lost()) {
                continue;
            }
            List<Object> r = run("renew", ScriptOutputType.MULTI, held.jobId(), held.token(),
                    terms.lease().toMillis(), terms.lease().toMillis(), worker);
            if (!str(r.get(0)).equals("OK")) {
                LOG.warn("job {}: its lease could not be renewed ({}); the worker stops it at its next step",
                        held.jobId(), str(r.get(1)));
                holdings.lost(held.jobId());
            } else if (r.size() > 2 && "1".equals(str(r.get(2)))) {
                stopRequested.accept(held.jobId());
            }
        }
    }

    /** Puts back (or gives up) the jobs whose leases ran out; returns how many. Any take does it too. */
    int reclaim() {
        Long n = run("reclaim", ScriptOutputType.INTEGER, 100);
        return n.intValue();
    }

    /** The jobs this worker holds (for tests). */
    Holdings holdings() {
        return holdings;
    }

    /** Marks a job that a worker holds to be stopped; that worker stops it at its next step or renewal. */
    @Override
    public boolean requestStop(String jobId) {
        Long marked = run("request_stop", ScriptOutputType.INTEGER, jobId);
        return marked == 1;
    }

    @Override
    public void whenStopRequested(Consumer<String> jobIds) {
        this.stopRequested = Objects.requireNonNull(jobIds, "jobIds");
    }

    @Override
    public void whenGivenUp(Consumer<String> jobIds) {
        this.givenUp = Objects.requireNonNull(jobIds, "jobIds");
    }

    /** Stops this process from offering and taking; the jobs in Redis stay for the other processes. */
    @Override
    public List<QueueEntry<J>> shutdown() {
        shutDown = true;
        return List.of();
    }

    @Override
    public boolean isShutDown() {
        return shutDown;
    }

    @Override
    public boolean sharedAcrossProcesses() {
        return true;
    }

    @Override
    public void close() {
        shutdown();
    }

    private <T> T run(String script, ScriptOutputType type, Object... args) {
        Object[] argv = new Object[args.length + 2];
        argv[0] = prefix;
        argv[1] = clock.get();
        System.arraycopy(args, 0, argv, 2, args.length);
        return scripts.run(script, type, keys, argv);
    }

    private static String jobs(int n) {
        return n == 1 ? "1 job" : n + " jobs";
    }
}
