package dev.imagine.bot.cli;

import dev.imagine.pipeline.PromptChunk;
import dev.imagine.pipeline.PromptSyntax;
import dev.imagine.pipeline.PromptTokenizer;
import dev.imagine.pipeline.TokenizedPrompt;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code imagine tokens}: the token ids the text encoder will see, one JSON array per chunk, and on stderr how
 * many tokens the prompt has, whether it was cut or read in chunks, and what each chunk reads with which weights.
 */
@Command(name = "tokens", mixinStandardHelpOptions = true,
        description = {"Print the token ids of a prompt as a JSON array, one line per chunk of 77 the text encoder"
                + " reads; say on stderr how many tokens it used, whether it was cut or read in chunks, and (when it"
                + " was chunked or weighted) what each chunk reads with which weights."})
public final class TokensCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder (or its tokenizer/ folder).")
    Path model;

    @Option(names = "--prompt-syntax", defaultValue = "a1111", paramLabel = "a1111|plain",
            converter = PromptSyntaxConverter.class, description = PromptSyntaxConverter.DESCRIPTION)
    PromptSyntax promptSyntax;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "The prompt (several words are joined with spaces).")
    String[] text;

    @Override
    public Integer call() {
        String prompt = String.join(" ", text);
        PrintWriter err = spec.commandLine().getErr();
        try (PromptTokenizer tokenizer = PromptTokenizer.open(model)) {
            TokenizedPrompt tokens = tokenizer.encode(prompt, promptSyntax);
            for (PromptChunk chunk : tokens.chunks()) {
                spec.commandLine().getOut().println(Arrays.stream(chunk.ids()).mapToObj(Integer::toString)
                        .collect(Collectors.joining(",", "[", "]")));
            }
            if (tokens.truncated()) {
                err.printf("%d tokens; cut: %d dropped (at most %d are read; --prompt-syntax a1111 reads them all)%n",
                        tokens.contentTokens(), tokens.droppedTokens(), tokenizer.maxContentTokens());
            } else if (tokens.chunked()) {
                err.printf("%d tokens in %d chunks of up to %d; not cut%n", tokens.contentTokens(),
                        tokens.chunks().size(), tokenizer.maxContentTokens());
            } else {
                err.printf("%d of %d tokens used; not cut%n", tokens.contentTokens(), tokenizer.maxContentTokens());
            }
            if (tokens.chunked() || tokens.weighted()) {
                List<PromptChunk> chunks = tokens.chunks();
                for (int i = 0; i < chunks.size(); i++) {
                    List<PromptTokenizer.WeightedText> runs = tokenizer.runs(chunks.get(i));
                    int count = runs.stream().mapToInt(PromptTokenizer.WeightedText::tokens).sum();
                    err.printf("chunk %d (%d token%s): %s%n", i + 1, count, count == 1 ? "" : "s", runs.stream()
                            .map(TokensCommand::show).collect(Collectors.joining(" ")));
                }
            }
        }
        return 0;
    }

    /** A run as the web UI would write it: {@code (text:1.3)} when it is weighted. */
    private static String show(PromptTokenizer.WeightedText run) {
        if (run.weight() == 1f) {
            return run.text();
        }
        String weight = new BigDecimal(Float.toString(run.weight())).setScale(4, RoundingMode.HALF_EVEN)
                .stripTrailingZeros().toPlainString();
        return "(" + run.text() + ":" + weight + ")";
    }
}
