package dev.imagine.bot.command;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Applies defaults to an {@link Command.Imagine} and checks it against the limits. A refusal lists every problem
 * at once, each with the limit and what to change, so one correction is enough.
 */
public final class RequestValidator {
    private final LongSupplier randomSeeds;

    public RequestValidator(LongSupplier randomSeeds) {
        this.randomSeeds = randomSeeds;
    }

    public sealed interface Outcome {
    }

    public record Valid(JobParameters parameters) implements Outcome {
    }

    public record Refused(String message) implements Outcome {
    }

    /** A new seed for a re-roll, in the range torch's generator distinguishes (it uses the low 32 bits). */
    public long randomSeed() {
        return RequestRules.seedFrom(randomSeeds.getAsLong());
    }

    public Outcome validate(Command.Imagine command, Defaults defaults, Limits limits) {
        List<String> problems = new ArrayList<>();
        String prompt = command.prompt() == null ? "" : normalizeLineBreaks(command.prompt()).strip();
        int length = prompt.codePointCount(0, prompt.length());
        String unwritable = unwritable(prompt);
        if (prompt.isEmpty()) {
            problems.add("the prompt is empty: describe the picture you want, e.g. /imagine a lighthouse at dusk");
        } else if (length > limits.maxPromptLength()) {
            problems.add("the prompt is " + length + " characters long; the limit is "
                    + limits.maxPromptLength());
        } else if (unwritable != null) {
            problems.add("the prompt contains " + unwritable + ", which cannot be written into the picture's"
                    + " description: remove it");
        }
        int steps = command.steps() != null ? command.steps() : Math.min(defaults.steps(), limits.maxSteps());
        if (steps < RequestRules.MIN_STEPS || steps > limits.maxSteps()) {
            problems.add("steps " + steps + " is outside " + RequestRules.MIN_STEPS + " to " + limits.maxSteps()
                    + ": pick a value in that range (4 is the usual choice)");
        }
        ImageSize size = command.size() != null ? command.size() : defaults.size();
        checkSide("width", size.width(), limits, problems);
        checkSide("height", size.height(), limits, problems);
        float guidance = command.guidance() != null ? command.guidance() : defaults.guidance();
        if (!(guidance >= RequestRules.MIN_GUIDANCE && guidance <= RequestRules.MAX_GUIDANCE)) {
            problems.add("guidance " + guidance + " is outside " + RequestRules.MIN_GUIDANCE + " to "
                    + RequestRules.MAX_GUIDANCE + " (8 is the usual choice)");
        }
        int count = command.count() != null ? command.count() : Math.min(defaults.count(), limits.maxCount());
        if (count < RequestRules.MIN_COUNT || count > limits.maxCount()) {
            problems.add("count " + count + " is outside " + RequestRules.MIN_COUNT + " to " + limits.maxCount());
        }
        long seed = command.seed() != null ? command.seed() : randomSeed();
        if (!RequestRules.seedInRange(seed)) {
            problems.add("seed " + seed + " is outside " + RequestRules.MIN_SEED + " to " + RequestRules.MAX_SEED);
        }
        Decoder decoder = command.decoder() != null ? command.decoder() : defaults.decoder();
        if (!problems.isEmpty()) {
            return new Refused("I can't draw that yet: " + String.join("; ", problems) + ".");
        }
        PromptSyntax syntax = command.promptSyntax() != null ? command.promptSyntax() : defaults.promptSyntax();
        return new Valid(new JobParameters(prompt, seed, steps, size, guidance, count, decoder, syntax)
                .withPrecision(command.precision()));
    }

    /** Line breaks as a single LF (what a PNG text chunk allows), tabs as spaces. */
    private static String normalizeLineBreaks(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n').replace('\t', ' ');
    }

    /**
     * The first character a PNG text chunk must not carry (NUL and the other control characters but the line
     * break, and halves of a surrogate pair), named for the person; null when there is none.
     */
    private static String unwritable(String prompt) {
        for (int i = 0; i < prompt.length(); ) {
            int c = prompt.codePointAt(i);
            boolean control = Character.isISOControl(c) && c != '\n';
            boolean halfPair = c <= 0xFFFF && Character.isSurrogate((char) c);
            if (control || halfPair) {
                return String.format("%s U+%04X at position %d", control ? "the control character"
                        : "half of a character (an unpaired surrogate)", c, prompt.codePointCount(0, i) + 1);
            }
            i += Character.charCount(c);
        }
        return null;
    }

    private static void checkSide(String name, int value, Limits limits, List<String> problems) {
        if (!RequestRules.sideAllowed(value, limits.maxSide())) {
            problems.add(name + " " + value + " must be a multiple of " + RequestRules.SIDE_STEP + " from "
                    + RequestRules.MIN_SIDE + " to "
                    + limits.maxSide());
        }
    }
}
