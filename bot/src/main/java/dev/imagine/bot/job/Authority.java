package dev.imagine.bot.job;

import dev.imagine.bot.command.Requester;

/**
 * Who may moderate where: the operator (named in config.yaml, or acting through the API with its key) everywhere;
 * a community's admins, as their platform says (Discord's Manage Server, Telegram's group administrators), in their
 * own community.
 */
record Authority(ModerationSettings settings) {

    boolean operator(Requester requester) {
        return requester.user().platform().equals(Requester.OPERATOR_PLATFORM)
                || settings.operators().contains(requester.user().key());
    }

    /** Whether {@code requester} may moderate the community {@code communityKey} ("*": every community). */
    boolean moderates(Requester requester, String communityKey) {
        if (operator(requester)) {
            return true;
        }
        return communityKey != null && !communityKey.equals(CommunityRules.EVERYWHERE) && requester.communityAdmin()
                && communityKey.equals(requester.communityKey());
    }

    /** Who did it, for the audit log. */
    static String actor(Requester requester) {
        return requester.user().platform().equals(Requester.OPERATOR_PLATFORM) ? "operator" : requester.user().key();
    }
}
