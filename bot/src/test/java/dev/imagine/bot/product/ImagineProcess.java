package dev.imagine.bot.product;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar bot/target/imagine.jar ARGS} as a separate OS process, started in a {@link Sandbox}'s working folder
 * with its environment. Its stdout and stderr go to files under the sandbox's {@code logs/} (stderr is read line by
 * line on the way, to learn the playground's address). {@link #close()} kills it if it still runs, so a failing test
 * never leaves a child behind.
 */
final class ImagineProcess implements AutoCloseable {
    /** The bot's playground line, or a worker's line of its health and metrics server. */
    private static final Pattern PLAYGROUND =
            Pattern.compile("(?:Playground and API: (http://\\S+/)|Health and metrics: (http://[^/\\s]+/))");

    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final CompletableFuture<URI> playground = new CompletableFuture<>();
    private final CompletableFuture<Void> stderrDone = new CompletableFuture<>();

    private ImagineProcess(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        Thread pump = new Thread(this::pumpStderr, "stderr-of-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts {@code java -jar imagine.jar args} with the JVM that runs the tests.
     *
     * @param name names the output files ({@code logs/<name>.stdout}, {@code .stderr}); unique within a test
     */
    static ImagineProcess start(Sandbox sandbox, String name, Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(ProductTests.jar().toString());
        command.addAll(List.of(args));
        Path out = sandbox.logs.resolve(name + ".stdout");
        Path err = sandbox.logs.resolve(name + ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command).directory(sandbox.work.toFile())
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(environment);
        try {
            return new ImagineProcess(name, builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pumpStderr() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8));
             BufferedWriter file = Files.newBufferedWriter(stderr)) {
            String line;
            while ((line = in.readLine()) != null) {
                file.write(line);
                file.newLine();
                file.flush();
                Matcher m = PLAYGROUND.matcher(line);
                if (m.find()) {
                    playground.complete(URI.create(m.group(1) != null ? m.group(1) : m.group(2)));
                }
            }
        } catch (IOException e) {
            // The process was killed while we read; what was read is in the file.
        } finally {
            playground.completeExceptionally(new AssertionError(name + " ended without serving the playground;"
                    + " its stderr:\n" + tail()));
            stderrDone.complete(null);
        }
    }

    /** The playground's base URL as Imagine printed it at start-up. */
    URI awaitPlayground(Duration timeout) throws InterruptedException {
        try {
            return playground.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (AssertionError) e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError(name + " did not serve the playground within " + timeout + "; its stderr:\n"
                    + tail());
        }
    }

    /**
     * Waits until {@code GET /healthz} answers 200, asking again every 100 ms until the deadline; fails at once when
     * the process ends.
     */
    URI awaitHealthy(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI base = awaitPlayground(timeout);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        int lastStatus = -1;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it was healthy;"
                        + " its stderr:\n" + tail());
            }
            try {
                lastStatus = client.send(HttpRequest.newBuilder(base.resolve("/healthz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (lastStatus == 200) {
                    return base;
                }
            } catch (IOException e) {
                lastStatus = -1;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(name + " was not healthy within " + timeout + " (last /healthz: " + lastStatus
                + "); its stderr:\n" + tail());
    }

    /** The exit code, once the process has ended and its output is complete. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still ran after " + timeout + "; its stderr:\n" + tail());
        }
        try {
            stderrDone.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(name + ": its stderr never ended", e);
        }
        return process.exitValue();
    }

    /**
     * A graceful stop: SIGTERM, as {@code docker stop} and systemd send it. Sent through the {@link ProcessHandle}
     * because {@link Process#destroy()}, which sends the same signal, also closes our end of the child's stderr, so
     * everything the child logs while it stops would be lost.
     */
    void sigterm() {
        process.toHandle().destroy();
    }

    /** {@code kill -9}: the JVM gets no chance to do anything. */
    void kill() {
        process.toHandle().destroyForcibly();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    String stdout() {
        return read(stdout);
    }

    /** What the process wrote to stderr so far (its log and its messages). */
    String stderr() {
        return read(stderr);
    }

    private String tail() {
        String all = read(stderr);
        return all.length() <= 6000 ? all : "…" + all.substring(all.length() - 6000);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
