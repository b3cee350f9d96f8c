package dev.imagine.bot.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.imagine.bot.command.SettingsChange;
import dev.imagine.bot.queue.Usage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded job store: one H2 MVStore file with a map per kind of record, values as JSON (readable when
 * debugging, tolerant of added fields; see {@link StoreJson}). Every write is committed before it returns, so a crash
 * loses nothing that was acknowledged to a user.
 */
public final class MvJobStore implements JobStore {
    private static final Logger LOG = LoggerFactory.getLogger(MvJobStore.class);

    private final MVStore store;
    private final MVMap<String, String> jobs;
    private final MVMap<String, String> userDefaults;
    private final MVMap<String, String> communityLimits;
    private final MVMap<String, String> usage;
    private final MVMap<String, byte[]> pictures;
    private final MVMap<String, String> communityRules;
    /** Origins given by {@link #updateOrigin}, by job id: they win over the origin of a job saved later. */
    private final MVMap<String, String> lateOrigins;

    private MvJobStore(MVStore store) {
        this.store = store;
        this.jobs = store.openMap("jobs");
        this.userDefaults = store.openMap("user-defaults");
        this.communityLimits = store.openMap("community-limits");
        this.usage = store.openMap("fair-share-usage");
        this.pictures = store.openMap("source-pictures");
        this.communityRules = store.openMap("community-rules");
        this.lateOrigins = store.openMap("late-origins");
    }

    /** Opens (or creates) the store file; its folder is created when missing. */
    public static MvJobStore open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
            return new MvJobStore(store);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot open the job store " + file + ": " + e.getMessage()
                    + " (is another Imagine process using it?)", e);
        }
    }

    /** A store that lives only in memory, for tests and throwaway runs. */
    public static MvJobStore inMemory() {
        return new MvJobStore(new MVStore.Builder().autoCommitDisabled().open());
    }

    @Override
    public synchronized Job save(Job job) {
        String late = lateOrigins.get(job.id());
        Job saved = late == null || late.equals(job.origin()) ? job : job.withOrigin(late);
        jobs.put(saved.id(), StoreJson.write(saved));
        store.commit();
        return saved;
    }

    @Override
    public synchronized boolean updateOrigin(String id, String origin) {
        Optional<Job> stored = find(id);
        if (stored.isEmpty()) {
            return false;
        }
        lateOrigins.put(id, origin);
        jobs.put(id, StoreJson.write(stored.get().withOrigin(origin)));
        store.commit();
        return true;
    }

    @Override
    public synchronized void delete(String id) {
        jobs.remove(id);
        lateOrigins.remove(id);
        store.commit();
    }

    @Override
    public synchronized Optional<Job> find(String id) {
        String json = jobs.get(id);
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StoreJson.read(json, Job.class));
        } catch (JsonProcessingException e) {
            LOG.warn("job {} in the store cannot be read: {}", id, e.getOriginalMessage());
            return Optional.empty();
        }
    }

    @Override
    public synchronized List<Job> findByState(Set<JobState> states) {
        List<Job> found = new ArrayList<>();
        for (Map.Entry<String, String> entry : jobs.entrySet()) {
            try {
                Job job = StoreJson.read(entry.getValue(), Job.class);
                if (states.contains(job.state())) {
                    found.add(job);
                }
            } catch (JsonProcessingException e) {
                LOG.warn("job {} in the store cannot be read: {}", entry.getKey(), e.getOriginalMessage());
            }
        }
        found.sort(Comparator.comparing(Job::createdAt).thenComparing(Job::id));
        return found;
    }

    @Override
    public synchronized Optional<SettingsChange.UserDefaults> userDefaults(String userKey) {
        return readSetting(userDefaults, userKey, SettingsChange.UserDefaults.class);
    }

    @Override
    public synchronized void saveUserDefaults(String userKey, SettingsChange.UserDefaults defaults) {
        userDefaults.put(userKey, StoreJson.write(defaults));
        store.commit();
    }

    @Override
    public synchronized void clearUserDefaults(String userKey) {
        userDefaults.remove(userKey);
        store.commit();
    }

    @Override
    public synchronized Optional<SettingsChange.CommunityLimits> communityLimits(String communityKey) {
        return readSetting(communityLimits, communityKey, SettingsChange.CommunityLimits.class);
    }

    @Override
    public synchronized void saveCommunityLimits(String communityKey, SettingsChange.CommunityLimits limits) {
        communityLimits.put(communityKey, StoreJson.write(limits));
        store.commit();
    }

    @Override
    public synchronized Optional<CommunityRules> communityRules(String communityKey) {
        return readSetting(communityRules, communityKey, CommunityRules.class);
    }

    @Override
    public synchronized void saveCommunityRules(String communityKey, CommunityRules rules) {
        communityRules.put(communityKey, StoreJson.write(rules));
        store.commit();
    }

    @Override
    public synchronized Map<String, Usage> usageLedger() {
        Map<String, Usage> ledger = new HashMap<>();
        for (Map.Entry<String, String> entry : usage.entrySet()) {
            try {
                ledger.put(entry.getKey(), StoreJson.read(entry.getValue(), Usage.class));
            } catch (JsonProcessingException e) {
                // One unreadable entry costs that person their history, not everybody theirs.
                LOG.warn("the fair-share usage of {} in the store cannot be read: {}", entry.getKey(),
                        e.getOriginalMessage());
            }
        }
        return ledger;
    }

    @Override
    public synchronized void saveUsage(String userKey, Usage value) {
        usage.put(userKey, StoreJson.write(value));
        store.commit();
    }

    @Override
    public synchronized void forgetUsage(Set<String> userKeys) {
        if (userKeys.isEmpty()) {
            return;
        }
        userKeys.forEach(usage::remove);
        store.commit();
    }

    @Override
    public synchronized void savePicture(String pixelHash, byte[] png) {
        if (!pictures.containsKey(pixelHash)) {
            pictures.put(pixelHash, png.clone());
            store.commit();
        }
    }

    @Override
    public synchronized Optional<byte[]> picture(String pixelHash) {
        byte[] png = pictures.get(pixelHash);
        return png == null ? Optional.empty() : Optional.of(png.clone());
    }

    /** A setting that cannot be read any more is as if it was never saved: the defaults apply, and the log says so. */
    private static <T> Optional<T> readSetting(MVMap<String, String> map, String key, Class<T> type) {
        String json = map.get(key);
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StoreJson.read(json, type));
        } catch (JsonProcessingException e) {
            LOG.warn("the {} of {} in the store cannot be read: {}", type.getSimpleName(), key, e.getOriginalMessage());
            return Optional.empty();
        }
    }

    @Override
    public synchronized void close() {
        if (!store.isClosed()) {
            store.close();
        }
    }
}
