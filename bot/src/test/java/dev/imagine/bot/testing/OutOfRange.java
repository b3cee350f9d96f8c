package dev.imagine.bot.testing;

import java.util.List;

/**
 * Request options out of range, as each platform can send them (a Telegram flag, a Discord option, a JSON field), and
 * the one refusal every platform must answer with: the job service's, naming the option and the allowed range. Each
 * adapter's test sends these and expects exactly these words, so the words are the same on every platform.
 *
 * <p>With the default limits: 1 to 8 steps, 1 to 4 pictures.
 */
public final class OutOfRange {
    private OutOfRange() {
    }

    /** {@code option} set to {@code value} (its text as typed); the whole refusal. */
    public record Case(String option, long value, String refusal) {
        public String text() {
            return Long.toString(value);
        }
    }

    public static final List<Case> CASES = List.of(
            new Case("steps", 9, "I can't draw that yet: steps 9 is outside 1 to 8: pick a value in that range"
                    + " (4 is the usual choice)."),
            new Case("count", 5, "I can't draw that yet: count 5 is outside 1 to 4."),
            new Case("guidance", 25, "I can't draw that yet: guidance 25.0 is outside 1.0 to 20.0 (8 is the usual"
                    + " choice)."),
            new Case("seed", 4_294_967_296L, "I can't draw that yet: seed 4294967296 is outside 0 to 4294967295."));
}
