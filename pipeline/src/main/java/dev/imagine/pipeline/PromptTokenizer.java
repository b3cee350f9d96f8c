package dev.imagine.pipeline;

import dev.imagine.pipeline.model.ModelFolder;
import dev.imagine.pipeline.prompt.PromptReader;
import dev.imagine.pipeline.tokenizer.ClipTokenizer;
import java.nio.file.Path;

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

    /** Content tokens a prompt may have before it is cut (77 - BOS - EOS for CLIP). */
    public int maxContentTokens() {
        return tokenizer.maxLength() - 2;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
