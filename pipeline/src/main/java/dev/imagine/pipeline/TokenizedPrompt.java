package dev.imagine.pipeline;

import java.util.Arrays;

/**
 * A prompt as the text encoder sees it: exactly {@code ids.length} (77 for CLIP) token ids, BOS first, EOS after
 * the last kept token, padded with the model's pad token.
 *
 * @param ids            the ids fed to the text encoder
 * @param contentTokens  how many tokens the prompt produced before truncation (without BOS and EOS)
 * @param keptTokens     how many of them were kept (at most the model length minus 2)
 */
public record TokenizedPrompt(int[] ids, int contentTokens, int keptTokens) {

    public TokenizedPrompt {
        ids = ids.clone();
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    public int droppedTokens() {
        return contentTokens - keptTokens;
    }

    public boolean truncated() {
        return droppedTokens() > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedPrompt other
                && Arrays.equals(ids, other.ids)
                && contentTokens == other.contentTokens
                && keptTokens == other.keptTokens;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + contentTokens * 7 + keptTokens;
    }

    @Override
    public String toString() {
        return "TokenizedPrompt[" + contentTokens + " tokens, " + droppedTokens() + " dropped, ids="
                + Arrays.toString(ids) + "]";
    }
}
