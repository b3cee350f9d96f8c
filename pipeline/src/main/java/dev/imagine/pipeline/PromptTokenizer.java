package dev.imagine.pipeline;

import dev.imagine.pipeline.model.ModelFolder;
import dev.imagine.pipeline.prompt.PromptReader;
import dev.imagine.pipeline.tokenizer.ClipTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The model's tokenizer alone, for tools that need token ids without loading the networks. */
public final class PromptTokenizer implements AutoCloseable {
    private final ClipTokenizer tokenizer;
    private final PromptReader reader;

    private PromptTokenizer(ClipTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.reader = new PromptReader(tokenizer);
    }

    /** Opens the {@code tokenizer/} folder of a model folder, or a tokenizer folder itself. */
    public static PromptTokenizer open(Path folder) {
        Path inModel = folder.resolve(ModelFolder.TOKENIZER);
        return new PromptTokenizer(ClipTokenizer.load(java.nio.file.Files.isDirectory(inModel) ? inModel : folder));
    }

    /** The prompt read as diffusers reads it ({@link PromptSyntax#PLAIN}): one chunk, cut after 75 tokens. */
    public TokenizedPrompt encode(String prompt) {
        return tokenizer.encode(prompt);
    }

    /** The prompt as the text encoder reads it in {@code syntax}: its chunks and the weight of each token. */
    public TokenizedPrompt encode(String prompt, PromptSyntax syntax) {
        return reader.read(prompt, syntax);
    }

    /**
     * The text of some ids (the byte-level BPE undone, word ends as spaces), to show how a prompt was read.
     * Special tokens are spelled out ({@code <|endoftext|>}).
     */
    public String decode(int[] ids) {
        return tokenizer.decode(ids);
    }

    /**
     * The prompt's own tokens in a chunk (without BOS, EOS and padding) as runs of equal weight, each with its
     * text, to show people how a prompt was read.
     */
    public List<WeightedText> runs(PromptChunk chunk) {
        int[] ids = chunk.ids();
        float[] weights = chunk.weights();
        int pad = tokenizer.padId();
        int eos = tokenizer.eosId();
        int end = ids.length; // exclusive end of the prompt's tokens: before the EOS and the padding
        if (pad == eos) {
            while (end > 1 && ids[end - 1] == eos) {
                end--;
            }
        } else {
            while (end > 1 && ids[end - 1] == pad) {
                end--;
            }
            if (end > 1 && ids[end - 1] == eos) {
                end--;
            }
        }
        List<WeightedText> runs = new ArrayList<>();
        int start = 1;
        for (int i = 1; i <= end; i++) {
            if (i == end || weights[i] != weights[start]) {
                if (i > start) {
                    runs.add(new WeightedText(tokenizer.decode(Arrays.copyOfRange(ids, start, i)).strip(),
                            weights[start], i - start));
                }
                start = i;
            }
        }
        return runs;
    }

    /** Text read with one weight: {@code tokens} tokens, shown as {@code text}. */
    public record WeightedText(String text, float weight, int tokens) {
    }

    /** Content tokens a prompt may have before it is cut (77 - BOS - EOS for CLIP). */
    public int maxContentTokens() {
        return tokenizer.maxLength() - 2;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
