package dev.imagine.bot.product;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One product test's own machine, as far as Imagine can tell: an empty home folder ({@code HOME}, with no XDG
 * variables, so every default folder lands inside it), a working folder to start Imagine in (where it looks for
 * {@code config.yaml} and where a crashing JVM would leave {@code hs_err_pid*.log}), and the children's output. It
 * lives under {@code bot/target/product-tests/<test>/} and is kept after the test for diagnosis; the next run of the
 * same test starts it afresh.
 */
final class Sandbox {
    /** Environment variables of the test's own JVM that must not reach Imagine: they would point it elsewhere. */
    private static final List<String> FOREIGN = List.of("HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME",
            "XDG_STATE_HOME", "HF_ENDPOINT", "HF_TOKEN", "HF_HUB_OFFLINE", "HF_HOME", "DISCORD_TOKEN",
            "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "IMAGINE_API_KEY", "IMAGINE_LOG_LEVEL", "JAVA_TOOL_OPTIONS",
            "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS");

    final Path root;
    final Path home;
    final Path work;
    final Path logs;

    private Sandbox(Path root) {
        this.root = root;
        this.home = root.resolve("home");
        this.work = root.resolve("work");
        this.logs = root.resolve("logs");
    }

    static Sandbox create(String name) {
        Path root = ProductTests.outputFolder().resolve(name);
        try {
            deleteRecursively(root);
            Sandbox sandbox = new Sandbox(root);
            Files.createDirectories(sandbox.home);
            Files.createDirectories(sandbox.work);
            Files.createDirectories(sandbox.logs);
            return sandbox;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the README says downloaded models live: {@code ~/.cache/imagine/models}. */
    Path modelCache() {
        return home.resolve(".cache/imagine/models");
    }

    /** Where the job store and the result cache live by default: {@code ~/.local/share/imagine}. */
    Path dataFolder() {
        return home.resolve(".local/share/imagine");
    }

    void writeConfig(String yaml) {
        try {
            Files.writeString(work.resolve("config.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The environment of a user whose home is this sandbox, the hub at {@code hubEndpoint}, plus {@code extra}. */
    Map<String, String> environment(String hubEndpoint, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(System.getenv());
        FOREIGN.forEach(env::remove);
        env.put("HOME", home.toString());
        env.put("HF_ENDPOINT", hubEndpoint);
        env.putAll(extra);
        return env;
    }

    /** Crash reports a JVM left in the working folder. */
    List<Path> crashReports() {
        try (Stream<Path> files = Files.list(work)) {
            return files.filter(f -> f.getFileName().toString().startsWith("hs_err_pid")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
