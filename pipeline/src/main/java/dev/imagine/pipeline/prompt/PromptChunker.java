package dev.imagine.pipeline.prompt;

import dev.imagine.pipeline.PromptChunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Lays the tokens of a parsed prompt out in chunks the way AUTOMATIC1111's web UI does
 * ({@code FrozenCLIPEmbedderWithCustomWords.tokenize_line}):
 *
 * <ul>
 *   <li>each run of text is tokenized on its own, and every token gets the run's weight;</li>
 *   <li>a chunk holds {@code chunkLength} tokens (75 for CLIP); when it is full and the next token is not a comma,
 *       and the chunk's last comma is among its last 20 tokens, the tokens after that comma move to the next chunk,
 *       so a phrase is not torn in two;</li>
 *   <li>{@code BREAK} ends the chunk at once (even an empty one);</li>
 *   <li>each chunk is wrapped as the tokenizer wraps a prompt: BOS, the tokens, EOS, then the pad id up to
 *       {@code chunkLength + 2}; those positions weigh 1. An empty prompt is one chunk with no tokens.</li>
 * </ul>
 */
public final class PromptChunker {
    /** The web UI's default {@code comma_padding_backtrack}. */
    static final int COMMA_LOOKBACK = 20;

    /**
     * The tokenizer's special ids and the chunk size.
     *
     * @param comma the id of a lone comma ({@code ,</w>} in CLIP), or -1 when the vocabulary has none
     */
    public record Layout(int bos, int eos, int pad, int comma, int chunkLength) {
        public Layout {
            if (chunkLength < 1) {
                throw new IllegalArgumentException("a chunk holds at least one token, not " + chunkLength);
            }
        }
    }

    /** The chunks and how many tokens the prompt has in all (without BOS, EOS and padding). */
    public record Result(List<PromptChunk> chunks, int contentTokens) {
        public Result {
            chunks = List.copyOf(chunks);
        }
    }

    private final Layout layout;
    private final List<PromptChunk> chunks = new ArrayList<>();
    private int[] tokens;
    private float[] weights;
    private int size;
    private int lastComma = -1;
    private int contentTokens;

    private PromptChunker(Layout layout) {
        this.layout = layout;
        this.tokens = new int[layout.chunkLength()];
        this.weights = new float[layout.chunkLength()];
    }

    /** Tokenizes each text part with {@code contentIds} (no BOS, EOS or truncation) and lays the tokens out. */
    public static Result chunk(List<PromptPart> parts, Function<String, int[]> contentIds, Layout layout) {
        PromptChunker chunker = new PromptChunker(layout);
        for (PromptPart part : parts) {
            switch (part) {
                case PromptPart.Break ignored -> chunker.endChunk();
                case PromptPart.Text text -> {
                    float weight = (float) text.weight();
                    for (int id : contentIds.apply(text.text())) {
                        chunker.add(id, weight);
                    }
                }
            }
        }
        if (chunker.size > 0 || chunker.chunks.isEmpty()) {
            chunker.endChunk();
        }
        return new Result(chunker.chunks, chunker.contentTokens);
    }

    private void add(int id, float weight) {
        int full = layout.chunkLength();
        if (id == layout.comma()) {
            lastComma = size;
        } else if (size == full && lastComma >= 0 && full - lastComma <= COMMA_LOOKBACK) {
            int keep = lastComma + 1;
            int[] movedTokens = Arrays.copyOfRange(tokens, keep, size);
            float[] movedWeights = Arrays.copyOfRange(weights, keep, size);
            size = keep;
            endChunk();
            System.arraycopy(movedTokens, 0, tokens, 0, movedTokens.length);
            System.arraycopy(movedWeights, 0, weights, 0, movedWeights.length);
            size = movedTokens.length;
        }
        if (size == full) {
            endChunk();
        }
        tokens[size] = id;
        weights[size] = weight;
        size++;
        contentTokens++;
    }

    private void endChunk() {
        int length = layout.chunkLength() + 2;
        int[] ids = new int[length];
        float[] chunkWeights = new float[length];
        Arrays.fill(chunkWeights, 1f);
        ids[0] = layout.bos();
        System.arraycopy(tokens, 0, ids, 1, size);
        System.arraycopy(weights, 0, chunkWeights, 1, size);
        ids[size + 1] = layout.eos();
        Arrays.fill(ids, size + 2, length, layout.pad());
        chunks.add(new PromptChunk(ids, chunkWeights));
        size = 0;
        lastComma = -1;
    }
}
