package dev.imagine.bot.job;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.imagine.bot.command.SettingsChange;
import dev.imagine.bot.queue.Usage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
 * debugging, tolerant of added fields). Every write is committed before it returns, so a crash loses nothing
 * that was acknowledged to a user.
 */
public final class MvJobStore implements JobStore {
    private static final Logger LOG = LoggerFactory.getLogger(MvJobStore.class);

    private final MVStore store;
    private final MVMap<String, String> jobs;
    private final MVMap<String, String> userDefaults;
    private final MVMap<String, String> communityLimits;
    private final MVMap<String, String> usage;
    private final Gson gson = new GsonBuilder().registerTypeAdapter(Instant.class, new InstantAdapter()).create();

    private MvJobStore(MVStore store) {
        this.store = store;
        this.jobs = store.openMap("jobs");
        this.userDefaults = store.openMap("user-defaults");
        this.communityLimits = store.openMap("community-limits");
        this.usage = store.openMap("fair-share-usage");
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
    public synchronized void save(Job job) {
        jobs.put(job.id(), gson.toJson(job));
        store.commit();
    }

    @Override
    public synchronized void delete(String id) {
        jobs.remove(id);
        store.commit();
    }

    @Override
    public synchronized Optional<Job> find(String id) {
        String json = jobs.get(id);
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(gson.fromJson(json, Job.class));
        } catch (JsonParseException e) {
            LOG.warn("job {} in the store cannot be read: {}", id, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public synchronized List<Job> findByState(Set<JobState> states) {
        List<Job> found = new ArrayList<>();
        for (Map.Entry<String, String> entry : jobs.entrySet()) {
            try {
                Job job = gson.fromJson(entry.getValue(), Job.class);
                if (states.contains(job.state())) {
                    found.add(job);
                }
            } catch (JsonParseException e) {
                LOG.warn("job {} in the store cannot be read: {}", entry.getKey(), e.getMessage());
            }
        }
        found.sort(Comparator.comparing(Job::createdAt).thenComparing(Job::id));
        return found;
    }

    @Override
    public synchronized Optional<SettingsChange.UserDefaults> userDefaults(String userKey) {
        return Optional.ofNullable(userDefaults.get(userKey))
                .map(json -> gson.fromJson(json, SettingsChange.UserDefaults.class));
    }

    @Override
    public synchronized void saveUserDefaults(String userKey, SettingsChange.UserDefaults defaults) {
        userDefaults.put(userKey, gson.toJson(defaults));
        store.commit();
    }

    @Override
    public synchronized void clearUserDefaults(String userKey) {
        userDefaults.remove(userKey);
        store.commit();
    }

    @Override
    public synchronized Optional<SettingsChange.CommunityLimits> communityLimits(String communityKey) {
        return Optional.ofNullable(communityLimits.get(communityKey))
                .map(json -> gson.fromJson(json, SettingsChange.CommunityLimits.class));
    }

    @Override
    public synchronized void saveCommunityLimits(String communityKey, SettingsChange.CommunityLimits limits) {
        communityLimits.put(communityKey, gson.toJson(limits));
        store.commit();
    }

    @Override
    public synchronized Map<String, Usage> usageLedger() {
        Map<String, Usage> ledger = new HashMap<>();
        for (Map.Entry<String, String> entry : usage.entrySet()) {
            try {
                ledger.put(entry.getKey(), gson.fromJson(entry.getValue(), Usage.class));
            } catch (JsonParseException | IllegalArgumentException | NullPointerException e) {
                // One unreadable entry costs that person their history, not everybody theirs.
                LOG.warn("the fair-share usage of {} in the store cannot be read: {}", entry.getKey(), e.getMessage());
            }
        }
        return ledger;
    }

    @Override
    public synchronized void saveUsage(String userKey, Usage value) {
        usage.put(userKey, gson.toJson(value));
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
    public synchronized void close() {
        if (!store.isClosed()) {
            store.close();
        }
    }

    private static final class InstantAdapter extends TypeAdapter<Instant> {
        @Override
        public void write(JsonWriter out, Instant value) throws IOException {
            if (value == null) {
                out.nullValue();
            } else {
                out.value(value.toString());
            }
        }

        @Override
        public Instant read(JsonReader in) throws IOException {
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
                return null;
            }
            return Instant.parse(in.nextString());
        }
    }
}
