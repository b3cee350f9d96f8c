package dev.imagine.bot.cli;

import dev.imagine.bot.config.ConfigLoader;
import dev.imagine.bot.config.ImagineConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code imagine config check [FILE]}: validates a configuration file without starting anything. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with config.yaml.",
        subcommands = ConfigCommand.Check.class)
public final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a configuration file and print every setting it results in (defaults marked).")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "FILE", defaultValue = "config.yaml",
                description = "The file to check (default: ${DEFAULT-VALUE}).")
        Path file;

        @Override
        public Integer call() {
            ImagineConfig config = ConfigLoader.load(file);
            spec.commandLine().getOut().print(config.describe());
            spec.commandLine().getOut().flush();
            spec.commandLine().getErr().println(file + " is valid.");
            return 0;
        }
    }
}
