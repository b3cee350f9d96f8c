package dev.imagine.bot.job;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ModerationAction;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.safety.SafetyPolicy;
import java.util.List;
import java.util.Optional;

/**
 * Answers {@link Command.Moderate}: bans, pauses, the safety policy, blocked words and the rate limit of a
 * community, each written into the job store and the audit log. A community can only tighten what the operator
 * configured.
 */
record ModerationDesk(Rules rules, Authority authority, ModerationSettings settings, SafetyPolicy configuredPolicy,
                      AuditLog audit) {

    static final String NOT_A_MODERATOR = "Only this community's admins can moderate Imagine here (on Discord:"
            + " members with Manage Server; on Telegram: the group's administrators).";

    Reply handle(Command.Moderate command) {
        Requester requester = command.requester();
        String community = command.community() != null ? command.community() : requester.communityKey();
        if (community == null) {
            return new Reply.Refused("Moderation works inside a server or group: use it there.");
        }
        if (!authority.moderates(requester, community)) {
            return new Reply.Refused(community.equals(CommunityRules.EVERYWHERE)
                    ? "Only the operator can moderate every community." : NOT_A_MODERATOR,
                    Reply.Refused.Reason.NOT_ALLOWED);
        }
        CommunityRules now = rules.of(community);
        if (community.equals(CommunityRules.EVERYWHERE)) {
            now = rules.everywhere();
        }
        String actor = Authority.actor(requester);
        return switch (command.action()) {
            case ModerationAction.Show show -> new Reply.Info(describe(community, now));
            case ModerationAction.Ban ban -> banned(requester, community, now, ban.userId(), true, actor);
            case ModerationAction.Unban unban -> banned(requester, community, now, unban.userId(), false, actor);
            case ModerationAction.Pause pause -> change(community, now.withPaused(true), actor, "pause", null,
                    "Imagine is paused " + where(community) + ": new pictures are refused until it is resumed."
                            + " Pictures already waiting are still drawn.");
            case ModerationAction.Resume resume -> change(community, now.withPaused(false), actor, "resume", null,
                    "Imagine is taking pictures again " + where(community) + ".");
            case ModerationAction.Policy policy -> policy(community, now, policy.policy(), actor);
            case ModerationAction.Block block -> words(community, now, block.words(), true, actor);
            case ModerationAction.Unblock unblock -> words(community, now, unblock.words(), false, actor);
            case ModerationAction.Rate rate -> rate(community, now, rate.pictures(), actor);
        };
    }

    private Reply banned(Requester requester, String community, CommunityRules now, String userId, boolean ban,
                         String actor) {
        Optional<String> target = userKey(requester, userId);
        if (target.isEmpty()) {
            return new Reply.Refused("Say whom: their user id" + (authority.operator(requester)
                    ? " as platform:id (discord:1234…, telegram:5678…)" : "") + ".");
        }
        if (ban && target.get().equals(requester.user().key())) {
            return new Reply.Refused("You can't ban yourself.");
        }
        if (ban == now.banned().contains(target.get())) {
            return new Reply.Info(target.get() + (ban ? " is already banned " : " is not banned ") + where(community)
                    + ".");
        }
        return change(community, now.withBan(target.get(), ban), actor, ban ? "ban" : "unban", target.get(),
                target.get() + (ban ? " can no longer use Imagine " : " may use Imagine again ") + where(community)
                        + ".");
    }

    /** A plain id is of the requester's platform; the operator names the platform ("discord:1234"). */
    private Optional<String> userKey(Requester requester, String userId) {
        if (userId == null || userId.isBlank()) {
            return Optional.empty();
        }
        String id = userId.strip();
        if (id.contains(":")) {
            String platform = id.substring(0, id.indexOf(':'));
            String rest = id.substring(id.indexOf(':') + 1);
            boolean own = platform.equals(requester.user().platform());
            return (own || authority.operator(requester)) && !rest.isBlank() && !platform.isBlank()
                    && !rest.contains(":") ? Optional.of(platform + ":" + rest) : Optional.empty();
        }
        if (requester.user().platform().equals(dev.imagine.bot.command.Requester.OPERATOR_PLATFORM)) {
            return Optional.empty();
        }
        return Optional.of(requester.user().platform() + ":" + id);
    }

    private Reply policy(String community, CommunityRules now, String text, String actor) {
        SafetyPolicy wanted;
        try {
            wanted = SafetyPolicy.parse(text == null ? "" : text);
        } catch (IllegalArgumentException e) {
            return new Reply.Refused(e.getMessage() + ".");
        }
        SafetyPolicy floor = community.equals(CommunityRules.EVERYWHERE) ? configuredPolicy
                : rules.policyFor(configuredPolicy, null);
        if (wanted.compareTo(floor) < 0) {
            return new Reply.Refused("The operator's policy for flagged pictures is " + floor.configName()
                    + "; a community can make it stricter, not looser. Choose " + stricter(floor) + ".");
        }
        return change(community, now.withPolicy(wanted.configName()), actor, "policy", null,
                "Flagged pictures " + where(community) + ": " + describe(wanted) + ".");
    }

    private static String stricter(SafetyPolicy floor) {
        StringBuilder choices = new StringBuilder();
        for (SafetyPolicy p : SafetyPolicy.values()) {
            if (p.compareTo(floor) >= 0) {
                choices.append(choices.isEmpty() ? "" : ", ").append(p.configName());
            }
        }
        return choices.toString();
    }

    private Reply words(String community, CommunityRules now, List<String> words, boolean block, String actor) {
        if (words.isEmpty()) {
            return new Reply.Refused("Name the words, for example: gore, blood*.");
        }
        if (block) {
            for (String word : words) {
                Optional<String> problem = PromptRules.problemWith(word);
                if (problem.isPresent()) {
                    return new Reply.Refused(problem.get() + ".");
                }
            }
        }
        CommunityRules changed = now.withWords(words.stream().map(String::strip).toList(), block);
        if (changed.blockedWords().size() > PromptRules.MAX_WORDS) {
            return new Reply.Refused("A community can block at most " + PromptRules.MAX_WORDS + " words.");
        }
        return change(community, changed, actor, block ? "block" : "unblock", null,
                (block ? "Blocked " : "Unblocked ") + String.join(", ", words) + ". Blocked " + where(community)
                        + " now: " + (changed.blockedWords().isEmpty() ? "nothing"
                        : String.join(", ", changed.blockedWords())) + ".");
    }

    private Reply rate(String community, CommunityRules now, Integer pictures, String actor) {
        if (pictures != null && pictures < 1) {
            return new Reply.Refused("The rate limit is at least 1 picture per " + window() + ".");
        }
        if (pictures != null && settings.rateLimited() && pictures > settings.picturesPerWindow()) {
            return new Reply.Refused("The operator allows " + settings.picturesPerWindow() + " pictures per "
                    + window() + "; a community can lower that, not raise it.");
        }
        return change(community, now.withRate(pictures), actor, "rate", null, pictures == null
                ? "The rate limit " + where(community) + " is the operator's again: " + configuredRate() + "."
                : "At most " + pictures + " pictures per person per " + window() + " " + where(community) + ".");
    }

    private Reply change(String community, CommunityRules changed, String actor, String action, String target,
                         String answer) {
        rules.save(community, changed);
        audit.record(action, actor, community, target, detail(action, changed));
        return new Reply.Info(answer);
    }

    private static String detail(String action, CommunityRules rules) {
        return switch (action) {
            case "policy" -> rules.policy();
            case "block", "unblock" -> String.join(", ", rules.blockedWords());
            case "rate" -> rules.picturesPerWindow() == null ? "operator's" : rules.picturesPerWindow().toString();
            default -> null;
        };
    }

    private String describe(String community, CommunityRules now) {
        SafetyPolicy policy = community.equals(CommunityRules.EVERYWHERE)
                ? rules.policyFor(configuredPolicy, null) : rules.policyFor(configuredPolicy, community);
        return "Moderation " + where(community) + ":\n"
                + "- Imagine is " + (now.paused() ? "paused" : "taking pictures") + ".\n"
                + "- Flagged pictures: " + describe(policy) + ".\n"
                + "- Blocked words: " + (now.blockedWords().isEmpty() ? "none" : String.join(", ",
                now.blockedWords())) + ".\n"
                + "- Rate limit: " + (now.picturesPerWindow() != null ? now.picturesPerWindow() + " pictures per "
                + window() : configuredRate()) + ".\n"
                + "- Banned: " + (now.banned().isEmpty() ? "nobody" : String.join(", ", now.banned().stream()
                .sorted().toList())) + ".";
    }

    private String configuredRate() {
        return settings.rateLimited() ? settings.picturesPerWindow() + " pictures per " + window() : "none";
    }

    private String window() {
        return Durations.words(settings.window());
    }

    private static String where(String community) {
        return community.equals(CommunityRules.EVERYWHERE) ? "everywhere" : "here";
    }

    private static String describe(SafetyPolicy policy) {
        return switch (policy) {
            case ALLOW -> "shown as they are";
            case SPOILER -> "hidden behind a spoiler until clicked";
            case BLUR -> "replaced by a blurred copy";
            case REFUSE -> "held back";
        };
    }
}
