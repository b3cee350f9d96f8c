package dev.imagine.bot.safety;

import java.util.Locale;

/**
 * What happens to a picture the classifier flags. A community may tighten the operator's policy, never loosen it;
 * the order of the constants is that order, from the most to the least permissive.
 */
public enum SafetyPolicy {
    /** Shown as it is. */
    ALLOW,
    /** Hidden behind a click: Discord's SPOILER_ attachment, Telegram's has_spoiler, a click-to-reveal blur on the web. */
    SPOILER,
    /** Replaced by a blurred copy. */
    BLUR,
    /** Not delivered; the person is told why. */
    REFUSE;

    /** The name as written in config.yaml. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SafetyPolicy parse(String text) {
        for (SafetyPolicy p : values()) {
            if (p.configName().equalsIgnoreCase(text.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a safety policy; expected allow, spoiler, blur or refuse");
    }

    /** The stricter of the two (a community's own policy can only tighten the operator's). */
    public SafetyPolicy atLeast(SafetyPolicy other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
