package dev.imagine.bot.redis;

import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.ReplySink;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one platform's stream of job news ({@link JobEvents}) in the consumer group of the adapters, and hands each
 * piece to this process's adapter of that platform, then acknowledges it. News left unacknowledged by an adapter
 * process that died is taken over after {@link #ABANDONED_AFTER} by another (XAUTOCLAIM), so a picture finished while
 * its adapter was down is delivered when one is back. Delivery is at least once: an adapter that dies between
 * delivering and acknowledging delivers that piece again.
 *
 * <p>It reads only while its adapter is connected: news read before (a Discord bot restarted reads the stream before
 * its gateway session is up) or while the platform is away could not be delivered, and an acknowledged piece is not
 * read again. Meanwhile the news waits in the stream, for this process or another adapter process. Each piece's job
 * gets the origin the store keeps for it ({@link RedisJobStore#updateOrigin}): the worker wrote its own copy, which
 * may predate that (a Telegram bot restarted would otherwise send a second status message).
 */
final class EventRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRelay.class);
    static final Duration ABANDONED_AFTER = Duration.ofSeconds(60);
    private static final Duration BLOCK = Duration.ofSeconds(1);

    private final RedisConnections connections;
    private final JobEvents events;
    private final String platform;
    private final String consumer;
    private final ReplySink target;
    private final BooleanSupplier connected;
    private final UnaryOperator<Job> latest;
    private final Duration abandonedAfter;
    private final Thread thread;
    private volatile boolean closed;

    EventRelay(RedisConnections connections, JobEvents events, String platform, String consumer, ReplySink target,
               BooleanSupplier connected, UnaryOperator<Job> latest) {
        this(connections, events, platform, consumer, target, connected, latest, ABANDONED_AFTER);
    }

    /**
     * @param latest the job of a piece of news as its adapter should see it (with the origin the store keeps: the
     *               worker's copy may predate the adapter's late news of where to answer)
     */
    EventRelay(RedisConnections connections, JobEvents events, String platform, String consumer, ReplySink target,
               BooleanSupplier connected, UnaryOperator<Job> latest, Duration abandonedAfter) {
        this.connected = connected;
        this.latest = latest;
        this.abandonedAfter = abandonedAfter;
        this.connections = connections;
        this.events = events;
        this.platform = platform;
        this.consumer = consumer;
        this.target = target;
        this.thread = Thread.ofPlatform().daemon().name("imagine-news-" + platform).unstarted(this::loop);
    }

    void start() {
        RedisCommands<String, byte[]> redis = connections.shared();
        try {
            redis.xgroupCreate(XReadArgs.StreamOffset.from(events.streamOf(platform), "0"), JobEvents.GROUP,
                    XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // The group exists: an adapter of this platform ran before, and the group remembers what it delivered.
        }
        thread.start();
    }

    private void loop() {
        RedisCommands<String, byte[]> blocking = connections.blocking(BLOCK);
        Consumer<String> me = Consumer.from(JobEvents.GROUP, consumer);
        String stream = events.streamOf(platform);
        try {
            while (!closed) {
                if (!connected.getAsBoolean()) {
                    sleepQuietly();
                    continue;
                }
                try {
                    ClaimedMessages<String, byte[]> abandoned = blocking.xautoclaim(stream,
                            XAutoClaimArgs.Builder.xautoclaim(me, abandonedAfter, "0-0").count(20));
                    deliver(blocking, stream, abandoned.getMessages());
                    deliver(blocking, stream, blocking.xreadgroup(me,
                            XReadArgs.Builder.block(BLOCK).count(20), XReadArgs.StreamOffset.lastConsumed(stream)));
                } catch (RuntimeException e) {
                    if (closed) {
                        return;
                    }
                    LOG.warn("reading the {} news from Redis failed ({}); trying again", platform, e.toString());
                    sleepQuietly();
                }
            }
        } finally {
            blocking.getStatefulConnection().close();
        }
    }

    private void deliver(RedisCommands<String, byte[]> redis, String stream,
                         List<StreamMessage<String, byte[]>> messages) {
        for (StreamMessage<String, byte[]> message : messages) {
            if (message.getBody() == null || message.getBody().isEmpty()) {
                // Trimmed away while it was pending: nothing left to deliver.
                redis.xack(stream, JobEvents.GROUP, message.getId());
                continue;
            }
            try {
                JobEvents.Event event = JobEvents.decode(message.getBody());
                dispatch(redis, new JobEvents.Event(event.kind(), latest.apply(event.job()), event.values()));
            } catch (RuntimeException e) {
                LOG.error("the {} adapter could not take a piece of news ({}); it is dropped", platform, e.toString());
            }
            redis.xack(stream, JobEvents.GROUP, message.getId());
        }
    }

    private void dispatch(RedisCommands<String, byte[]> redis, JobEvents.Event event) {
        switch (event.kind()) {
            case "queued" -> target.queued(event.job(), Integer.parseInt(event.value("position")),
                    Duration.ofMillis(Long.parseLong(event.value("eta"))));
            case "started" -> target.started(event.job());
            case "progress" -> target.progress(event.job(), Integer.parseInt(event.value("step")),
                    Integer.parseInt(event.value("total")));
            case "finished" -> {
                List<byte[]> pngs = redis.lrange(events.resultOf(event.job().id()), 0, -1);
                target.finished(event.job(), pngs, Duration.ofMillis(Long.parseLong(event.value("elapsed"))));
            }
            case "failed" -> target.failed(event.job(), event.value("message"));
            case "cancelled" -> target.cancelled(event.job(), event.value("reason"));
            case "notice" -> target.notice(event.job(), event.value("message"));
            default -> LOG.warn("unknown news '{}' of job {} ignored (a newer version wrote it?)", event.kind(),
                    event.job().id());
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(BLOCK.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(BLOCK.multipliedBy(3).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
