package dev.imagine.bot;

import dev.imagine.bot.cli.DownloadProgressBar;
import dev.imagine.bot.config.ImagineConfig;
import dev.imagine.bot.job.Adapter;
import dev.imagine.bot.mcp.McpAdapter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imagine.jar mcp}: Imagine as an MCP server on stdin and stdout, for an AI assistant that starts it as a local
 * process. The model and the job store are the default start's; no playground and no chat bots are started. Stdout
 * carries the protocol alone: anything else printed there would break the client, so {@code System.out} is pointed
 * at stderr, where the log goes. It stops when the assistant closes stdin (its waiting pictures are cancelled) or
 * sends SIGTERM.
 */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = "Runs Imagine as an MCP server on stdin and stdout, for an AI assistant that starts it as a"
                + " local process (the tools imagine, same_seed, reroll, queue and info). Logs go to stderr. It stops"
                + " when the assistant closes stdin. (A running Imagine serves MCP over HTTP at /mcp instead.)")
final class McpCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: config.yaml in the current folder when there is one, else the"
                    + " built-in defaults).")
    Path configFile;

    @Option(names = "--model", paramLabel = "DIR",
            description = "A model folder to use instead of the configured (downloaded) model.")
    Path model;

    @Override
    public Integer call() throws InterruptedException {
        OutputStream protocol = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        PrintWriter err = spec.commandLine().getErr();
        ImagineConfig config = Main.loadConfig(configFile);
        Application application = Application.start(config, model, System.getenv(),
                () -> DownloadProgressBar.forStderr(err));
        StopSignals signals = StopSignals.install();
        Supplier<Adapter> mcp = () -> McpAdapter.overStdio(application.jobs(), System.in, protocol,
                () -> signals.request("the MCP client closed stdin"));
        return Main.serve(application, List.of(mcp), signals, err, "Imagine is ready for its MCP client.");
    }
}
