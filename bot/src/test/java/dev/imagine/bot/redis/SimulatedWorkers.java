package dev.imagine.bot.redis;

import dev.imagine.bot.queue.JobQueue;
import dev.imagine.bot.queue.QueueSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * For simulations outside this package (bench/scale): the Redis queue as seen by {@code n} workers of one deployment,
 * each with its own hold on its jobs, all on one key prefix of a real redis-server and on the simulation's clock.
 * Leases are a day long: a simulated worker does not renew, and its jobs must not run out under it.
 */
public final class SimulatedWorkers implements AutoCloseable {
    private static final LeaseTerms A_DAY = new LeaseTerms(Duration.ofDays(1), Duration.ofDays(2), Duration.ZERO, 1, 2);

    private final RedisServer server;
    private final RedisConnections connections;
    private final List<JobQueue<String>> queues = new ArrayList<>();

    public SimulatedWorkers(int n, QueueSettings settings, Supplier<Instant> clock) {
        server = RedisServer.start();
        connections = new RedisConnections(server.url(), Duration.ofSeconds(30));
        Supplier<Long> micros = () -> Micros.of(clock.get());
        for (int i = 0; i < n; i++) {
            RedisJobQueue<String> queue = new RedisJobQueue<>(connections, RedisBackend.PREFIX, settings, A_DAY,
                    "worker-" + (i + 1), Function.identity(), Function.identity(), new Holdings(), micros);
            queue.configure();
            queues.add(queue);
        }
    }

    /** Worker {@code i}'s view of the shared queue (jobs are their ids). */
    public JobQueue<String> worker(int i) {
        return queues.get(i);
    }

    /** The server's own line: which redis-server the simulation ran against. */
    public String serverVersion() {
        String info = connections.shared().info("server");
        return info.lines().filter(l -> l.startsWith("redis_version:")).findFirst().orElse("redis_version:?")
                .substring("redis_version:".length()).trim();
    }

    @Override
    public void close() {
        queues.forEach(JobQueue::close);
        connections.close();
        server.close();
    }
}
