package dev.imagine.bot.job;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Blocked words as a community's admins write them: a word or phrase matches as a whole word in any case
 * ({@code cat} blocks "Cat" but not "category"), and {@code *} stands for any letters ({@code gor*} blocks "gore"
 * and "gory"). Rules are not regular expressions: at most two {@code *}, so matching stays cheap on any prompt.
 */
final class PromptRules {
    /** Longest blocked word or pattern, in characters. */
    static final int MAX_LENGTH = 64;
    /** Most blocked words one community may have. */
    static final int MAX_WORDS = 200;
    /** Most {@code *} in one rule. */
    static final int MAX_STARS = 2;
    private static final String LETTER = "[\\p{L}\\p{N}]";

    private PromptRules() {
    }

    /** Why {@code word} cannot be a rule, or empty when it can. */
    static Optional<String> problemWith(String word) {
        String w = word.strip();
        if (w.isEmpty() || w.replace("*", "").isBlank()) {
            return Optional.of("a blocked word needs at least one letter");
        }
        if (w.length() > MAX_LENGTH) {
            return Optional.of("a blocked word is at most " + MAX_LENGTH + " characters");
        }
        if (w.chars().filter(c -> c == '*').count() > MAX_STARS) {
            // Each * is a loop of the matcher; a few keep a rule cheap on any prompt.
            return Optional.of("a blocked word has at most " + MAX_STARS + " * ('" + w + "')");
        }
        return Optional.empty();
    }

    /** The first rule that {@code prompt} breaks, or empty. */
    static Optional<String> firstMatch(String prompt, List<String> words) {
        String text = prompt.toLowerCase(Locale.ROOT);
        for (String word : words) {
            if (pattern(word).matcher(text).find()) {
                return Optional.of(word);
            }
        }
        return Optional.empty();
    }

    static Pattern pattern(String word) {
        StringBuilder regex = new StringBuilder("(?<!" + LETTER + ")");
        String[] parts = word.strip().toLowerCase(Locale.ROOT).split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append(LETTER).append("*");
            }
            // Any run of spaces in a phrase matches any run of spaces in the prompt.
            String[] spaced = parts[i].split("\\s+", -1);
            for (int j = 0; j < spaced.length; j++) {
                if (j > 0) {
                    regex.append("\\s+");
                }
                regex.append(Pattern.quote(spaced[j]));
            }
        }
        regex.append("(?!" + LETTER + ")");
        return Pattern.compile(regex.toString(), Pattern.UNICODE_CASE | Pattern.CASE_INSENSITIVE);
    }
}
