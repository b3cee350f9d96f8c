package dev.imagine.bot.command;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The options of a picture request by the names every platform uses (a Discord option, a Telegram flag, a JSON field),
 * read from their text the same way everywhere: {@link #read} is the one way in. Only the form is checked here (a
 * whole number, WIDTHxHEIGHT, full or fast); whether a value is within the person's limits is for the job service to
 * say, in the same words on every platform.
 * Absent options stay null: the person's saved defaults apply.
 */
public final class ImagineOptions {
    public static final String SEED = "seed";
    public static final String STEPS = "steps";
    public static final String SIZE = "size";
    public static final String GUIDANCE = "guidance";
    public static final String COUNT = "count";
    public static final String DECODER = "decoder";
    /** Image to image only: how far the picture may move from the one it starts from. */
    public static final String STRENGTH = "strength";

    /** How the prompt is read, a1111 or plain: the name of the command line's flag and config.yaml's key. */
    public static final String PROMPT_SYNTAX = "prompt-syntax";

    /** Every option of a request, in the order help texts list them. */
    public static final List<String> NAMES = List.of(SEED, STEPS, SIZE, GUIDANCE, COUNT, DECODER, PROMPT_SYNTAX,
            STRENGTH);
    /** The options a person may save as their own defaults (a seed is not a default). */
    public static final List<String> DEFAULT_NAMES = List.of(STEPS, SIZE, GUIDANCE, COUNT, DECODER, PROMPT_SYNTAX);

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private Long seed;
    private Integer steps;
    private ImageSize size;
    private Float guidance;
    private Integer count;
    private Decoder decoder;
    private PromptSyntax promptSyntax;
    private Double strength;

    /** Text that is not a value of the option's kind; the message names the option and what it takes. */
    public static final class Unreadable extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message);
        }
    }

    /**
     * Sets option {@code name} from {@code text} as people type it: "42", "512x768" (or "512×768"), "7.5", "fast".
     *
     * @throws Unreadable when {@code name} is not an option, or {@code text} is not a value of its kind
     */
    public ImagineOptions read(String name, String text) {
        String value = text == null ? "" : text.strip();
        switch (canonicalName(name)) {
            case SEED -> seed = whole(SEED, value);
            case STEPS -> steps = (int) whole(STEPS, value);
            case COUNT -> count = (int) whole(COUNT, value);
            case GUIDANCE -> guidance = Float.parseFloat(number(GUIDANCE, value));
            // As a double: the strength's schedule is int(50 * strength), and 0.58 as a float reads 28, not 29.
            case STRENGTH -> strength = Double.parseDouble(number(STRENGTH, value));
            case SIZE -> size = sizeOf(value);
            case DECODER -> decoder = decoderOf(value);
            case PROMPT_SYNTAX -> promptSyntax = promptSyntaxOf(value);
            default -> throw new Unreadable(name + " is not an option; the options are " + String.join(", ", NAMES));
        }
        return this;
    }

    /**
     * An option's name as {@link #NAMES} spells it; how each platform writes a name of two words is read too
     * ({@code prompt_syntax} on Discord, {@code promptSyntax} in JSON, and {@code syntax} for short).
     */
    public static String canonicalName(String name) {
        String lower = name.strip().toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "prompt_syntax", "promptsyntax", "syntax" -> PROMPT_SYNTAX;
            default -> lower;
        };
    }

    /** True when no option was given. */
    public boolean isEmpty() {
        return seed == null && steps == null && size == null && guidance == null && count == null && decoder == null
                && promptSyntax == null && strength == null;
    }

    /** The request to draw {@code prompt} with these options. */
    public Command.Imagine imagine(Requester requester, String prompt) {
        return new Command.Imagine(requester, prompt, seed, steps, size, guidance, count, decoder, promptSyntax, null,
                strength);
    }

    /** Whether a strength was given (it only means something with a picture to start from). */
    public boolean hasStrength() {
        return strength != null;
    }

    /** These options as the person's new defaults (a seed is not kept). */
    public SettingsChange.UserDefaults userDefaults() {
        return new SettingsChange.UserDefaults(steps, size, guidance, count, decoder, promptSyntax);
    }

    /** What option {@code name} takes, in the words of a refusal ("a whole number from 1 to 8"). */
    public static String kindOf(String name) {
        return switch (name) {
            case SEED -> "a whole number from " + RequestRules.MIN_SEED + " to " + RequestRules.MAX_SEED;
            case STEPS -> "a whole number from " + RequestRules.MIN_STEPS + " to " + RequestRules.MAX_STEPS;
            case COUNT -> "a whole number from " + RequestRules.MIN_COUNT + " to " + RequestRules.MAX_COUNT;
            case GUIDANCE -> "a number from " + RequestRules.number(RequestRules.MIN_GUIDANCE) + " to "
                    + RequestRules.number(RequestRules.MAX_GUIDANCE);
            case SIZE -> "WIDTHxHEIGHT, for example 512x768";
            case DECODER -> "full or fast";
            case PROMPT_SYNTAX -> "a1111 (weights such as (word:1.2), [word], BREAK, long prompts) or plain (the text"
                    + " as written, cut after 75 tokens)";
            case STRENGTH -> "a number above " + RequestRules.number((float) RequestRules.MIN_STRENGTH) + " and at most "
                    + RequestRules.number((float) RequestRules.MAX_STRENGTH);
            default -> throw new IllegalArgumentException("not an option: " + name);
        };
    }

    /**
     * A whole number; one too large even for a long or an int is unreadable rather than out of range, since it
     * cannot be repeated back exactly (the job service says whether a readable one is within the limits).
     */
    private static long whole(String name, String text) {
        long value;
        try {
            value = Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
        } catch (NumberFormatException e) {
            throw unreadable(name, text);
        }
        boolean fitsItsType = name.equals(SEED) || (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE);
        if (!fitsItsType) {
            throw unreadable(name, text);
        }
        return value;
    }

    /**
     * {@code text} when it is a decimal number as people write it ("8", "7.5", ".5", "1e1"), not Java's extras ("NaN",
     * "1f", "0x1p3"), finite in the option's type.
     */
    private static String number(String name, String text) {
        if (DECIMAL.matcher(text).matches()) {
            boolean finite = name.equals(STRENGTH) ? Double.isFinite(Double.parseDouble(text))
                    : Float.isFinite(Float.parseFloat(text));
            if (finite) {
                return text;
            }
        }
        throw unreadable(name, text);
    }

    private static ImageSize sizeOf(String text) {
        try {
            return ImageSize.parse(text);
        } catch (IllegalArgumentException e) {
            throw unreadable(SIZE, text);
        }
    }

    private static Decoder decoderOf(String text) {
        try {
            return Decoder.parse(text);
        } catch (IllegalArgumentException e) {
            throw unreadable(DECODER, text);
        }
    }

    private static PromptSyntax promptSyntaxOf(String text) {
        try {
            return PromptSyntax.parse(text);
        } catch (IllegalArgumentException e) {
            throw unreadable(PROMPT_SYNTAX, text);
        }
    }

    private static Unreadable unreadable(String name, String text) {
        return new Unreadable(name + " must be " + kindOf(name) + ", got '" + text + "'");
    }
}
