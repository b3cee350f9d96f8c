package dev.imagine.bot.job;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a community's admins decided about Imagine there, kept in the job store under the community key (the
 * operator's decisions for every community under {@link #EVERYWHERE}). Only ever tightens the configuration.
 *
 * @param policy       the community's own safety policy (allow, spoiler, blur, refuse), or null for the operator's
 * @param blockedWords words and {@code *} patterns a prompt may not contain, as the admins wrote them
 * @param picturesPerWindow at most this many pictures per person per rate-limit window here, or null
 * @param paused       Imagine refuses new pictures here
 * @param banned       user keys ("discord:123") that may not use Imagine here
 */
public record CommunityRules(String policy, List<String> blockedWords, Integer picturesPerWindow, boolean paused,
                             Set<String> banned) {
    /** The key under which the operator's rules for every community are kept. */
    public static final String EVERYWHERE = "*";
    public static final CommunityRules NONE = new CommunityRules(null, List.of(), null, false, Set.of());

    public CommunityRules {
        blockedWords = blockedWords == null ? List.of() : List.copyOf(blockedWords);
        banned = banned == null ? Set.of() : Set.copyOf(new LinkedHashSet<>(banned));
    }

    CommunityRules withPolicy(String value) {
        return new CommunityRules(value, blockedWords, picturesPerWindow, paused, banned);
    }

    CommunityRules withPaused(boolean value) {
        return new CommunityRules(policy, blockedWords, picturesPerWindow, value, banned);
    }

    CommunityRules withRate(Integer value) {
        return new CommunityRules(policy, blockedWords, value, paused, banned);
    }

    CommunityRules withBan(String userKey, boolean ban) {
        Set<String> changed = new LinkedHashSet<>(banned);
        if (ban) {
            changed.add(userKey);
        } else {
            changed.remove(userKey);
        }
        return new CommunityRules(policy, blockedWords, picturesPerWindow, paused, changed);
    }

    CommunityRules withWords(List<String> words, boolean block) {
        List<String> changed = new ArrayList<>(blockedWords);
        for (String word : words) {
            changed.removeIf(w -> w.equalsIgnoreCase(word));
            if (block) {
                changed.add(word);
            }
        }
        return new CommunityRules(policy, changed, picturesPerWindow, paused, banned);
    }
}
