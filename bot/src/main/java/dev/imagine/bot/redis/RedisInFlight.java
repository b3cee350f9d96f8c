package dev.imagine.bot.redis;

import static dev.imagine.bot.redis.Replies.str;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.imagine.bot.job.InFlight;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.Reply;
import dev.imagine.bot.job.StoreJson;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link InFlight} shared by every process of the deployment: two people pressing the same button under the same
 * picture, on two adapter processes, get one generation. The embedded version decides "follow or offer" under one
 * lock of the process; here that lock is a key in Redis ({@code SET NX PX}), held for the time of one offer, so that
 * two identical requests are never both offered. Following and ending the leader are each one script, so a follower
 * either joins before the leader's followers are handed over or finds no leader and leads.
 *
 * <p>Keys: {@code inflight:<request>} (leader id), {@code inflight:leads:<leader>} (its request),
 * {@code inflight:followers:<leader>} (hash: follower id to its record), {@code inflight:follows:<follower>}
 * (its leader), {@code inflight:lock:<request>}. The request is the SHA-256 of the pictures' cache keys.
 */
final class RedisInFlight implements InFlight {
    private static final Logger LOG = LoggerFactory.getLogger(RedisInFlight.class);
    /** Far longer than one offer (a few ms); only a process that died holding the lock makes the others wait it. */
    static final Duration LOCK_HELD_AT_MOST = Duration.ofSeconds(10);
    private static final long LOCK_POLL_MILLIS = 5;

    private final RedisCommands<String, byte[]> redis;
    private final RedisScripts scripts;
    private final String prefix;

    RedisInFlight(RedisConnections connections, String prefix) {
        this.redis = connections.shared();
        this.scripts = new RedisScripts(redis);
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    @Override
    public Reply followOrOffer(String request, Job job, Function<String, Reply> follow, Supplier<Reply> offer) {
        String digest = sha256(request);
        String lock = prefix + "inflight:lock:" + digest;
        byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
        acquire(lock, token);
        try {
            List<Object> r = scripts.run("inflight_follow", ScriptOutputType.MULTI,
                    new String[] {prefix + "inflight:" + digest}, prefix, "", digest, job.id(), StoreJson.write(job));
            if (str(r.get(0)).equals("FOLLOW")) {
                return follow.apply(str(r.get(1)));
            }
            Reply reply = offer.get();
            if (reply instanceof Reply.Accepted) {
                scripts.run("inflight_lead", ScriptOutputType.INTEGER, new String[] {prefix + "inflight:" + digest},
                        prefix, "", digest, job.id());
            }
            return reply;
        } finally {
            release(lock, token);
        }
    }

    @Override
    public void release(String jobId) {
        end(jobId, false);
    }

    @Override
    public List<Job> takeFollowers(String leaderId) {
        return end(leaderId, true);
    }

    @Override
    public boolean dropFollower(String jobId) {
        Long dropped = scripts.run("inflight_drop", ScriptOutputType.INTEGER,
                new String[] {prefix + "inflight:follows:" + jobId}, prefix, "", jobId);
        return dropped != null && dropped > 0;
    }

    private List<Job> end(String leaderId, boolean take) {
        List<Object> records = scripts.run("inflight_release", ScriptOutputType.MULTI,
                new String[] {prefix + "inflight:leads:" + leaderId}, prefix, "", leaderId, take ? "1" : "0");
        List<Job> followers = new ArrayList<>();
        for (Object record : records) {
            try {
                followers.add(StoreJson.read(str(record), Job.class));
            } catch (JsonProcessingException e) {
                LOG.warn("a follower of job {} in Redis cannot be read: {}", leaderId, e.getOriginalMessage());
            }
        }
        return followers;
    }

    private void acquire(String lock, byte[] token) {
        SetArgs once = SetArgs.Builder.nx().px(LOCK_HELD_AT_MOST.toMillis());
        while (!"OK".equals(redis.set(lock, token, once))) {
            try {
                Thread.sleep(LOCK_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for an identical request's admission", e);
            }
        }
    }

    private void release(String lock, byte[] token) {
        // Only our own lock: one that outlived LOCK_HELD_AT_MOST may be someone else's by now.
        redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
                ScriptOutputType.INTEGER, new String[] {lock}, token);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
