package dev.imagine.pipeline;

import dev.imagine.pipeline.model.ModelFolder;
import dev.imagine.pipeline.tokenizer.ClipTokenizer;
import java.nio.file.Path;

/** The model's tokenizer alone, for tools that need token ids without loading the networks. */
public final class PromptTokenizer implements AutoCloseable {
    private final ClipTokenizer tokenizer;

    private PromptTokenizer(ClipTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Opens the {@code tokenizer/} folder of a model folder, or a tokenizer folder itself. */
    public static PromptTokenizer open(Path folder) {
        Path inModel = folder.resolve(ModelFolder.TOKENIZER);
        return new PromptTokenizer(ClipTokenizer.load(java.nio.file.Files.isDirectory(inModel) ? inModel : folder));
    }

    public TokenizedPrompt encode(String prompt) {
        return tokenizer.encode(prompt);
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
