package dev.imagine.bot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.PromptSyntax;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    static final Path ROOT_CONFIG = Path.of("../config.yaml").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void rootConfigYaml_documentsEveryKey_withItsDefaultValue() throws Exception {
        ImagineConfig fromFile = ConfigLoader.load(ROOT_CONFIG);
        ImagineConfig defaults = ConfigLoader.defaults();

        assertThat(fromFile.values()).isEqualTo(defaults.values());
        String text = Files.readString(ROOT_CONFIG);
        for (ConfigKey key : ConfigSchema.KEYS) {
            String leaf = key.path().substring(key.path().lastIndexOf('.') + 1);
            assertThat(text).as("config.yaml shows %s", key.path()).containsPattern("(?m)^\\s+" + leaf + ":");
        }
    }

    @Test
    void defaults_areTheDocumentedOnes() {
        ImagineConfig config = ConfigLoader.defaults();

        assertThat(config.limits()).isEqualTo(Limits.DEFAULTS);
        assertThat(config.defaults().size()).isEqualTo(ImageSize.SQUARE_512);
        assertThat(config.defaults().decoder()).isEqualTo(Decoder.FULL);
        assertThat(config.defaults().promptSyntax()).isEqualTo(PromptSyntax.A1111);
        assertThat(config.queueSettings().perUserLimit()).isEqualTo(3);
        assertThat(config.queueSettings().totalLimit()).isEqualTo(50);
        assertThat(config.queueSettings().usageHalfLife()).isEqualTo(Duration.ofHours(1));
        assertThat(config.queueSettings().preemption()).isEqualTo(dev.imagine.bot.queue.Preemption.DEFAULTS);
        assertThat(config.jobTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.webHost()).isEqualTo("127.0.0.1");
        assertThat(config.webPort()).isEqualTo(8080);
        assertThat(config.discordRestUrl()).isEqualTo(URI.create("https://discord.com/api/v10/"));
        assertThat(config.modelFolder()).isEmpty();
        assertThat(config.precision()).isEqualTo(dev.imagine.pipeline.Precision.FP32);
    }

    @Test
    void defaultsPromptSyntax_plain_isRead_inAnyCase() {
        assertThat(ConfigLoader.parse("defaults:\n  prompt-syntax: plain\n", "c.yaml").defaults().promptSyntax())
                .isEqualTo(PromptSyntax.PLAIN);
        assertThat(ConfigLoader.parse("defaults:\n  prompt-syntax: A1111\n", "c.yaml").defaults().promptSyntax())
                .isEqualTo(PromptSyntax.A1111);
    }

    @Test
    void defaultsPromptSyntax_unknown_namesTheLineAndTheChoices() {
        assertThatThrownBy(() -> ConfigLoader.parse("defaults:\n  prompt-syntax: compel\n", "c.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("c.yaml line 2: 'defaults.prompt-syntax': expected one of a1111, plain, got 'compel'");
    }

    @Test
    void everyKind_isRead() {
        ImagineConfig config = ConfigLoader.parse("""
                model:
                  threads: 2
                  precision: INT8
                defaults:
                  size: 768x512
                  guidance: 7
                  decoder: FAST
                queue:
                  usage-half-life: 1h30m
                discord:
                  test-guilds: ["123", 456]
                web:
                  enabled: false
                """, "test.yaml");

        assertThat(config.threads()).isEqualTo(2);
        assertThat(config.precision()).isEqualTo(dev.imagine.pipeline.Precision.INT8);
        assertThat(config.defaults().size()).isEqualTo(new ImageSize(768, 512));
        assertThat(config.defaults().guidance()).isEqualTo(7f);
        assertThat(config.defaults().decoder()).isEqualTo(Decoder.FAST);
        assertThat(config.queueSettings().usageHalfLife()).isEqualTo(Duration.ofMinutes(90));
        assertThat(config.discordTestGuilds()).containsExactly("123", "456");
        assertThat(config.webEnabled()).isFalse();
    }

    @Test
    void unknownKey_namesTheLineAndSuggestsTheClosestKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("queue:\n  per-user-limt: 2\n", "config.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.yaml line 2: 'queue.per-user-limt' is not a known key (did you mean "
                        + "'queue.per-user-limit'?). Known keys are listed in config.yaml at the root of the repository.");
    }

    @Test
    void wrongType_namesTheKeyTheLineAndWhatIsAccepted() {
        assertThatThrownBy(() -> ConfigLoader.parse("limits:\n  max-steps: many\n", "config.yaml"))
                .hasMessage("config.yaml line 2: 'limits.max-steps': expected a whole number from 1 to 8, got 'many'");
    }

    @Test
    void outOfRange_namesTheRange() {
        assertThatThrownBy(() -> ConfigLoader.parse("\n\nweb:\n  port: 70000\n", "c.yaml"))
                .hasMessage("c.yaml line 4: 'web.port': expected a whole number from 0 to 65535, got '70000'");
        assertThatThrownBy(() -> ConfigLoader.parse("queue:\n  job-timeout: 2s\n", "c.yaml"))
                .hasMessageContaining("'queue.job-timeout': expected a duration such as 500ms, 30s, 10m, 1h or 1h30m,"
                        + " from 10s to 6h, got '2s'");
        assertThatThrownBy(() -> ConfigLoader.parse("defaults:\n  size: 500x500\n", "c.yaml"))
                .hasMessageContaining("multiples of 8 from 256 to 1024");
        assertThatThrownBy(() -> ConfigLoader.parse("defaults:\n  decoder: turbo\n", "c.yaml"))
                .hasMessageContaining("expected one of full, fast, got 'turbo'");
        assertThatThrownBy(() -> ConfigLoader.parse("model:\n  precision: fp16\n", "c.yaml"))
                .hasMessage("c.yaml line 2: 'model.precision': expected one of fp32, int8, got 'fp16'");
    }

    @Test
    void secretsInTheFile_areRefused_sayingWhichVariableToSet() {
        assertThatThrownBy(() -> ConfigLoader.parse("discord:\n  token: abc.def\n", "config.yaml"))
                .hasMessageContaining("'discord.token' is a secret and is read only from the environment: set DISCORD_TOKEN")
                .hasMessageNotContaining("abc.def");
    }

    @Test
    void aSectionGivenAValue_listsTheKeysItTakes() {
        assertThatThrownBy(() -> ConfigLoader.parse("web: 8080\n", "config.yaml"))
                .hasMessageContaining("'web' is a section: expected keys under it, such as enabled, host, port");
    }

    @Test
    void brokenYaml_namesTheLine() {
        assertThatThrownBy(() -> ConfigLoader.parse("web:\n  port: [1, 2\n", "config.yaml"))
                .hasMessageStartingWith("config.yaml line");
    }

    @Test
    void relativePaths_areResolvedAgainstTheConfigFilesFolder() throws Exception {
        Path file = dir.resolve("conf/imagine.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "data:\n  dir: ../state\n");

        ImagineConfig config = ConfigLoader.load(file);

        assertThat(config.dataDir(Map.of())).isEqualTo(dir.resolve("state"));
    }

    @Test
    void telegramApiUrl_isOverriddenByTheEnvironment() {
        ImagineConfig config = ConfigLoader.defaults();

        assertThat(config.telegramApiUrl(Map.of())).isEqualTo(URI.create("https://api.telegram.org"));
        assertThat(config.telegramApiUrl(Map.of("TELEGRAM_API_URL", "http://127.0.0.1:8081")))
                .isEqualTo(URI.create("http://127.0.0.1:8081"));
    }

    @Test
    void dataDir_defaultsUnderTheUsersDataFolder_neverTheWorkingDirectory() {
        ImagineConfig config = ConfigLoader.defaults();

        assertThat(config.dataDir(Map.of("XDG_DATA_HOME", "/srv/data"))).isEqualTo(Path.of("/srv/data/imagine"));
        assertThat(config.dataDir(Map.of())).isAbsolute();
        assertThat(config.dataDir(Map.of()).toString()).endsWith("/.local/share/imagine");
    }

    @Test
    void dataDir_withoutXdgDataHome_isUnderHomeFromTheEnvironment_asAShellReadsTilde() {
        // The JVM's user.home comes from the password database and ignores HOME; a user who sets HOME expects ~ there.
        ImagineConfig config = ConfigLoader.defaults();

        assertThat(config.dataDir(Map.of("HOME", "/home/someone")))
                .isEqualTo(Path.of("/home/someone/.local/share/imagine"));
    }
}
