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
import java.util.List;
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
                ConfigCommand.class, BenchCommand.class, McpCommand.class, CommandLine.HelpCommand.class})
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
        ImagineConfig config = loadConfig(configFile);
        Map<String, String> environment = System.getenv();
        Application application = Application.start(config, model, environment,
                () -> DownloadProgressBar.forStderr(err));
        // From here a stop signal is a request Imagine carries out itself; before, nothing runs that could be lost.
        StopSignals signals = StopSignals.install();
        return serve(application, Adapters.configured(application, environment), signals, err,
                "Imagine is ready. Stop it with Ctrl-C.");
    }

    /**
     * Opens the adapters, starts the worker, and keeps Imagine running until {@code signals} ask it to stop, which it
     * does gracefully (see {@link StopSignals} for why the order matters); returns 0, the exit code of a graceful
     * stop.
     */
    static int serve(Application application, List<Supplier<Adapter>> adapters, StopSignals signals, PrintWriter err,
                     String ready) throws InterruptedException {
        return serve(application, () -> {
            for (Supplier<Adapter> adapter : adapters) {
                err.println(application.open(adapter).readyLine());
            }
        }, signals, err, ready);
    }

    /**
     * As {@link #serve(Application, List, StopSignals, PrintWriter, String)}, with whatever {@code opening} opens
     * instead of adapters (a worker's {@code /healthz} and {@code /metrics}).
     */
    static int serve(Application application, Runnable opening, StopSignals signals, PrintWriter err, String ready)
            throws InterruptedException {
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
        err.println(ready);
        err.flush();
        String signal = signals.awaitRequest();
        LOG.info("{}: stopping; the running picture may finish within {} (a second Ctrl-C stops it now and keeps it),"
                + " waiting ones are kept for the next start", signal,
                Durations.words(application.config().shutdownGrace()));
        application.close();
        return 0;
    }

    /** The configuration: {@code file}, else config.yaml in the current folder when there is one, else the defaults. */
    static ImagineConfig loadConfig(Path file) {
        if (file != null) {
            return ConfigLoader.load(file);
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
