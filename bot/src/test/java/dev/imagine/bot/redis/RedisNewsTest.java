package dev.imagine.bot.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.ReplySink;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The news of jobs between processes through a real redis-server: what the drawing process tells reaches one adapter
 * of the owner's platform, once, with the pictures, in order; also when the adapter starts later, and when the
 * adapter process that read it died before acknowledging it.
 */
class RedisNewsTest {
    private static final Instant T = Instant.parse("2026-03-01T09:00:00Z");
    private RedisServer server;
    private RedisConnections connections;
    private JobEvents events;
    private final List<AutoCloseable> relays = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        server = RedisServer.start();
        connections = new RedisConnections(server.url(), Duration.ofSeconds(10));
        events = new JobEvents(connections, "{n}:");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable relay : relays) {
            relay.close();
        }
        connections.close();
        server.close();
    }

    static final class Heard implements ReplySink {
        final List<String> news = new CopyOnWriteArrayList<>();
        final List<List<byte[]>> pictures = new CopyOnWriteArrayList<>();

        @Override
        public void queued(Job job, int position, Duration eta) {
            news.add(job.id() + " queued #" + position + " " + eta.toSeconds() + "s");
        }

        @Override
        public void started(Job job) {
            news.add(job.id() + " started " + job.state());
        }

        @Override
        public void progress(Job job, int step, int totalSteps) {
            news.add(job.id() + " step " + step + "/" + totalSteps);
        }

        @Override
        public void finished(Job job, List<byte[]> pngs, Duration elapsed) {
            news.add(job.id() + " finished " + pngs.size() + " in " + elapsed.toMillis() + "ms");
            pictures.add(pngs);
        }

        @Override
        public void failed(Job job, String message) {
            news.add(job.id() + " failed: " + message);
        }

        @Override
        public void cancelled(Job job, String reason) {
            news.add(job.id() + " cancelled: " + reason);
        }

        @Override
        public void notice(Job job, String message) {
            news.add(job.id() + " notice: " + message);
        }
    }

    private static Job job(String id) {
        return Job.queued(id, new User("telegram", "7", "ann"), null, null,
                new JobParameters("a fox", 42, 4, new ImageSize(512, 512), 8f, 2, Decoder.FULL), T, "chat:1", null);
    }

    private Heard relay(String process, Duration abandonedAfter) {
        return relay(process, abandonedAfter, () -> true);
    }

    private Heard relay(String process, Duration abandonedAfter, java.util.function.BooleanSupplier connected) {
        Heard heard = new Heard();
        EventRelay relay = new EventRelay(connections, events, "telegram", process, heard, connected,
                job -> job, abandonedAfter);
        relays.add(relay);
        relay.start();
        return heard;
    }

    @Test
    void whatTheDrawingProcessTells_reachesOneAdapterOfThePlatform_once_inOrder_withThePictures() throws Exception {
        Heard first = relay("bot-1", Duration.ofMinutes(1));
        Heard second = relay("bot-2", Duration.ofMinutes(1));
        ReplySink worker = events.sink("telegram");
        Job job = job("aaaaaaaaaa");

        worker.queued(job, 2, Duration.ofSeconds(30));
        worker.started(job.running(T));
        worker.progress(job, 1, 8);
        worker.progress(job, 2, 8);
        worker.finished(job.done(T, List.of("k1", "k2"), false, 3), List.of(new byte[] {1, 2}, new byte[] {3}),
                Duration.ofMillis(4200));
        worker.failed(job("bbbbbbbbbb"), "It took too long.");

        awaitTrue(() -> first.news.size() + second.news.size() == 6, "six pieces of news arrived");
        Thread.sleep(1500);
        assertThat(first.news.size() + second.news.size()).as("none twice").isEqualTo(6);
        List<String> all = new java.util.ArrayList<>(first.news);
        all.addAll(second.news);
        assertThat(all).containsExactlyInAnyOrder("aaaaaaaaaa queued #2 30s", "aaaaaaaaaa started RUNNING",
                "aaaaaaaaaa step 1/8", "aaaaaaaaaa step 2/8", "aaaaaaaaaa finished 2 in 4200ms",
                "bbbbbbbbbb failed: It took too long.");
        List<byte[]> pngs = first.pictures.isEmpty() ? second.pictures.get(0) : first.pictures.get(0);
        assertThat(pngs).containsExactly(new byte[] {1, 2}, new byte[] {3});
    }

    @Test
    void newsForAnAdapterNotConnectedYet_waitsForItsConnection_insteadOfBeingDropped() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean connected = new java.util.concurrent.atomic.AtomicBoolean();
        Heard starting = relay("bot-1", Duration.ofMinutes(1), connected::get);
        Job job = job("aaaaaaaaaa");

        events.sink("telegram").finished(job.done(T, List.of("k1"), false, 3), List.of(new byte[] {7}),
                Duration.ofMillis(900));
        Thread.sleep(1500); // the relay had its chances to read it
        assertThat(starting.news).as("nothing delivered while not connected").isEmpty();
        connected.set(true);

        awaitTrue(() -> starting.news.size() == 1, "the picture arrived once connected");
        assertThat(starting.news).containsExactly("aaaaaaaaaa finished 1 in 900ms");
    }

    @Test
    void newsWrittenBeforeAnyAdapterRan_isDeliveredWhenOneStarts() throws Exception {
        events.sink("telegram").notice(job("aaaaaaaaaa"), "Imagine restarted.");

        Heard late = relay("bot-1", Duration.ofMinutes(1));

        awaitTrue(() -> late.news.size() == 1, "the notice arrived");
        assertThat(late.news).containsExactly("aaaaaaaaaa notice: Imagine restarted.");
    }

    @Test
    void newsThatADeadAdapterReadButNeverAcknowledged_isDeliveredByAnother() throws Exception {
        var redis = connections.shared();
        redis.xgroupCreate(io.lettuce.core.XReadArgs.StreamOffset.from(events.streamOf("telegram"), "0"),
                JobEvents.GROUP, io.lettuce.core.XGroupCreateArgs.Builder.mkstream());
        events.sink("telegram").started(job("aaaaaaaaaa"));
        // A process reads it and dies before it could tell anybody or acknowledge it.
        assertThat(redis.xreadgroup(io.lettuce.core.Consumer.from(JobEvents.GROUP, "dead-bot"),
                io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(events.streamOf("telegram")))).hasSize(1);

        Heard survivor = relay("bot-2", Duration.ofMillis(200));

        awaitTrue(() -> survivor.news.size() == 1, "the survivor delivered it");
        assertThat(survivor.news).containsExactly("aaaaaaaaaa started QUEUED");
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
