package dev.imagine.pipeline.prompt;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a prompt written in AUTOMATIC1111's attention syntax (its {@code modules/prompt_parser.py},
 * {@code parse_prompt_attention}) into runs of text with weights:
 *
 * <ul>
 *   <li>{@code (text)} multiplies the weight of text by 1.1, {@code [text]} divides it by 1.1,
 *       {@code (text:1.3)} multiplies it by 1.3 (spaces around the number are allowed); brackets nest and the
 *       factors multiply;</li>
 *   <li>{@code \(} {@code \)} {@code \[} {@code \]} {@code \\} are the literal characters; a backslash before
 *       anything else is dropped;</li>
 *   <li>a bracket that is never closed is closed at the end of the prompt (round ones first, in the order they were
 *       opened, then square ones); a closing bracket without an open one is text;</li>
 *   <li>the word {@code BREAK} (upper case, on its own) with the spaces around it ends the chunk;</li>
 *   <li>neighbouring runs with the same weight are joined, so {@code (a)(b)} reads as {@code ab} at 1.1.</li>
 * </ul>
 *
 * <p>Where this parser differs from the web UI, on input the web UI mishandles:
 * <ul>
 *   <li>{@code (text:1.2.3)}: the web UI fails (Python's {@code float("1.2.3")}); here a weight that is not a
 *       number is read as text, and its {@code )} closes the group with the usual 1.1.</li>
 *   <li>{@code BREAK} inside brackets: the web UI multiplies its internal BREAK marker by the bracket's factor,
 *       after which it no longer recognises it and encodes the word "break" with a negated weight; here BREAK always
 *       starts a new chunk.</li>
 * </ul>
 *
 * <p>Weights are computed in double in the same order as the web UI's, so equal weights (which decide which runs
 * are joined and so how the text is tokenized) are equal here too. Every input parses; none throws.
 */
public final class A1111PromptParser {
    static final double ROUND_FACTOR = 1.1;
    static final double SQUARE_FACTOR = 1 / 1.1;

    private A1111PromptParser() {
    }

    /** The runs of text and BREAKs of a prompt; at least one part ({@code ("", 1.0)} for an empty prompt). */
    public static List<PromptPart> parse(String prompt) {
        return new Scan(prompt).run();
    }

    /** Whether the text contains nothing this syntax reads specially, so that it parses to itself with weight 1. */
    public static boolean hasNoSyntax(String prompt) {
        List<PromptPart> parts = parse(prompt);
        return parts.size() == 1 && parts.get(0) instanceof PromptPart.Text text && text.weight() == 1.0
                && text.text().equals(prompt);
    }

    /** One pass over the text; the parts are mutable until the end, as bracket factors reach back over them. */
    private static final class Scan {
        private final String text;
        private final List<Entry> entries = new ArrayList<>();
        private final List<Integer> openRound = new ArrayList<>();
        private final List<Integer> openSquare = new ArrayList<>();

        Scan(String text) {
            this.text = text == null ? "" : text;
        }

        List<PromptPart> run() {
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                switch (c) {
                    case '\\' -> i = escape(i);
                    case '(' -> {
                        openRound.add(entries.size());
                        i++;
                    }
                    case '[' -> {
                        openSquare.add(entries.size());
                        i++;
                    }
                    case ')' -> {
                        if (openRound.isEmpty()) {
                            addText(")");
                        } else {
                            multiplyFrom(pop(openRound), ROUND_FACTOR);
                        }
                        i++;
                    }
                    case ']' -> {
                        if (openSquare.isEmpty()) {
                            addText("]");
                        } else {
                            multiplyFrom(pop(openSquare), SQUARE_FACTOR);
                        }
                        i++;
                    }
                    case ':' -> i = colon(i);
                    default -> i = plainRun(i);
                }
            }
            for (int start : openRound) {
                multiplyFrom(start, ROUND_FACTOR);
            }
            for (int start : openSquare) {
                multiplyFrom(start, SQUARE_FACTOR);
            }
            return merged();
        }

        /** {@code \(}, {@code \)}, {@code \[}, {@code \]}, {@code \\} are literal; a lone backslash is dropped. */
        private int escape(int i) {
            if (i + 1 < text.length() && "()[]\\".indexOf(text.charAt(i + 1)) >= 0) {
                addText(String.valueOf(text.charAt(i + 1)));
                return i + 2;
            }
            addText("");
            return i + 1;
        }

        /** {@code :1.3)} closes the innermost round bracket with that factor; any other colon is text. */
        private int colon(int i) {
            WeightSuffix weight = WeightSuffix.at(text, i);
            if (weight != null && !openRound.isEmpty() && weight.valid()) {
                multiplyFrom(pop(openRound), weight.value());
                return weight.end();
            }
            if (weight != null && openRound.isEmpty()) {
                // The web UI reads the whole ":1.3)" as text here; the parts below would join to the same.
                addText(text.substring(i, weight.end()));
                return weight.end();
            }
            addText(":");
            return i + 1;
        }

        /** A run without brackets, colons or backslashes; BREAK (with its surrounding spaces) splits it. */
        private int plainRun(int i) {
            int end = i;
            while (end < text.length() && "\\()[]:".indexOf(text.charAt(end)) < 0) {
                end++;
            }
            String run = text.substring(i, end);
            List<String> pieces = BreakWord.split(run);
            for (int p = 0; p < pieces.size(); p++) {
                if (p > 0) {
                    entries.add(Entry.breakMarker());
                }
                addText(pieces.get(p));
            }
            return end;
        }

        private void addText(String piece) {
            entries.add(new Entry(new StringBuilder(piece), 1.0, false));
        }

        private void multiplyFrom(int start, double factor) {
            for (int p = start; p < entries.size(); p++) {
                Entry entry = entries.get(p);
                if (!entry.isBreak) {
                    entry.weight *= factor;
                }
            }
        }

        private static int pop(List<Integer> stack) {
            return stack.remove(stack.size() - 1);
        }

        /** Joins neighbouring runs of equal weight, then drops empty runs (they produce no tokens). */
        private List<PromptPart> merged() {
            List<Entry> joined = new ArrayList<>();
            for (Entry entry : entries) {
                Entry last = joined.isEmpty() ? null : joined.get(joined.size() - 1);
                if (last != null && !last.isBreak && !entry.isBreak && last.weight == entry.weight) {
                    last.text.append(entry.text);
                } else {
                    joined.add(entry);
                }
            }
            List<PromptPart> parts = new ArrayList<>();
            for (Entry entry : joined) {
                if (entry.isBreak) {
                    parts.add(PromptPart.BREAK);
                } else if (!entry.text.isEmpty()) {
                    parts.add(new PromptPart.Text(entry.text.toString(), entry.weight));
                }
            }
            if (parts.isEmpty()) {
                parts.add(new PromptPart.Text("", 1.0));
            }
            return List.copyOf(parts);
        }
    }

    private static final class Entry {
        final StringBuilder text;
        double weight;
        final boolean isBreak;

        Entry(StringBuilder text, double weight, boolean isBreak) {
            this.text = text;
            this.weight = weight;
            this.isBreak = isBreak;
        }

        static Entry breakMarker() {
            return new Entry(new StringBuilder(), 1.0, true);
        }
    }
}
