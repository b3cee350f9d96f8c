package dev.imagine.bot.discord;

import java.time.Duration;
import java.time.Instant;
import net.dv8tion.jda.api.utils.data.DataObject;

/**
 * Where a Discord job answers: the interaction (its token lets the bot edit the reply for 15 minutes), the
 * channel and the user, for the fallback once the token has expired. Persisted with the job as JSON so that an
 * answer survives a restart. Holds no bot token. The interaction token is a short-lived credential: never logged.
 *
 * @param guildId null in a direct message
 */
record Origin(String applicationId, String interactionId, String interactionToken, String channelId, String guildId,
              String userId, Instant createdAt) {

    /** Discord's lifetime of an interaction token. */
    static final Duration TOKEN_LIFETIME = Duration.ofMinutes(15);
    /** Stop using the token a little before Discord does, so an edit in flight does not fail half way. */
    static final Duration TOKEN_SAFETY = Duration.ofSeconds(20);

    boolean tokenUsableAt(Instant now) {
        return now.isBefore(createdAt.plus(TOKEN_LIFETIME).minus(TOKEN_SAFETY));
    }

    String toJson() {
        DataObject json = DataObject.empty()
                .put("platform", "discord")
                .put("v", 1)
                .put("app", applicationId)
                .put("interaction", interactionId)
                .put("token", interactionToken)
                .put("channel", channelId)
                .put("user", userId)
                .put("created", createdAt.toEpochMilli());
        if (guildId != null) {
            json.put("guild", guildId);
        }
        return json.toString();
    }

    static Origin fromJson(String json) {
        DataObject data = DataObject.fromJson(json);
        return new Origin(data.getString("app"), data.getString("interaction"), data.getString("token"),
                data.getString("channel"), data.getString("guild", null), data.getString("user"),
                Instant.ofEpochMilli(data.getLong("created")));
    }

    @Override
    public String toString() {
        // The interaction token stays out of logs.
        return "Origin[interaction=" + interactionId + ", channel=" + channelId + ", guild=" + guildId + ", user="
                + userId + ", created=" + createdAt + "]";
    }
}
