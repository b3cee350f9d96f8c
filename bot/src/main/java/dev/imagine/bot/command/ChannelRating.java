package dev.imagine.bot.command;

/**
 * What the platform says about the audience of the channel a request came from. Discord marks channels
 * age-restricted ("NSFW"); only there may a flagged picture be shown plainly. Platforms without such a mark say
 * {@link #UNRATED}, and the configured policy applies as it is.
 */
public enum ChannelRating {
    /** The platform has no such notion (Telegram, the playground). */
    UNRATED,
    /** A channel for everyone (on Discord anything but an age-restricted channel, DMs too): never plainly. */
    GENERAL,
    /** An age-restricted channel: the configured policy may let a flagged picture be shown plainly. */
    AGE_RESTRICTED
}
