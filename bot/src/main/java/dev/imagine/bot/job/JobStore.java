package dev.imagine.bot.job;

import dev.imagine.bot.command.SettingsChange;
import dev.imagine.bot.queue.Usage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Durable record of jobs and settings. Embedded on local disk by default ({@link MvJobStore}); a Redis
 * implementation takes over when the bot is scaled out to several machines.
 */
public interface JobStore extends AutoCloseable {
    /**
     * Saves {@code job}, replacing its record. An origin given by {@link #updateOrigin} wins over the job's own: a
     * copy made before the adapter learned where to answer (a worker's, perhaps in another process) does not put the
     * old origin back. Returns the job as saved, with that origin.
     */
    Job save(Job job);

    /**
     * The job now answers at {@code origin} (an adapter completed it after the job was queued: Telegram learns the id
     * of its status message a moment later), and keeps it through every later {@link #save}, whoever saves; false when
     * no job has that id.
     */
    boolean updateOrigin(String id, String origin);

    Optional<Job> find(String id);

    /** Forgets a job that was never accepted. */
    void delete(String id);

    /** Jobs in any of the given states, oldest first. */
    List<Job> findByState(Set<JobState> states);

    /**
     * One person's jobs (by {@code User.key()}), newest first, at most {@code limit}; deleted
     * jobs are left out. The default reads every job; a store with an index by owner should override it.
     */
    default List<Job> findByOwner(String userKey, int limit) {
        List<Job> mine = new ArrayList<>(findByState(EnumSet.complementOf(EnumSet.of(JobState.DELETED))).stream()
                .filter(job -> job.owner().key().equals(userKey)).toList());
        Collections.reverse(mine);
        return mine.size() <= limit ? mine : List.copyOf(mine.subList(0, limit));
    }

    Optional<SettingsChange.UserDefaults> userDefaults(String userKey);

    void saveUserDefaults(String userKey, SettingsChange.UserDefaults defaults);

    void clearUserDefaults(String userKey);

    Optional<SettingsChange.CommunityLimits> communityLimits(String communityKey);

    void saveCommunityLimits(String communityKey, SettingsChange.CommunityLimits limits);

    /** What a community's admins decided about moderation there ({@link CommunityRules#EVERYWHERE}: the operator). */
    Optional<CommunityRules> communityRules(String communityKey);

    void saveCommunityRules(String communityKey, CommunityRules rules);

    /** The fair-share usage ledger as last saved: each person's usage and when it was charged. */
    Map<String, Usage> usageLedger();

    /** Keeps one person's usage (as the queue charged it), so that a restart does not forget it. */
    void saveUsage(String userKey, Usage usage);

    /** Forgets the usage of these people (it has decayed to nothing). */
    void forgetUsage(Set<String> userKeys);

    /**
     * Keeps a picture a job starts from (image to image, Vary, Upscale) under its pixel hash, as a lossless PNG, so
     * that the job can be drawn, resumed or replayed after a restart whatever the result cache has forgotten. Keeping
     * the same picture twice keeps it once.
     */
    void savePicture(String pixelHash, byte[] png);

    /** A picture kept by {@link #savePicture}. */
    Optional<byte[]> picture(String pixelHash);

    @Override
    void close();
}
