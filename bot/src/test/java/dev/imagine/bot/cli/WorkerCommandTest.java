package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.Main;
import dev.imagine.bot.testing.StandardStreams;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code imagine.jar worker}: a worker alone needs the shared queue, and says so before loading anything. */
class WorkerCommandTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final StandardStreams streams = new StandardStreams();

    @Test
    void aWorkerWithTheEmbeddedQueue_exitsNonZero_sayingWhatToSet() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "queue:\n  backend: embedded\n");

        int exit = Main.run("--config", file.toString(), "worker");

        assertThat(exit).isNotZero();
        assertThat(streams.err()).contains("error: a worker takes its jobs from a queue shared through Redis: set"
                + " queue.backend: redis and redis.url (or REDIS_URL) in the config, as the bot has them");
    }

    @Test
    void aWorkerWhoseRedisCannotBeReached_exitsNonZero_namingTheUrlWithoutItsPassword() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "queue:\n  backend: redis\nredis:\n  url: redis://:hunter2@127.0.0.1:1\n"
                + "model:\n  folder: " + dir.resolve("no-model") + "\n");

        int exit = Main.run("--config", file.toString(), "worker");

        assertThat(exit).isNotZero();
        assertThat(streams.err()).contains("error: cannot reach Redis at redis://:***@127.0.0.1:1")
                .doesNotContain("hunter2");
    }

    @Test
    void theHelp_listsTheWorkerCommand() {
        int exit = Main.run("--help");

        assertThat(exit).isZero();
        assertThat(streams.out()).contains("worker").contains("Run only a worker");
    }
}
