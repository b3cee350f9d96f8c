package dev.imagine.bot.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one Lettuce client of a process, with the options Imagine needs:
 * <ul>
 *   <li>commands fail at once while disconnected (REJECT_COMMANDS) instead of being queued and sent after a
 *       reconnect: a queued offer could otherwise run minutes later, after the person was told it failed;</li>
 *   <li>every command times out; a blocking command (BLPOP) gets a connection of its own, whose timeout is longer
 *       than its block, because it holds the connection it runs on;</li>
 *   <li>keys are strings, values bytes (JSON text and PNGs alike).</li>
 * </ul>
 */
public final class RedisConnections implements AutoCloseable {
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisClient client;
    private final Duration timeout;
    private final RedisUrl url;
    private final List<StatefulRedisConnection<String, byte[]>> open = new CopyOnWriteArrayList<>();
    private volatile RedisCommands<String, byte[]> shared;

    public RedisConnections(RedisUrl url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        RedisURI uri = RedisURI.create(url.value());
        uri.setTimeout(timeout);
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
    }

    /**
     * The connection for ordinary commands, shared by the whole process (Lettuce multiplexes it); connects on first
     * use.
     *
     * @throws IllegalStateException when Redis cannot be reached, with the URL without its password
     */
    public synchronized RedisCommands<String, byte[]> shared() {
        if (shared == null) {
            shared = connect(timeout);
        }
        return shared;
    }

    /** A connection of its own for blocking commands of at most {@code block}; close it with its connection. */
    RedisCommands<String, byte[]> blocking(Duration block) {
        return connect(timeout.plus(block));
    }

    private RedisCommands<String, byte[]> connect(Duration commandTimeout) {
        StatefulRedisConnection<String, byte[]> connection;
        try {
            connection = client.connect(CODEC);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot reach Redis at " + url.redacted() + ": "
                    + String.valueOf(e.getMessage()).replace(url.value(), url.redacted())
                    + " (is redis-server running there? queue.backend: redis needs it)", e);
        }
        connection.setTimeout(commandTimeout);
        open.add(connection);
        return connection.sync();
    }

    @Override
    public void close() {
        for (StatefulRedisConnection<String, byte[]> connection : open) {
            connection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
