package dev.imagine.bot.job;

import dev.imagine.pipeline.TokenizedPrompt;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * What the text encoder read of a job's prompt, so that a reply can tell the person ({@link ReplyTexts#reading}):
 * how many tokens the prompt has, how many of them were read and in how many chunks, and, when a plain prompt was
 * cut after 75 tokens, the words that were dropped.
 *
 * @param tokens   the prompt's tokens (without the start and end tokens)
 * @param read     how many of them the model read: all, except for a plain prompt over 75 tokens
 * @param chunks   how many chunks of up to 75 tokens they were read in (more than one for a long prompt or BREAK)
 * @param dropped  the words from the first one that was not (wholly) read, when the prompt was cut; else null
 */
public record PromptReading(int tokens, int read, int chunks, String dropped) {

    /** Whether the prompt was cut: some of its tokens were not read. */
    public boolean cut() {
        return read < tokens;
    }

    /** Whether it was read in more than one chunk. */
    public boolean chunked() {
        return chunks > 1;
    }

    /** Whether a reply should mention it: the prompt was cut or read in chunks. */
    public boolean worthSaying() {
        return cut() || chunked();
    }

    /**
     * How {@code prompt} was read into {@code read}; {@code tokensOf} counts the tokens of a piece of it in the same
     * syntax, to find the words a cut dropped.
     */
    static PromptReading of(String prompt, TokenizedPrompt read, ToIntFunction<String> tokensOf) {
        String dropped = read.truncated() ? droppedWords(prompt, read.keptTokens(), tokensOf) : null;
        return new PromptReading(read.contentTokens(), read.keptTokens(), read.chunks().size(), dropped);
    }

    /**
     * The prompt from the first word not wholly among the first {@code kept} tokens. CLIP's tokenizer never joins
     * two words separated by a space into one token, so the tokens of the text before a word are the first tokens of
     * the whole prompt, and their count grows word by word: a binary search over the word starts finds the word
     * (a handful of tokenizer calls, no network). The whole prompt when its first word was already cut.
     */
    static String droppedWords(String prompt, int kept, ToIntFunction<String> tokensOf) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 1; i < prompt.length(); i++) {
            if (Character.isWhitespace(prompt.charAt(i - 1)) && !Character.isWhitespace(prompt.charAt(i))) {
                starts.add(i);
            }
        }
        int low = -1;
        int high = starts.size() - 1;
        while (low < high) {
            int middle = (low + high + 1) / 2;
            if (tokensOf.applyAsInt(prompt.substring(0, starts.get(middle))) <= kept) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        return low < 0 ? prompt.strip() : prompt.substring(starts.get(low)).strip();
    }
}
