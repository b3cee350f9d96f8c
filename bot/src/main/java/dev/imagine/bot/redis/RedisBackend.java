package dev.imagine.bot.redis;

import dev.imagine.bot.cache.LowerTier;
import dev.imagine.bot.job.InFlight;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.ReplySink;
import dev.imagine.bot.job.StoreJson;
import dev.imagine.bot.queue.QueueSettings;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imagine's state in one Redis, for a deployment of several processes (one bot, N workers): the fair-share queue with
 * its leases ({@link RedisJobQueue}, renewed by a {@link LeaseKeeper}) and the job store ({@link RedisJobStore}),
 * which share this process's {@link Holdings} so that the store fences the writes of held jobs. Every key starts
 * with {@value #PREFIX}: one hash tag, so that the scripts may touch keys they cannot declare in advance (the line of
 * whichever user comes next), which a cluster allows only within one slot.
 */
public final class RedisBackend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisBackend.class);
    public static final String PREFIX = "{imagine}:";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private final RedisConnections connections;
    private final RedisJobQueue<Job> queue;
    private final RedisJobStore store;
    private final LeaseKeeper keeper;
    private final JobEvents events;
    private final String process;
    private final String prefix;
    private final List<EventRelay> relays = new CopyOnWriteArrayList<>();

    private RedisBackend(RedisConnections connections, RedisJobQueue<Job> queue, RedisJobStore store,
                         LeaseKeeper keeper, JobEvents events, String process, String prefix) {
        this.connections = connections;
        this.queue = queue;
        this.store = store;
        this.keeper = keeper;
        this.events = events;
        this.process = process;
        this.prefix = prefix;
    }

    /**
     * Connects, writes this process's queue settings for all (see {@link RedisJobQueue#configure}) and starts
     * renewing leases.
     *
     * @throws IllegalStateException when Redis cannot be reached (the message names the URL without its password)
     */
    public static RedisBackend open(RedisUrl url, QueueSettings settings, Duration jobTimeout) {
        return open(url, PREFIX, settings, LeaseTerms.forJobTimeout(jobTimeout), workerName(), null);
    }

    /** For tests: any prefix, terms and worker name, and a fake clock (microseconds) or null for the server's. */
    static RedisBackend open(RedisUrl url, String prefix, QueueSettings settings, LeaseTerms terms, String worker,
                             Supplier<Long> fakeMicros) {
        Objects.requireNonNull(url, "url");
        RedisConnections connections = new RedisConnections(url, COMMAND_TIMEOUT);
        try {
            connections.shared().ping();
            Holdings holdings = new Holdings();
            RedisJobQueue<Job> queue = new RedisJobQueue<>(connections, prefix, settings, terms, worker,
                    StoreJson::write, RedisBackend::job, holdings, fakeMicros);
            queue.configure();
            RedisJobStore store = new RedisJobStore(connections, prefix, holdings, fakeMicros);
            LeaseKeeper keeper = fakeMicros == null ? new LeaseKeeper(queue, terms.renewEvery()) : null;
            LOG.info("queue, job store and leases in Redis at {} (worker {}, lease {} s renewed every {} s)",
                    url.redacted(), worker, terms.lease().toSeconds(), terms.renewEvery().toSeconds());
            return new RedisBackend(connections, queue, store, keeper, new JobEvents(connections, prefix), worker,
                    prefix);
        } catch (RuntimeException e) {
            connections.close();
            throw e instanceof IllegalStateException ? e : new IllegalStateException("cannot use Redis at "
                    + url.redacted() + ": " + String.valueOf(e.getMessage()).replace(url.value(), url.redacted()), e);
        }
    }

    public RedisJobQueue<Job> queue() {
        return queue;
    }

    public RedisJobStore store() {
        return store;
    }

    /**
     * Where identical requests in flight meet, across every process: give it to the job service, so that a follower
     * admitted by one process hears of a leader that ends in another.
     */
    public InFlight inFlight() {
        return new RedisInFlight(connections, prefix);
    }

    /** The result cache's lower tier in Redis, shared by every process, within {@code budgetBytes}. */
    public LowerTier pictures(long budgetBytes) {
        return new RedisPictureTier(connections, RedisPictureTier.PREFIX, budgetBytes);
    }

    /**
     * What the engine of this process tells the people of {@code platform}: news written to that platform's stream,
     * for whichever process runs its adapter (register it with the job service for every platform).
     */
    public ReplySink newsFor(String platform) {
        return events.sink(platform);
    }

    /**
     * Hands the news of {@code platform}'s stream to this process's adapter {@code sink}, from now until close, while
     * {@code connected} says the adapter can deliver; each piece reaches one adapter process of that platform. Close
     * it before the adapter.
     */
    public AutoCloseable relayNews(String platform, ReplySink sink, java.util.function.BooleanSupplier connected) {
        EventRelay relay = new EventRelay(connections, events, platform, process, sink, connected,
                store::withLatestOrigin);
        relays.add(relay);
        relay.start();
        return relay;
    }

    private static Job job(String json) {
        try {
            return StoreJson.read(json, Job.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException("a job in the Redis queue cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    /** host:pid:random, so that two processes on one machine, and a restarted one, are different workers. */
    private static String workerName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Stops renewing and closes the connections; the jobs stay in Redis. */
    @Override
    public void close() {
        relays.forEach(EventRelay::close);
        if (keeper != null) {
            keeper.close();
        }
        queue.close();
        connections.close();
    }
}
