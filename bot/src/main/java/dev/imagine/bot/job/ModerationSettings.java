package dev.imagine.bot.job;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The operator's moderation settings from config.yaml.
 *
 * @param operators         user keys ("discord:1234", "telegram:5678") of people who may moderate every community
 * @param picturesPerWindow at most this many pictures per person per {@code window} (a token bucket that refills
 *                          evenly); 0 turns the rate limit off. Communities may lower it for themselves.
 * @param window            the rate limit's window
 */
public record ModerationSettings(Set<String> operators, int picturesPerWindow, Duration window) {
    public static final ModerationSettings NONE = new ModerationSettings(Set.of(), 0, Duration.ofMinutes(10));

    public ModerationSettings {
        operators = Set.copyOf(Objects.requireNonNull(operators, "operators"));
        if (picturesPerWindow < 0) {
            throw new IllegalArgumentException("the rate limit must be 0 (off) or more pictures, got "
                    + picturesPerWindow);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the rate-limit window must be positive, got " + window);
        }
    }

    public boolean rateLimited() {
        return picturesPerWindow > 0;
    }
}
