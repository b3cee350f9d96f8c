package dev.imagine.bot.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.queue.Admission;
import dev.imagine.bot.queue.QueueEntry;
import dev.imagine.bot.queue.QueueSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis itself killed with {@code kill -9} and started again on its append-only file, run as README says
 * ({@code appendfsync always}): every job that was acknowledged is still waiting, in its place, with its owner's
 * usage; the processes reconnect by themselves and the scripts, which Redis forgets on a restart, load again.
 */
class RedisRestartTest {
    private RedisServer server;
    private RedisBackend bot;

    @BeforeEach
    void start() {
        server = RedisServer.start("--appendfsync", "always");
        bot = RedisBackend.open(server.url(), RedisBackend.PREFIX, QueueSettings.DEFAULTS.withTotalLimit(1000)
                .withPerUserLimit(100), LeaseTerms.forJobTimeout(Duration.ofMinutes(10)), "bot", null);
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        server.close();
    }

    @Test
    void afterAKill9OfRedis_nothingAcknowledgedIsLost_andTheQueueGoesOn() throws Exception {
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String id = String.format("j%09d", i);
            Job job = Job.queued(id, new User("web", "u" + i % 7, "u"), null, null,
                    new JobParameters("a fox", i, 4, new ImageSize(512, 512), 8f, 1, Decoder.FULL),
                    Instant.parse("2026-03-01T09:00:00Z"), "o", null);
            bot.store().save(job);
            Admission<Job> admission = bot.queue().offer(id, job.owner().key(), job, Duration.ofSeconds(10));
            assertThat(admission.accepted()).isTrue();
            acknowledged.add(id);
        }
        bot.queue().charge("web:u3", Duration.ofSeconds(500));
        List<String> orderBefore = bot.queue().snapshot().jobs().stream().map(q -> q.entry().jobId()).toList();

        server.kill9();
        server.restart();

        List<String> orderAfter = awaitSnapshot();
        assertThat(orderAfter).as("every acknowledged job, in the same order").isEqualTo(orderBefore)
                .containsExactlyInAnyOrderElementsOf(acknowledged);
        assertThat(bot.queue().usage("web:u3")).isGreaterThan(499);
        assertThat(bot.store().find(acknowledged.getLast())).isPresent();
        QueueEntry<Job> first = bot.queue().poll().orElseThrow();
        assertThat(first.jobId()).isEqualTo(orderBefore.getFirst());
    }

    /** The snapshot once the client has reconnected (commands fail at once while it is away: no hidden queueing). */
    private List<String> awaitSnapshot() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return bot.queue().snapshot().jobs().stream().map(q -> q.entry().jobId()).toList();
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
