package dev.imagine.bot.redis;

import static dev.imagine.bot.redis.Replies.str;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.imagine.bot.command.SettingsChange;
import dev.imagine.bot.job.CommunityRules;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.job.JobStore;
import dev.imagine.bot.job.StoreJson;
import dev.imagine.bot.queue.LeaseLostException;
import dev.imagine.bot.queue.Usage;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job store in Redis, shared by every process: a button pressed under a message that one process made works in
 * any other, and a job keeps its record whichever worker draws it. Records are the same JSON as the embedded store's
 * ({@link StoreJson}), each in a hash {@code job:<id>} with indexes by state and by owner, written together by one
 * script. The fair-share ledger is the queue's own ({@code q:usage}): the queue charges it atomically with the end of
 * a job, and {@link #saveUsage} keeps a charge only when nothing newer is there.
 *
 * <p>Fencing: a write of a job that this process's worker holds carries the lease's token, and Redis refuses it when
 * the token is no longer the current one ({@link LeaseLostException}): a worker that was frozen past its lease
 * cannot overwrite the result of the worker that took the job over.
 */
public final class RedisJobStore implements JobStore {
    private static final Logger LOG = LoggerFactory.getLogger(RedisJobStore.class);

    private final RedisCommands<String, byte[]> redis;
    private final RedisScripts scripts;
    private final String prefix;
    private final Holdings holdings;
    private final java.util.function.Supplier<String> clock;

    RedisJobStore(RedisConnections connections, String prefix, Holdings holdings,
                  java.util.function.Supplier<Long> fakeMicros) {
        this.redis = connections.shared();
        this.scripts = new RedisScripts(redis);
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.holdings = Objects.requireNonNull(holdings, "holdings");
        this.clock = fakeMicros == null ? () -> "" : () -> Long.toString(fakeMicros.get());
    }

    /**
     * Writes the record, with the origin an adapter kept by {@link #updateOrigin} when there is one (then written
     * again with it: the script compares, so that a copy made before that origin never puts the old one back).
     *
     * @throws LeaseLostException when this process's worker holds the job but its token is no longer the current one
     *                            (nothing was written)
     */
    @Override
    public Job save(Job job) {
        String token = holdings.tokenOf(job.id()).map(String::valueOf).orElse("");
        Job saving = job;
        for (int attempt = 0; ; attempt++) {
            List<Object> r = scripts.run("store_save", ScriptOutputType.MULTI,
                    new String[] {prefix + "job:" + job.id()}, prefix, clock.get(), job.id(), StoreJson.write(saving),
                    saving.state().name(), Micros.of(saving.createdAt()), saving.owner().key(), token,
                    Objects.toString(saving.origin(), ""));
            String outcome = str(r.get(0));
            if (outcome.equals("OK")) {
                return saving;
            }
            if (outcome.equals("ORIGIN") && attempt < 3) {
                saving = job.withOrigin(str(r.get(1)));
                continue;
            }
            if (outcome.equals("ORIGIN")) {
                throw new IllegalStateException("the origin of job " + job.id() + " kept changing while it was saved");
            }
            holdings.lost(job.id());
            throw new LeaseLostException(job.id(), "it was " + str(r.get(1)) + " in the queue when this worker"
                    + " wrote it " + job.state());
        }
    }

    /** Rewrites the record with the origin and keeps the origin beside it; read again when a save came in between. */
    @Override
    public boolean updateOrigin(String id, String origin) {
        for (int attempt = 0; attempt < 10; attempt++) {
            byte[] json = redis.hget(prefix + "job:" + id, "json");
            Optional<Job> stored = read(id, json);
            if (stored.isEmpty()) {
                return false;
            }
            byte[] outcome = scripts.run("store_origin", ScriptOutputType.VALUE, new String[] {prefix + "job:" + id},
                    prefix, clock.get(), json, StoreJson.write(stored.get().withOrigin(origin)), origin);
            switch (str(outcome)) {
                case "OK" -> {
                    return true;
                }
                case "GONE" -> {
                    return false;
                }
                default -> {
                    // CHANGED: a worker saved the job meanwhile; read its record again.
                }
            }
        }
        throw new IllegalStateException("job " + id + " kept changing while its origin was kept");
    }

    /**
     * {@code job} with the origin an adapter kept for it by {@link #updateOrigin}, when it has another: news written
     * by a worker carries the worker's copy of the job, which may predate it.
     */
    Job withLatestOrigin(Job job) {
        byte[] late = redis.hget(prefix + "job:" + job.id(), "origin");
        if (late == null) {
            return job;
        }
        String origin = new String(late, StandardCharsets.UTF_8);
        return origin.equals(job.origin()) ? job : job.withOrigin(origin);
    }

    @Override
    public Optional<Job> find(String id) {
        return read(id, redis.hget(prefix + "job:" + id, "json"));
    }

    @Override
    public void delete(String id) {
        find(id).ifPresent(job -> scripts.run("store_delete", ScriptOutputType.INTEGER,
                new String[] {prefix + "job:" + id}, prefix, clock.get(), id, job.owner().key()));
    }

    @Override
    public List<Job> findByState(Set<JobState> states) {
        List<Job> found = new ArrayList<>();
        for (JobState state : states) {
            for (byte[] id : redis.zrange(prefix + "jobs:state:" + state.name(), 0, -1)) {
                find(new String(id, StandardCharsets.UTF_8)).filter(job -> job.state() == state)
                        .ifPresent(found::add);
            }
        }
        found.sort(java.util.Comparator.comparing(Job::createdAt).thenComparing(Job::id));
        return found;
    }

    /** By the owner's index, newest first; reads only as many records as it needs (and the deleted among them). */
    @Override
    public List<Job> findByOwner(String userKey, int limit) {
        List<Job> mine = new ArrayList<>();
        long from = 0;
        int page = Math.max(limit, 10);
        while (mine.size() < limit) {
            List<byte[]> ids = redis.zrevrange(prefix + "jobs:owner:" + userKey, from, from + page - 1);
            if (ids.isEmpty()) {
                break;
            }
            for (byte[] id : ids) {
                find(new String(id, StandardCharsets.UTF_8))
                        .filter(job -> job.state() != JobState.DELETED && job.owner().key().equals(userKey))
                        .filter(job -> mine.size() < limit)
                        .ifPresent(mine::add);
            }
            from += page;
        }
        return List.copyOf(mine);
    }

    @Override
    public Optional<SettingsChange.UserDefaults> userDefaults(String userKey) {
        return readSetting(prefix + "defaults:" + userKey, SettingsChange.UserDefaults.class);
    }

    @Override
    public void saveUserDefaults(String userKey, SettingsChange.UserDefaults defaults) {
        redis.set(prefix + "defaults:" + userKey, utf8(StoreJson.write(defaults)));
    }

    @Override
    public void clearUserDefaults(String userKey) {
        redis.del(prefix + "defaults:" + userKey);
    }

    @Override
    public Optional<SettingsChange.CommunityLimits> communityLimits(String communityKey) {
        return readSetting(prefix + "limits:" + communityKey, SettingsChange.CommunityLimits.class);
    }

    @Override
    public void saveCommunityLimits(String communityKey, SettingsChange.CommunityLimits limits) {
        redis.set(prefix + "limits:" + communityKey, utf8(StoreJson.write(limits)));
    }

    @Override
    public void savePicture(String pixelHash, byte[] png) {
        // Set only when absent: the same picture twice is kept once, whichever process saw it first.
        redis.setnx(prefix + "picture:" + pixelHash, png.clone());
    }

    @Override
    public Optional<byte[]> picture(String pixelHash) {
        return Optional.ofNullable(redis.get(prefix + "picture:" + pixelHash));
    }

    @Override
    public Optional<CommunityRules> communityRules(String communityKey) {
        return readSetting(prefix + "rules:" + communityKey, CommunityRules.class);
    }

    @Override
    public void saveCommunityRules(String communityKey, CommunityRules rules) {
        redis.set(prefix + "rules:" + communityKey, utf8(StoreJson.write(rules)));
    }

    /** The queue's shared ledger, as {@code user -> usage as of its last charge}. */
    @Override
    public Map<String, Usage> usageLedger() {
        Map<String, Usage> ledger = new HashMap<>();
        redis.hgetall(prefix + "q:usage").forEach((user, value) -> {
            String[] parts = new String(value, StandardCharsets.UTF_8).split(",", 2);
            try {
                ledger.put(user, new Usage(Double.parseDouble(parts[0]),
                        Micros.instant((long) Double.parseDouble(parts[1]))));
            } catch (RuntimeException e) {
                LOG.warn("the fair-share usage of {} in Redis cannot be read: {}", user, e.toString());
            }
        });
        return ledger;
    }

    @Override
    public void saveUsage(String userKey, Usage usage) {
        scripts.run("store_usage", ScriptOutputType.INTEGER, new String[] {prefix + "q:settings"}, prefix,
                clock.get(), userKey, String.format(java.util.Locale.ROOT, "%.17g", usage.cpuSeconds()),
                Micros.of(usage.asOf()));
    }

    @Override
    public void forgetUsage(Set<String> userKeys) {
        if (!userKeys.isEmpty()) {
            redis.hdel(prefix + "q:usage", userKeys.toArray(String[]::new));
        }
    }

    private Optional<Job> read(String id, byte[] json) {
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StoreJson.read(new String(json, StandardCharsets.UTF_8), Job.class));
        } catch (JsonProcessingException e) {
            LOG.warn("job {} in Redis cannot be read: {}", id, e.getOriginalMessage());
            return Optional.empty();
        }
    }

    private <T> Optional<T> readSetting(String key, Class<T> type) {
        byte[] json = redis.get(key);
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StoreJson.read(new String(json, StandardCharsets.UTF_8), type));
        } catch (JsonProcessingException e) {
            LOG.warn("the {} at {} in Redis cannot be read: {}", type.getSimpleName(), key, e.getOriginalMessage());
            return Optional.empty();
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The connections belong to {@link RedisBackend}, which closes them. */
    @Override
    public void close() {
    }
}
