package dev.imagine.bot.command;

/**
 * The largest request allowed. The configured limits apply everywhere; a community's admins can only tighten
 * them for their community ({@link #tightenedBy}).
 *
 * @param maxSide          largest width or height in pixels (a multiple of 8, at most 1024)
 * @param maxPromptLength  in characters; CLIP reads only about 75 tokens anyway, this stops abuse
 */
public record Limits(int maxSteps, int maxSide, int maxCount, int maxPromptLength) {
    public static final int MIN_SIDE = RequestRules.MIN_SIDE;
    public static final int ABSOLUTE_MAX_SIDE = RequestRules.MAX_SIDE;
    public static final int ABSOLUTE_MAX_STEPS = RequestRules.MAX_STEPS;
    public static final int ABSOLUTE_MAX_COUNT = RequestRules.MAX_COUNT;
    /** The most a community or the configuration may allow, in characters. */
    public static final int MAX_PROMPT_LENGTH = 100_000;

    public static final Limits DEFAULTS = new Limits(8, 1024, 4, 1000);

    public Limits {
        check("maxSteps", maxSteps, 1, ABSOLUTE_MAX_STEPS);
        check("maxSide", maxSide, MIN_SIDE, ABSOLUTE_MAX_SIDE);
        check("maxCount", maxCount, 1, ABSOLUTE_MAX_COUNT);
        check("maxPromptLength", maxPromptLength, 1, MAX_PROMPT_LENGTH);
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + " to " + max + ", got " + value);
        }
    }

    /** These limits, lowered wherever the community's own are lower (null: not set by the community). */
    public Limits tightenedBy(SettingsChange.CommunityLimits community) {
        if (community == null) {
            return this;
        }
        return new Limits(min(maxSteps, community.maxSteps()), min(maxSide, community.maxSide()),
                min(maxCount, community.maxCount()), min(maxPromptLength, community.maxPromptLength()));
    }

    private static int min(int configured, Integer community) {
        return community == null ? configured : Math.min(configured, community);
    }
}
