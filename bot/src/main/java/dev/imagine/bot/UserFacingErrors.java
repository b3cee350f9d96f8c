package dev.imagine.bot;

import dev.imagine.bot.cli.PullCommand;
import dev.imagine.pipeline.PipelineException;
import picocli.CommandLine;

/**
 * Turns failures into one clear line on stderr and a non-zero exit code. Expected failures (bad input, a broken
 * model folder) print only their message; anything else also prints its stack trace, because it is a bug.
 */
final class UserFacingErrors implements CommandLine.IExecutionExceptionHandler {
    static final int FAILED = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        if (e instanceof PipelineException || e instanceof java.io.IOException
                || e instanceof IllegalArgumentException || e instanceof dev.imagine.bot.config.ConfigException
                || e instanceof StartupException) {
            commandLine.getErr().println("error: "
                    + (e instanceof PipelineException failure ? PullCommand.explain(failure) : e.getMessage()));
        } else {
            commandLine.getErr().println("error: unexpected failure: " + e);
            e.printStackTrace(commandLine.getErr());
        }
        return FAILED;
    }
}
