package dev.imagine.bot.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Defaults;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.ImagineOptions;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.command.RequestValidator;
import dev.imagine.testing.Generated;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the fuzz tests of every adapter's parser share: generated values for the request options as people (or
 * attackers) type them, and the one check of the job service's answer, the same on every platform: a request is either
 * valid, or refused with each problem naming the option and the range it allows.
 */
public final class FrontDoor {
    /** How many generated inputs each property runs: the issue asks for at least 10,000 per parser. */
    public static final int TRIES = 10_000;

    private static final RequestValidator VALIDATOR = new RequestValidator(() -> 42L);
    /** "steps 9 is outside 1 to 8", "width 100 must be a multiple of 8 from 256 to 1024", "the limit is 1000". */
    private static final Pattern RANGE = Pattern.compile("(-?\\d+(\\.\\d+)? to -?\\d+(\\.\\d+)?|the limit is \\d+)");
    private static final List<String> FIELDS = List.of("the prompt", "steps", "width", "height", "guidance", "count",
            "seed");

    private FrontDoor() {
    }

    /** The job service's answer to {@code command} with the standard defaults and limits. */
    public static RequestValidator.Outcome validate(Command.Imagine command) {
        return VALIDATOR.validate(command, Defaults.STANDARD, Limits.DEFAULTS);
    }

    /**
     * Checks a refusal of the job service: every problem it lists begins with the field it concerns and, for an
     * option, gives the allowed range.
     */
    public static void assertNamesFieldsAndRanges(String refusal) {
        assertThat(refusal).startsWith("I can't draw that yet: ").endsWith(".");
        String problems = refusal.substring("I can't draw that yet: ".length(), refusal.length() - 1);
        for (String problem : problems.split("; (?=the prompt|steps|width|height|guidance|count|seed)")) {
            String field = FIELDS.stream().filter(problem::startsWith).findFirst().orElse(null);
            assertThat(field).as("the field of problem '%s'", problem).isNotNull();
            if (!field.equals("the prompt")) {
                assertThat(RANGE.matcher(problem).find()).as("problem '%s' gives the allowed range", problem).isTrue();
            } else {
                assertThat(problem).matches("(?s)the prompt (is empty: .*|is \\d+ characters long; the limit is \\d+"
                        + "|contains .*remove it)");
            }
        }
    }

    /** Checks that {@code message}, a refusal of an unreadable option value, names it and says what it takes. */
    public static void assertNamesOptionAndKind(String message, String option) {
        assertThat(message).contains(option).contains(ImagineOptions.kindOf(option));
    }

    /** The value of an option as typed: mostly plausible, often out of range, sometimes hostile. */
    public static String optionText(Generated g, String option) {
        return g.weighted(
                Generated.choice(5, () -> validText(g, option)),
                Generated.choice(2, () -> Long.toString(g.longBetween(-10, 5000))),
                Generated.choice(1, () -> Long.toString(g.longBetween(Long.MIN_VALUE, Long.MAX_VALUE))),
                Generated.choice(1, () -> g.string(1, 25, "0123456789")),
                Generated.choice(1, () -> g.oneOf("1e1", ".5", "7.", "-0", "+4", "0x10", "NaN", "Infinity", "1f",
                        "8,5", "٤", "４", "1_000", "1e400", "-1e-400", "4294967296", "2147483648", "512x", "x512",
                        "512x512x512", "512×768", "512*768", "512 x 768", "-512x-512", "0x0", "99999999999x1",
                        "full", "FAST", "taesd", "tiny", "vae", "compel", "a1111", "PLAIN", "")),
                Generated.choice(1, () -> g.printable(12, "")),
                Generated.choice(1, () -> g.anyString(12)));
    }

    /** A value within the standard limits, in the form people type it. */
    public static String validText(Generated g, String option) {
        return switch (option) {
            case ImagineOptions.SEED -> Long.toString(g.longBetween(RequestRules.MIN_SEED, RequestRules.MAX_SEED));
            case ImagineOptions.STEPS -> Integer.toString(g.intBetween(RequestRules.MIN_STEPS, RequestRules.MAX_STEPS));
            case ImagineOptions.COUNT -> Integer.toString(g.intBetween(RequestRules.MIN_COUNT, RequestRules.MAX_COUNT));
            case ImagineOptions.GUIDANCE -> g.chance(0.5) ? Integer.toString(g.intBetween(1, 20))
                    : g.intBetween(1, 19) + "." + g.intBetween(0, 99);
            case ImagineOptions.SIZE -> side(g) + g.oneOf("x", "X", "×", "*") + side(g);
            case ImagineOptions.DECODER -> g.oneOf("full", "fast", "Full", "FAST");
            case ImagineOptions.PROMPT_SYNTAX -> g.oneOf("a1111", "plain", "A1111", "Plain");
            case ImagineOptions.STRENGTH -> g.oneOf("1", "0.35", "0.5", "0.7", ".8", "0.125");
            default -> throw new IllegalArgumentException(option);
        };
    }

    /** A side within the limits: a multiple of 8 from 256 to 1024. */
    public static int side(Generated g) {
        return RequestRules.SIDE_STEP * g.intBetween(RequestRules.MIN_SIDE / RequestRules.SIDE_STEP,
                RequestRules.MAX_SIDE / RequestRules.SIDE_STEP);
    }

    /** A prompt: words, or any text at all (control characters, emoji, halves of surrogate pairs). */
    public static String prompt(Generated g) {
        return g.weighted(
                Generated.choice(3, () -> String.join(" ", g.list(1, 8, () -> g.string(1, 9,
                        "abcdefghijklmnopqrstuvwxyzäöü-,.()[]:1234567890")))),
                Generated.choice(2, () -> g.anyString(60)),
                Generated.choice(1, () -> g.printable(80, "")));
    }

    /** {@code size} as the options read it, for a check that the value round-trips. */
    public static String text(ImageSize size) {
        return size.width() + "x" + size.height();
    }
}
