package dev.imagine.bot.command;

/**
 * Who sent a command and from where.
 *
 * @param community       the server or group the command came from, or null in a private chat
 * @param channel         the channel or chat id, used for per-channel restrictions; may be null
 * @param communityAdmin  true when the platform says this user may manage the community (Discord's Manage Server,
 *                        a Telegram group administrator): they may change the community's limits
 */
public record Requester(User user, String community, String channel, boolean communityAdmin) {
    public static Requester direct(User user) {
        return new Requester(user, null, null, false);
    }

    /** The community key ("telegram:-100123"), or null in a private chat. */
    public String communityKey() {
        return community == null ? null : user.platform() + ":" + community;
    }
}
