package dev.imagine.bot.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.ReplySink;
import dev.imagine.bot.job.StoreJson;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The news of jobs as Redis Streams, one per platform ({@code events:discord}, {@code events:telegram},
 * {@code events:web}): whichever process draws a job writes what its owner should hear there ({@link #sink}), and
 * the processes that run that platform's adapter read it in a consumer group ({@link EventRelay}), so that each piece
 * of news reaches one adapter once, even when the adapter restarts in between (it stays pending until acknowledged).
 * Not pub/sub: that drops what is sent while nobody listens, and a finished picture must not be dropped.
 *
 * <p>Each entry carries the job as it was (the store's JSON) and the event's own values; the pictures of a finished
 * job go first into {@code result:<id>}, kept for {@link #RESULT_TTL} (long enough for any adapter to come back),
 * and the entry refers to them. A stream is trimmed to about {@link #MAX_LEN} entries.
 */
final class JobEvents {
    private static final Logger LOG = LoggerFactory.getLogger(JobEvents.class);
    static final Duration RESULT_TTL = Duration.ofHours(1);
    static final long MAX_LEN = 10_000;
    static final String GROUP = "adapters";

    private final RedisCommands<String, byte[]> redis;
    private final String prefix;

    JobEvents(RedisConnections connections, String prefix) {
        this.redis = connections.shared();
        this.prefix = prefix;
    }

    String streamOf(String platform) {
        return prefix + "events:" + platform;
    }

    String resultOf(String jobId) {
        return prefix + "result:" + jobId;
    }

    /** What this process's engine tells the people of {@code platform}: written to that platform's stream. */
    ReplySink sink(String platform) {
        return new StreamSink(platform);
    }

    /** One event as it travels: its kind, the job, and its values by name. */
    record Event(String kind, Job job, Map<String, String> values) {
        String value(String name) {
            return values.getOrDefault(name, "");
        }
    }

    static Map<String, byte[]> encode(Event event) {
        Map<String, byte[]> body = new LinkedHashMap<>();
        body.put("kind", utf8(event.kind()));
        body.put("job", utf8(StoreJson.write(event.job())));
        event.values().forEach((name, value) -> body.put("v:" + name, utf8(value)));
        return body;
    }

    static Event decode(Map<String, byte[]> body) {
        Map<String, String> values = new LinkedHashMap<>();
        body.forEach((name, value) -> {
            if (name.startsWith("v:")) {
                values.put(name.substring(2), new String(value, StandardCharsets.UTF_8));
            }
        });
        try {
            return new Event(new String(body.get("kind"), StandardCharsets.UTF_8),
                    StoreJson.read(new String(body.get("job"), StandardCharsets.UTF_8), Job.class), values);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("an event's job cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes each event to the platform's stream; never throws (the store keeps the truth when Redis is away). */
    private final class StreamSink implements ReplySink {
        private final String platform;

        StreamSink(String platform) {
            this.platform = platform;
        }

        private void add(String kind, Job job, Map<String, String> values) {
            try {
                redis.xadd(streamOf(platform), XAddArgs.Builder.maxlen(MAX_LEN).approximateTrimming(),
                        encode(new Event(kind, job, values)));
            } catch (RuntimeException e) {
                LOG.warn("could not pass on the {} news of job {} to the {} adapter: {}", kind, job.id(), platform,
                        e.toString());
            }
        }

        @Override
        public void queued(Job job, int position, Duration eta) {
            add("queued", job, Map.of("position", Integer.toString(position), "eta", Long.toString(eta.toMillis())));
        }

        @Override
        public void started(Job job) {
            add("started", job, Map.of());
        }

        @Override
        public void progress(Job job, int step, int totalSteps) {
            add("progress", job, Map.of("step", Integer.toString(step), "total", Integer.toString(totalSteps)));
        }

        @Override
        public void finished(Job job, List<byte[]> pngs, Duration elapsed) {
            try {
                String key = resultOf(job.id());
                redis.del(key);
                if (!pngs.isEmpty()) {
                    redis.rpush(key, pngs.toArray(byte[][]::new));
                }
                redis.expire(key, RESULT_TTL);
            } catch (RuntimeException e) {
                LOG.warn("could not keep the pictures of job {} for the {} adapter: {}", job.id(), platform,
                        e.toString());
                return;
            }
            add("finished", job, Map.of("pictures", Integer.toString(pngs.size()),
                    "elapsed", Long.toString(elapsed.toMillis())));
        }

        @Override
        public void failed(Job job, String message) {
            add("failed", job, Map.of("message", message));
        }

        @Override
        public void cancelled(Job job, String reason) {
            add("cancelled", job, Map.of("reason", reason));
        }

        @Override
        public void notice(Job job, String message) {
            add("notice", job, Map.of("message", message));
        }
    }
}
