package dev.imagine.bot.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real redis-server (Debian's package) for tests: a free loopback port, a temporary folder of its own, the AOF on
 * with an fsync every second, no RDB snapshots, never evicting (as README's operations section runs it). Not the
 * system service. When redis-server is missing the test fails and says how to install it: nothing is skipped
 * silently (CI installs it, see .ci/run).
 */
public final class RedisServer implements AutoCloseable {
    private final String binary;
    private final Path dir;
    private final int port;
    private final List<String> extra;
    private Process process;

    private RedisServer(String binary, Path dir, int port, List<String> extra) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
        this.extra = extra;
    }

    /** @param extraArguments more of redis-server's own arguments, such as {@code --requirepass}, {@code secret} */
    public static RedisServer start(String... extraArguments) {
        String binary = find();
        try {
            RedisServer server = new RedisServer(binary, Files.createTempDirectory("imagine-redis-"), freePort(),
                    List.of(extraArguments));
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String find() {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String folder : path.split(":")) {
            if (!folder.isBlank() && Files.isExecutable(Path.of(folder, "redis-server"))) {
                return Path.of(folder, "redis-server").toString();
            }
        }
        throw new IllegalStateException("redis-server is not installed, and the Redis tests need a real one:"
                + " run 'sudo apt-get install -y redis-server' (bash .ci/run does it on a clean machine)");
    }

    public RedisUrl url() {
        return RedisUrl.parse("redis://127.0.0.1:" + port, "the test server");
    }

    public int port() {
        return port;
    }

    /** SIGKILL: no shutdown, no final fsync. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts again on the same port and folder (it loads its AOF). */
    public void restart() {
        launch();
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(binary,
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--daemonize", "no", "--save", "", "--appendonly", "yes", "--appendfsync", "everysec",
                "--maxmemory-policy", "noeviction", "--logfile", dir.resolve("redis.log").toString()));
        command.addAll(extra);
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + log());
            }
            if (answersPing()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("redis-server did not answer within 20 s: " + log());
    }

    /** PING answers LOADING until the server has read its data (and NOAUTH when it wants a password: up too). */
    private boolean answersPing() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[64];
            int n = s.getInputStream().read(buf);
            String answer = n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII) : "";
            return answer.startsWith("+PONG") || answer.startsWith("-NOAUTH");
        } catch (IOException e) {
            return false;
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
