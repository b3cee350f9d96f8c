package dev.imagine.pipeline;

import java.util.List;
import java.util.Objects;

/**
 * A prompt as the text encoder reads it: one or more {@link PromptChunk chunks} of exactly the encoder's length
 * (77 for CLIP), each encoded on its own; their hidden states, weighted, are concatenated along the sequence.
 * {@link PromptSyntax#PLAIN} always gives one chunk, cut after 75 tokens as diffusers cuts;
 * {@link PromptSyntax#A1111} gives as many chunks as the prompt needs and never drops a token.
 *
 * @param syntax         how the text was read
 * @param chunks         at least one
 * @param contentTokens  how many tokens the prompt produced before any cut (without BOS, EOS and padding)
 * @param keptTokens     how many of them the encoder reads (all of them, except for a plain prompt over 75 tokens)
 */
public record TokenizedPrompt(PromptSyntax syntax, List<PromptChunk> chunks, int contentTokens, int keptTokens) {

    /**
     * The most chunks a generation reads (770 positions): more than a 1000-character prompt gives without BREAKs,
     * and a bound on what one prompt can cost (each chunk is one more text-encoder run and 77 more positions in
     * every cross-attention of every step). {@link ImageGenerator#begin} refuses a prompt with more.
     */
    public static final int MAX_CHUNKS = 10;

    public TokenizedPrompt {
        Objects.requireNonNull(syntax, "syntax");
        chunks = List.copyOf(chunks);
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("a prompt has at least one chunk");
        }
    }

    /** A plain prompt: one chunk of {@code ids}, every position weighing 1. */
    public TokenizedPrompt(int[] ids, int contentTokens, int keptTokens) {
        this(PromptSyntax.PLAIN, List.of(PromptChunk.unweighted(ids)), contentTokens, keptTokens);
    }

    /** The ids fed to the text encoder, chunk after chunk (77 per chunk for CLIP). */
    public int[] ids() {
        int[] all = new int[sequenceLength()];
        int at = 0;
        for (PromptChunk chunk : chunks) {
            int[] ids = chunk.ids();
            System.arraycopy(ids, 0, all, at, ids.length);
            at += ids.length;
        }
        return all;
    }

    /** The length of the concatenated hidden states: 77 per chunk for CLIP. */
    public int sequenceLength() {
        int length = 0;
        for (PromptChunk chunk : chunks) {
            length += chunk.length();
        }
        return length;
    }

    public int droppedTokens() {
        return contentTokens - keptTokens;
    }

    public boolean truncated() {
        return droppedTokens() > 0;
    }

    /** Whether the prompt was read in more than one chunk (it was long, or said BREAK). */
    public boolean chunked() {
        return chunks.size() > 1;
    }

    /** Whether the prompt has more chunks than a generation reads ({@link #MAX_CHUNKS}). */
    public boolean overChunkLimit() {
        return chunks.size() > MAX_CHUNKS;
    }

    /** Whether some token weighs other than 1. */
    public boolean weighted() {
        return chunks.stream().anyMatch(PromptChunk::weighted);
    }

    @Override
    public String toString() {
        return "TokenizedPrompt[" + syntax.label() + ", " + contentTokens + " tokens, " + chunks.size() + " chunks, "
                + droppedTokens() + " dropped, chunks=" + chunks + "]";
    }
}
