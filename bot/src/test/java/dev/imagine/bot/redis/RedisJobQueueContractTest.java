package dev.imagine.bot.redis;

import dev.imagine.bot.queue.JobQueue;
import dev.imagine.bot.queue.JobQueueContract;
import dev.imagine.bot.queue.QueueSettings;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link JobQueueContract} against the Redis queue on a real redis-server: each queue has a key prefix of its
 * own, so each starts empty, and reads the test's fake time. Leases are a day long here, so that they never run out
 * in these scenarios (RedisLeaseTest is about leases).
 */
class RedisJobQueueContractTest extends JobQueueContract {
    static final LeaseTerms LONG_LEASES = new LeaseTerms(Duration.ofDays(1), Duration.ofDays(2), Duration.ZERO, 1, 2);
    private static final AtomicInteger QUEUES = new AtomicInteger();
    private static RedisServer server;
    private static RedisConnections connections;

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
    protected JobQueue<String> newQueue(QueueSettings settings) {
        RedisJobQueue<String> queue = new RedisJobQueue<>(connections, "{t" + QUEUES.incrementAndGet() + "}:",
                settings, LONG_LEASES, "worker-1", Function.identity(), Function.identity(), new Holdings(),
                () -> Micros.of(now()));
        queue.configure();
        return queue;
    }

    @Override
    protected void awaitBlockedTake(JobQueue<String> q) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!connections.shared().clientList().contains("cmd=blpop")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no client blocked in BLPOP");
            }
            Thread.sleep(5);
        }
    }

    @Override
    protected int offersPerProducer() {
        return 60;
    }

    @Override
    protected int rounds() {
        return 60;
    }
}
