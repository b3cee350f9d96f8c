package dev.imagine.bot;

import dev.imagine.bot.cli.BenchCommand;
import dev.imagine.bot.cli.ConfigCommand;
import dev.imagine.bot.cli.DownloadProgressBar;
import dev.imagine.bot.cli.GenerateCommand;
import dev.imagine.bot.cli.ModelsCommand;
import dev.imagine.bot.cli.TokensCommand;
import dev.imagine.bot.config.ConfigLoader;
import dev.imagine.bot.config.ImagineConfig;
import dev.imagine.bot.job.Adapter;
import dev.imagine.bot.job.Durations;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line of {@code imagine.jar}. Without a subcommand it starts Imagine: the model (downloaded on first
 * run), the job service, the local playground, and Discord and Telegram when their tokens are set.
 */
@Command(name = "imagine", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Imagine: pictures from a prompt on an ordinary CPU (LCM Stable Diffusion 1.5 on ONNX Runtime)."
                + " Without a command it starts the bot and the local playground.",
        subcommands = {WorkerCommand.class, GenerateCommand.class, TokensCommand.class, ModelsCommand.class,
                ConfigCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: config.yaml in the current folder when there is one, else the"
                    + " built-in defaults; every key is documented in the repository's config.yaml).")
    Path configFile;

    @Option(names = "--model", paramLabel = "DIR",
            description = "A model folder to use instead of the configured (downloaded) model.")
    Path model;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(new UserFacingErrors())
                .execute(args);
    }

    /**
     * Starts Imagine and keeps it running until SIGTERM, Ctrl-C or SIGHUP, which stop it gracefully before the JVM
     * exits (see {@link StopSignals} for why the order matters); a graceful stop returns 0.
     */
    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        ImagineConfig config = loadConfig(err);
        Map<String, String> environment = System.getenv();
        Application application = Application.start(config, model, environment,
                () -> DownloadProgressBar.forStderr(err));
        return runUntilStopped(application, config, err, () -> {
            for (Supplier<Adapter> adapter : Adapters.configured(application, environment)) {
                err.println(application.open(adapter).readyLine());
            }
        });
    }

    /**
     * Opens what {@code opening} opens, starts the worker, and keeps Imagine running until SIGTERM, Ctrl-C or SIGHUP,
     * which stop it gracefully (a second signal stops the running picture after its current step); returns 0.
     */
    static int runUntilStopped(Application application, ImagineConfig config, PrintWriter err, Runnable opening)
            throws InterruptedException {
        // From here a stop signal is a request Imagine carries out itself; before, nothing runs that could be lost.
        StopSignals signals = StopSignals.install();
        try {
            opening.run();
            application.startWorking();
        } catch (RuntimeException e) {
            application.close();
            throw e;
        }
        // Only for an exit that does not come through a signal handled above (System.exit elsewhere, -Xrs).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!application.closing()) {
                LOG.warn("the JVM is exiting without a stop signal; stopping Imagine now (the running picture may be"
                        + " kept for the next start instead of finishing)");
            }
            application.close();
        }, "imagine-shutdown"));
        signals.onRepeat(() -> {
            LOG.info("asked again to stop: the running picture stops after its current step and is kept for the next"
                    + " start");
            application.stopRunningJobNow();
        });
        err.println("Imagine is ready. Stop it with Ctrl-C.");
        err.flush();
        String signal = signals.awaitRequest();
        LOG.info("{}: stopping; the running picture may finish within {} (a second Ctrl-C stops it now and keeps it),"
                + " waiting ones are kept for the next start", signal, Durations.words(config.shutdownGrace()));
        application.close();
        return 0;
    }

    ImagineConfig loadConfig(PrintWriter err) {
        if (configFile != null) {
            return ConfigLoader.load(configFile);
        }
        Path local = Path.of("config.yaml");
        if (Files.isRegularFile(local)) {
            LOG.info("using {}", local.toAbsolutePath());
            return ConfigLoader.load(local);
        }
        return ConfigLoader.defaults();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"imagine " + (version == null ? "dev" : version)};
        }
    }
}
