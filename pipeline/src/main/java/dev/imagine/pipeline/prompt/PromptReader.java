package dev.imagine.pipeline.prompt;

import dev.imagine.pipeline.PromptChunk;
import dev.imagine.pipeline.PromptSyntax;
import dev.imagine.pipeline.TokenizedPrompt;
import dev.imagine.pipeline.tokenizer.ClipTokenizer;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a prompt in a {@link PromptSyntax} into the chunks the text encoder sees, with the model's tokenizer. */
public final class PromptReader {
    private static final Logger LOG = LoggerFactory.getLogger(PromptReader.class);

    private final ClipTokenizer tokenizer;
    private final PromptChunker.Layout layout;

    /** Reads with {@code tokenizer}, which the caller keeps owning. */
    public PromptReader(ClipTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.layout = new PromptChunker.Layout(tokenizer.bosId(), tokenizer.eosId(), tokenizer.padId(),
                tokenizer.commaId(), tokenizer.maxLength() - 2);
    }

    public TokenizedPrompt read(String prompt, PromptSyntax syntax) {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(syntax, "syntax");
        if (syntax == PromptSyntax.PLAIN) {
            return tokenizer.encode(prompt);
        }
        List<PromptPart> parts = A1111PromptParser.parse(prompt);
        PromptChunker.Result result = PromptChunker.chunk(parts, tokenizer::contentIds, layout);
        List<PromptChunk> chunks = result.chunks();
        if (chunks.size() > 1) {
            LOG.debug("prompt of {} tokens read in {} chunks", result.contentTokens(), chunks.size());
        }
        return new TokenizedPrompt(PromptSyntax.A1111, chunks, result.contentTokens(), result.contentTokens());
    }
}
