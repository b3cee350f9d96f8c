package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @Test
    void check_theRepositorysConfig_isValid_andListsEveryKey() {
        int exit = Main.run("config", "check", "../config.yaml");

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("queue.per-user-limit = 3  (default)")
                .contains("web.port = 8080  (default)");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is valid");
    }

    @Test
    void check_aBadFile_exitsNonZero_namingLineKeyAndAcceptedValues() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "queue:\n  total-limit: 0\n");

        int exit = Main.run("config", "check", file.toString());

        assertThat(exit).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("error: " + file + " line 2: 'queue.total-limit': expected a whole number from 1 to 100000, got '0'");
    }
}
