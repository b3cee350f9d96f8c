package dev.imagine.bot.redis;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the leases of the jobs this worker holds, on a timer of its own, every {@link LeaseTerms#renewEvery()}:
 * not from the generation's steps, whose length depends on the picture and the machine. A renewal that fails because
 * Redis cannot be reached is tried again at the next tick; two ticks may fail before the lease runs out.
 */
final class LeaseKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final ScheduledExecutorService timer;

    LeaseKeeper(RedisJobQueue<?> queue, Duration every) {
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("imagine-lease-keeper").factory());
        long millis = every.toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                queue.renewHeldLeases();
            } catch (RuntimeException e) {
                LOG.warn("could not renew the lease of the running job ({}); trying again in {} ms", e.toString(),
                        millis);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
