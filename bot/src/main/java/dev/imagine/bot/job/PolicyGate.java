package dev.imagine.bot.job;

import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.Requester;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a community's rules say about a request for a picture, before it is queued: the person is banned, Imagine is
 * paused there, the prompt has a blocked word, or the person is over the rate limit. Every such refusal goes into the
 * audit log (the rule that matched, never the prompt).
 */
record PolicyGate(Rules rules, ModerationSettings settings, RateLimits rates, AuditLog audit) {
    static final String EVERYWHERE_BUCKET = "*";

    Optional<Reply.Refused> refusal(Requester requester, JobParameters parameters) {
        String community = requester.communityKey();
        String who = requester.user().key();
        Optional<String> ban = rules.banOf(requester.user(), community);
        if (ban.isPresent()) {
            audit.record("refused-banned", who, community, null, "banned " + where(ban.get()));
            return refused(ban.get().equals(CommunityRules.EVERYWHERE)
                    ? "You can't use Imagine: its operator has banned you."
                    : "You can't use Imagine in this community: its admins have banned you.");
        }
        Optional<String> pause = rules.pauseOf(community);
        if (pause.isPresent()) {
            audit.record("refused-paused", who, community, null, "paused " + where(pause.get()));
            return refused(pause.get().equals(CommunityRules.EVERYWHERE)
                    ? "Imagine is paused by its operator; try again later."
                    : "Imagine is paused in this community by its admins; try again when they resume it.");
        }
        List<String> words = new ArrayList<>(rules.everywhere().blockedWords());
        words.addAll(rules.of(community).blockedWords());
        Optional<String> blocked = PromptRules.firstMatch(parameters.prompt(), words);
        if (blocked.isPresent()) {
            audit.record("refused-prompt", who, community, null, "blocked word '" + blocked.get() + "'");
            return refused("Your prompt has a word that is not allowed here (\"" + blocked.get() + "\"); change it"
                    + " and try again.");
        }
        return rateLimit(requester, parameters.count());
    }

    /**
     * Gives back the pictures {@link #refusal} took from the person's rate limit when the queue then refused the
     * request (it was full): they got nothing for them.
     */
    void refund(Requester requester, int pictures) {
        rates.giveBack(limitsFor(requester), pictures);
    }

    private Optional<Reply.Refused> rateLimit(Requester requester, int pictures) {
        List<RateLimits.Limit> limits = limitsFor(requester);
        if (limits.isEmpty()) {
            return Optional.empty();
        }
        Optional<RateLimits.Wait> wait = rates.take(limits, pictures);
        if (wait.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(rateRefusal(requester, pictures, wait.get()));
    }

    /** Every bucket a request of {@code requester} draws from: the person's, their community's, their address's. */
    private List<RateLimits.Limit> limitsFor(Requester requester) {
        List<RateLimits.Limit> limits = new ArrayList<>();
        String who = requester.user().key();
        if (settings.rateLimited()) {
            limits.add(new RateLimits.Limit(who + "@" + EVERYWHERE_BUCKET, settings.picturesPerWindow(),
                    settings.window()));
        }
        String community = requester.communityKey();
        Integer own = rules.of(community).picturesPerWindow();
        if (own != null) {
            limits.add(new RateLimits.Limit(who + "@" + community, own, settings.window()));
        }
        if (settings.rateLimited() && requester.shareKey() != null) {
            // The open web's client address: a new cookie does not bring a new allowance.
            limits.add(new RateLimits.Limit(requester.shareKey() + "@" + EVERYWHERE_BUCKET,
                    settings.picturesPerWindow(), settings.window()));
        }
        Integer everywhere = rules.everywhere().picturesPerWindow();
        if (everywhere != null) {
            limits.add(new RateLimits.Limit(who + "@operator", everywhere, settings.window()));
        }
        return limits;
    }

    private Reply.Refused rateRefusal(Requester requester, int pictures, RateLimits.Wait wait) {
        String who = requester.user().key();
        String community = requester.communityKey();
        RateLimits.Limit limit = wait.limit();
        String per = Durations.words(limit.window());
        audit.record("refused-rate", who, community, null, pictures + " asked, at most " + limit.capacity() + " per "
                + per);
        if (pictures > limit.capacity()) {
            return new Reply.Refused("You can have at most " + limit.capacity() + " pictures per " + per
                    + " here; ask for fewer at a time.", Reply.Refused.Reason.INVALID);
        }
        Duration after = wait.duration();
        return new Reply.Refused("You have drawn your " + limit.capacity() + " pictures per " + per
                + "; try again in " + Durations.words(roundUp(after)) + ".", Reply.Refused.Reason.BUSY, after);
    }

    private static Duration roundUp(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    private static String where(String key) {
        return key.equals(CommunityRules.EVERYWHERE) ? "everywhere" : "here";
    }

    private static Optional<Reply.Refused> refused(String message) {
        return Optional.of(new Reply.Refused(message, Reply.Refused.Reason.NOT_ALLOWED));
    }
}
