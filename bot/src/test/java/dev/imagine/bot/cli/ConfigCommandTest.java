package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.Main;
import dev.imagine.bot.testing.StandardStreams;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final StandardStreams streams = new StandardStreams();

    @Test
    void check_theRepositorysConfig_isValid_andListsEveryKey() {
        int exit = Main.run("config", "check", "../config.yaml");

        assertThat(exit).isZero();
        assertThat(streams.out()).contains("queue.per-user-limit = 3  (default)")
                .contains("web.port = 8080  (default)");
        assertThat(streams.err()).contains("is valid");
    }

    @Test
    void check_aBadFile_exitsNonZero_namingLineKeyAndAcceptedValues() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "queue:\n  total-limit: 0\n");

        int exit = Main.run("config", "check", file.toString());

        assertThat(exit).isNotZero();
        assertThat(streams.err())
                .contains("error: " + file + " line 2: 'queue.total-limit': expected a whole number from 1 to 100000, got '0'");
    }
}
