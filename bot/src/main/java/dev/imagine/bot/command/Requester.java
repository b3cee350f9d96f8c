package dev.imagine.bot.command;

/**
 * Who sent a command and from where.
 *
 * @param community       the server or group the command came from, or null in a private chat
 * @param channel         the channel or chat id, used for per-channel restrictions; may be null
 * @param communityAdmin  true when the platform says this user may manage the community (Discord's Manage Server,
 *                        a Telegram group administrator): they may change the community's limits and moderate it
 * @param rating          what the platform says about the channel's audience (age-restricted or not)
 * @param shareKey        the fair share the request counts against when it is not only the person's own: on the
 *                        open web API the client's address ("web@203.0.113.7"), so that a new cookie is not a new
 *                        share of the queue or of the rate limit; null for the person's key alone
 */
public record Requester(User user, String community, String channel, boolean communityAdmin, ChannelRating rating,
                        String shareKey) {
    /** The platform name of the operator acting through the API with its key ({@link #operator()}). */
    public static final String OPERATOR_PLATFORM = "operator";

    public Requester {
        rating = rating == null ? ChannelRating.UNRATED : rating;
    }

    /** A requester in a channel the platform does not rate. */
    public Requester(User user, String community, String channel, boolean communityAdmin) {
        this(user, community, channel, communityAdmin, ChannelRating.UNRATED, null);
    }

    public Requester(User user, String community, String channel, boolean communityAdmin, ChannelRating rating) {
        this(user, community, channel, communityAdmin, rating, null);
    }

    /** The same requester, counted against the fair share {@code key} (see {@link #shareKey}). */
    public Requester sharing(String key) {
        return new Requester(user, community, channel, communityAdmin, rating, key);
    }

    /** The key of the fair share this request counts against: {@link #shareKey}, else the person's own. */
    public String fairShare() {
        return shareKey != null ? shareKey : user.key();
    }

    public static Requester direct(User user) {
        return new Requester(user, null, null, false);
    }

    /** The operator of this Imagine, acting through the API with its key: may moderate every community. */
    public static Requester operator() {
        return direct(new User(OPERATOR_PLATFORM, "api", "the operator"));
    }

    /** The community key ("telegram:-100123"), or null in a private chat. */
    public String communityKey() {
        return community == null ? null : user.platform() + ":" + community;
    }
}
