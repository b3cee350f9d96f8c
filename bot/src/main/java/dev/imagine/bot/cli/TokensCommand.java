package dev.imagine.bot.cli;

import dev.imagine.pipeline.PromptTokenizer;
import dev.imagine.pipeline.TokenizedPrompt;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code imagine tokens}: the token ids the text encoder will see, to check how a prompt is read or cut. */
@Command(name = "tokens", mixinStandardHelpOptions = true,
        description = "Print the token ids of a prompt as a JSON array; say on stderr how many tokens it used and whether it was cut.")
public final class TokensCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder (or its tokenizer/ folder).")
    Path model;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "The prompt (several words are joined with spaces).")
    String[] text;

    @Override
    public Integer call() {
        String prompt = String.join(" ", text);
        try (PromptTokenizer tokenizer = PromptTokenizer.open(model)) {
            TokenizedPrompt tokens = tokenizer.encode(prompt);
            spec.commandLine().getOut().println(Arrays.stream(tokens.ids()).mapToObj(Integer::toString)
                    .collect(Collectors.joining(",", "[", "]")));
            if (tokens.truncated()) {
                spec.commandLine().getErr().printf("%d tokens; cut: %d dropped (at most %d are read)%n",
                        tokens.contentTokens(), tokens.droppedTokens(), tokenizer.maxContentTokens());
            } else {
                spec.commandLine().getErr().printf("%d of %d tokens used; not cut%n",
                        tokens.contentTokens(), tokenizer.maxContentTokens());
            }
        }
        return 0;
    }
}
