package dev.imagine.bot;

import dev.imagine.bot.cli.DownloadProgressBar;
import dev.imagine.bot.config.ImagineConfig;
import dev.imagine.bot.web.WebServer;
import dev.imagine.bot.web.WebSettings;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code imagine.jar worker}: a process that only draws. It takes jobs from the queue in Redis (queue.backend: redis),
 * with the same model and config.yaml as the bot, and serves {@code /healthz} and {@code /metrics} on web.host and
 * web.port (unless web.enabled is false); no chat adapters, no playground. Run as many as there are machines.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run only a worker: draw the pictures of the shared queue (queue.backend: redis), with /healthz"
                + " and /metrics on web.host:web.port; no chat adapters, no playground. Use the bot's --config.")
final class WorkerCommand implements Callable<Integer> {

    @CommandLine.ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        ImagineConfig config = Main.loadConfig(main.configFile);
        if (!config.redisBackend()) {
            throw new StartupException("a worker takes its jobs from a queue shared through Redis: set queue.backend:"
                    + " redis and redis.url (or REDIS_URL) in the config, as the bot has them");
        }
        Map<String, String> environment = System.getenv();
        Application application = Application.start(config, main.model, environment,
                () -> DownloadProgressBar.forStderr(err), true);
        // From here a stop signal is a request Imagine carries out itself; before, nothing runs that could be lost.
        StopSignals signals = StopSignals.install();
        return Main.serve(application, () -> {
            if (config.webEnabled()) {
                err.println(application.openOperations(() -> WebServer.operationsOnly(
                        new WebSettings(config.webHost(), config.webPort(), environment.get("IMAGINE_API_KEY")),
                        application.jobs(), application::health, application.metricsPage())).readyLine());
            }
        }, signals, err, "Imagine is ready. Stop it with Ctrl-C.");
    }
}
