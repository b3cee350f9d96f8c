package dev.imagine.bot.job;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Defaults;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.RequestValidator;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.SettingsChange;
import dev.imagine.bot.command.User;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What people and communities chose: per-user defaults, and per-community limits and allowed channels set by the
 * community's admins, kept in the job store on top of the configured defaults and limits. Answers /settings.
 */
final class Preferences {
    private final Limits limits;
    private final Defaults defaults;
    private final JobStore store;
    private final RequestValidator validator;

    Preferences(Limits limits, Defaults defaults, JobStore store, RequestValidator validator) {
        this.limits = limits;
        this.defaults = defaults;
        this.store = store;
        this.validator = validator;
    }

    /** The configured defaults with the person's own saved ones on top. */
    Defaults defaultsFor(User user) {
        return defaults.overriddenBy(store.userDefaults(user.key()).orElse(null));
    }

    Optional<Reply.Refused> channelRefusal(Requester requester) {
        String community = requester.communityKey();
        if (community == null || requester.channel() == null) {
            return Optional.empty();
        }
        Set<String> allowed = store.communityLimits(community)
                .map(SettingsChange.CommunityLimits::allowedChannels).orElse(null);
        if (allowed == null || allowed.isEmpty() || allowed.contains(requester.channel())) {
            return Optional.empty();
        }
        return Optional.of(new Reply.Refused("Imagine is not allowed in this channel; the admins of this community"
                + " allow it in " + allowed.size() + (allowed.size() == 1 ? " channel." : " channels."),
                Reply.Refused.Reason.NOT_ALLOWED));
    }

    Limits limitsFor(Requester requester) {
        String community = requester.communityKey();
        if (community == null) {
            return limits;
        }
        return limits.tightenedBy(store.communityLimits(community).orElse(null));
    }

    /** What the admins of {@code fromKey} set carries over to {@code toKey}, unless that has settings of its own. */
    void communityMoved(String fromKey, String toKey) {
        store.communityLimits(fromKey).ifPresent(chosen -> {
            if (store.communityLimits(toKey).isEmpty()) {
                store.saveCommunityLimits(toKey, chosen);
            }
        });
    }

    Reply handle(Command.Settings command) {
        Requester requester = command.requester();
        String userKey = requester.user().key();
        return switch (command.change()) {
            case SettingsChange.Show show -> new Reply.Info(describeSettings(requester));
            case SettingsChange.ResetUserDefaults reset -> {
                store.clearUserDefaults(userKey);
                yield new Reply.Info("Your defaults are reset.\n" + describeSettings(requester));
            }
            case SettingsChange.UserDefaults change -> {
                Command.Imagine probe = new Command.Imagine(requester, "probe", 0L, change.steps(), change.size(),
                        change.guidance(), change.count(), change.decoder());
                Defaults merged = defaultsFor(requester.user());
                if (validator.validate(probe, merged, limitsFor(requester)) instanceof RequestValidator.Refused r) {
                    yield new Reply.Refused(r.message().replace("I can't draw that yet", "I can't save those defaults"));
                }
                SettingsChange.UserDefaults previous = store.userDefaults(userKey).orElse(null);
                store.saveUserDefaults(userKey, mergeDefaults(previous, change));
                yield new Reply.Info("Saved.\n" + describeSettings(requester));
            }
            case SettingsChange.CommunityLimits change -> {
                if (requester.communityKey() == null) {
                    yield new Reply.Refused("Community limits are set inside a server or group, not in a private chat.");
                }
                if (!requester.communityAdmin()) {
                    yield new Reply.Refused("Only admins of this community can change its limits.",
                            Reply.Refused.Reason.NOT_ALLOWED);
                }
                try {
                    limits.tightenedBy(change);
                } catch (IllegalArgumentException e) {
                    yield new Reply.Refused("Those limits are not valid: " + e.getMessage() + ".");
                }
                SettingsChange.CommunityLimits previous = store.communityLimits(requester.communityKey()).orElse(null);
                store.saveCommunityLimits(requester.communityKey(), mergeLimits(previous, change));
                yield new Reply.Info("Saved.\n" + describeSettings(requester));
            }
        };
    }

    private static SettingsChange.UserDefaults mergeDefaults(SettingsChange.UserDefaults old,
                                                             SettingsChange.UserDefaults change) {
        if (old == null) {
            return change;
        }
        return new SettingsChange.UserDefaults(
                change.steps() != null ? change.steps() : old.steps(),
                change.size() != null ? change.size() : old.size(),
                change.guidance() != null ? change.guidance() : old.guidance(),
                change.count() != null ? change.count() : old.count(),
                change.decoder() != null ? change.decoder() : old.decoder(),
                change.promptSyntax() != null ? change.promptSyntax() : old.promptSyntax());
    }

    private static SettingsChange.CommunityLimits mergeLimits(SettingsChange.CommunityLimits old,
                                                              SettingsChange.CommunityLimits change) {
        if (old == null) {
            return change;
        }
        return new SettingsChange.CommunityLimits(
                change.maxSteps() != null ? change.maxSteps() : old.maxSteps(),
                change.maxSide() != null ? change.maxSide() : old.maxSide(),
                change.maxCount() != null ? change.maxCount() : old.maxCount(),
                change.maxPromptLength() != null ? change.maxPromptLength() : old.maxPromptLength(),
                change.allowedChannels() != null ? new LinkedHashSet<>(change.allowedChannels()) : old.allowedChannels());
    }

    private String describeSettings(Requester requester) {
        Defaults mine = defaultsFor(requester.user());
        Limits here = limitsFor(requester);
        return "Your defaults: " + mine.steps() + " steps, " + mine.size() + ", guidance " + mine.guidance()
                + ", " + mine.count() + (mine.count() == 1 ? " image" : " images") + ", " + mine.decoder().label()
                + " decoder, prompts read as " + ReplyTexts.promptSyntax(mine.promptSyntax())
                + ".\nLimits here: up to " + here.maxSteps() + " steps, " + here.maxSide() + " pixels a side, "
                + here.maxCount() + " images, " + here.maxPromptLength() + " characters of prompt.";
    }
}
