package dev.imagine.bot.job;

import dev.imagine.bot.command.User;
import dev.imagine.bot.safety.SafetyPolicy;
import java.util.Optional;

/** The moderation rules in force for a community: the operator's for every community, then the community's own. */
record Rules(JobStore store) {

    CommunityRules everywhere() {
        return store.communityRules(CommunityRules.EVERYWHERE).orElse(CommunityRules.NONE);
    }

    /** The community's own rules; none in a private chat. */
    CommunityRules of(String communityKey) {
        return communityKey == null ? CommunityRules.NONE : store.communityRules(communityKey)
                .orElse(CommunityRules.NONE);
    }

    void save(String communityKey, CommunityRules rules) {
        store.saveCommunityRules(communityKey, rules);
    }

    /** The community key of a job ("discord:900…"), or null for a private chat. */
    static String communityOf(Job job) {
        return job.community() == null ? null : job.owner().platform() + ":" + job.community();
    }

    /** Whether {@code user} is banned where {@code communityKey} is (everywhere, or in that community). */
    Optional<String> banOf(User user, String communityKey) {
        if (everywhere().banned().contains(user.key())) {
            return Optional.of(CommunityRules.EVERYWHERE);
        }
        return of(communityKey).banned().contains(user.key()) ? Optional.of(communityKey) : Optional.empty();
    }

    /** Whether Imagine is paused where {@code communityKey} is. */
    Optional<String> pauseOf(String communityKey) {
        if (everywhere().paused()) {
            return Optional.of(CommunityRules.EVERYWHERE);
        }
        return of(communityKey).paused() ? Optional.of(communityKey) : Optional.empty();
    }

    /** The operator's configured policy, tightened by the operator's rules for everywhere and the community's own. */
    SafetyPolicy policyFor(SafetyPolicy configured, String communityKey) {
        return configured.atLeast(parsed(everywhere().policy())).atLeast(parsed(of(communityKey).policy()));
    }

    private static SafetyPolicy parsed(String policy) {
        return policy == null ? SafetyPolicy.ALLOW : SafetyPolicy.parse(policy);
    }
}
