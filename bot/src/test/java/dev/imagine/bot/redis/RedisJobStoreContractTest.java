package dev.imagine.bot.redis;

import dev.imagine.bot.job.JobStore;
import dev.imagine.bot.job.JobStoreContract;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The {@link JobStoreContract} against {@link RedisJobStore} on a real redis-server; a prefix per test. */
class RedisJobStoreContractTest extends JobStoreContract {
    private static final AtomicInteger STORES = new AtomicInteger();
    private static RedisServer server;
    private static RedisConnections connections;
    private String prefix;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start();
        connections = new RedisConnections(server.url(), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopRedis() {
        connections.close();
        server.close();
    }

    @Override
    protected JobStore newStore() {
        prefix = "{s" + STORES.incrementAndGet() + "}:";
        return new RedisJobStore(connections, prefix, new Holdings(), null);
    }

    @Override
    protected JobStore reopen(JobStore store) {
        store.close();
        return new RedisJobStore(connections, prefix, new Holdings(), null);
    }
}
