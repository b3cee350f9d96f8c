package dev.imagine.bot.job;

import dev.imagine.bot.command.SettingsChange;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable record of jobs and settings. Embedded on local disk by default ({@link MvJobStore}); a Redis
 * implementation takes over when the bot is scaled out to several machines.
 */
public interface JobStore extends AutoCloseable {
    void save(Job job);

    Optional<Job> find(String id);

    /** Forgets a job that was never accepted. */
    void delete(String id);

    /** Jobs in any of the given states, oldest first. */
    List<Job> findByState(Set<JobState> states);

    Optional<SettingsChange.UserDefaults> userDefaults(String userKey);

    void saveUserDefaults(String userKey, SettingsChange.UserDefaults defaults);

    void clearUserDefaults(String userKey);

    Optional<SettingsChange.CommunityLimits> communityLimits(String communityKey);

    void saveCommunityLimits(String communityKey, SettingsChange.CommunityLimits limits);

    @Override
    void close();
}
