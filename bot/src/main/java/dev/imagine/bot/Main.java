package dev.imagine.bot;

import dev.imagine.bot.cli.BenchCommand;
import dev.imagine.bot.cli.GenerateCommand;
import dev.imagine.bot.cli.ModelsCommand;
import dev.imagine.bot.cli.TokensCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line of {@code imagine.jar}; the one place where the application is wired together. */
@Command(name = "imagine", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Imagine: pictures from a prompt on an ordinary CPU (LCM Stable Diffusion 1.5 on ONNX Runtime).",
        subcommands = {GenerateCommand.class, TokensCommand.class, ModelsCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(new UserFacingErrors())
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"imagine " + (version == null ? "dev" : version)};
        }
    }
}
