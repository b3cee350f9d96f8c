package dev.imagine.bot.config;

import static dev.imagine.testing.Generated.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.testing.FrontDoor;
import dev.imagine.testing.Generated;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * config.yaml, generated: {@value FrontDoor#TRIES} files per property, made of the documented keys with values in and
 * out of range, of the wrong kind or in YAML's odder spellings, unknown keys and secrets, broken YAML, and the shipped
 * file damaged. The loader gives a configuration whose every setting can be read, or a {@link ConfigException} that
 * names the file, and for a value the key and what it accepts; values read back the same when written out again.
 */
class ConfigFileFuzzTest {
    private static final String SOURCE = "fuzz.yaml";
    private static final String SHIPPED = shipped();

    private static String shipped() {
        try {
            return Files.readString(Path.of("..", "config.yaml"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("the shipped config.yaml at the repository's root", e);
        }
    }

    /** A value for {@code key} as someone might write it: right, out of range, of another kind, or odd YAML. */
    private static String value(Generated g, ConfigKey key) {
        return g.weighted(
                Generated.choice(5, () -> valid(g, key)),
                Generated.choice(2, () -> Long.toString(g.longBetween(-100, 2_000_000))),
                Generated.choice(1, () -> Long.toString(g.longBetween(Long.MIN_VALUE, Long.MAX_VALUE))),
                Generated.choice(1, () -> g.oneOf("~", "null", "", "''", "\"\"", "yes", "no", "on", "0x1F", "0o17",
                        "1_000", ".inf", "-.inf", ".nan", "1e400", "9999999999999999999999", "1.5", "-0.0",
                        "[]", "{}", "[a, b]", "{a: 1}", "[[1]]", "!!binary aGk=", "!!str 5", "!!int x", "&a 5",
                        "*a", "|\n  text", "\"\\u0000\"", "99999999999999999999d", "9999999999h", "1h1h",
                        "300000000000000s", "5ms5", "http://%zz", "http://[", "https://a b", "wss://x",
                        "ws://[::1]:99999/", "http://ex ample", "full", "FAST", "SPOILER", "512x512",
                        "257x256", "2048x2048", "512x512x5")),
                Generated.choice(1, () -> "\"" + g.printable(16, "\"\\") + "\""),
                Generated.choice(1, () -> g.printable(16, "")));
    }

    private static String valid(Generated g, ConfigKey key) {
        return switch (key.kind()) {
            case INTEGER -> Long.toString(g.longBetween((long) key.min(), (long) key.max()));
            case NUMBER -> Double.toString(key.min() + (key.max() - key.min()) * g.intBetween(0, 1000) / 1000.0);
            case BOOLEAN -> g.oneOf("true", "false");
            case DURATION -> g.longBetween((long) key.min(), (long) key.max()) + "ms";
            case SIZE -> FrontDoor.side(g) + "x" + FrontDoor.side(g);
            case CHOICE -> g.oneOf(key.choices().toArray(String[]::new));
            case URL -> g.oneOf("http://127.0.0.1:" + g.intBetween(1, 65535) + "/", "https://example.org/api",
                    "wss://gateway.example/");
            case STRING_LIST -> key.path().equals("moderation.operators")
                    ? "[\"discord:" + g.longBetween(1, Long.MAX_VALUE) + "\", \"telegram:" + g.intBetween(1, 999_999)
                    + "\"]"
                    : "[\"" + g.intBetween(1, 999_999) + "\", \"" + g.intBetween(1, 999_999) + "\"]";
            case PATH -> "/tmp/" + g.string(1, 10, "abcxyz-_");
            case STRING, OPTIONAL_STRING -> key.path().equals("redis.url")
                    ? g.oneOf("redis://127.0.0.1:" + g.intBetween(1, 65535), "rediss://:pw@cache.example:6380/2")
                    : "\"" + (key.path().equals("safety.classifier")
                    ? g.oneOf("Falconsai/nsfw_image_detection", "a/b@main", "") : g.string(1, 12, "abcdefgh-_/.")) + "\"";
        };
    }

    /** Keys grouped in their sections, as YAML: {@code section:\n  key: value}. */
    private static String yaml(Map<String, String> values) {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            int dot = entry.getKey().lastIndexOf('.');
            String section = dot < 0 ? "" : entry.getKey().substring(0, dot);
            String name = entry.getKey().substring(dot + 1);
            String value = entry.getValue().replace("\n", "\n    ");
            sections.computeIfAbsent(section, s -> new ArrayList<>()).add(name + ": " + value);
        }
        StringBuilder text = new StringBuilder();
        sections.forEach((section, lines) -> {
            if (section.isEmpty()) {
                lines.forEach(line -> text.append(line).append('\n'));
            } else {
                text.append(section).append(":\n");
                lines.forEach(line -> text.append("  ").append(line).append('\n'));
            }
        });
        return text.toString();
    }

    private static String anyFile(Generated g) {
        return g.weighted(
                Generated.choice(6, () -> {
                    Map<String, String> values = new TreeMap<>();
                    for (int i = g.intBetween(0, 8); i > 0; i--) {
                        ConfigKey key = g.oneOf(ConfigSchema.KEYS.toArray(ConfigKey[]::new));
                        values.put(key.path(), value(g, key));
                    }
                    if (g.chance(0.1)) {
                        values.put(g.oneOf("model.repo", "limits.max-step", "queue.limit", "discord.token",
                                "web.api-key", "nothing", "limits.max-steps.more"), value(g, ConfigSchema.KEYS.get(0)));
                    }
                    return yaml(values);
                }),
                Generated.choice(2, () -> new String(g.mutated(SHIPPED.getBytes(StandardCharsets.UTF_8)),
                        StandardCharsets.UTF_8)),
                Generated.choice(1, () -> g.anyString(60)),
                Generated.choice(1, () -> g.printable(60, "")));
    }

    /** Every setting the application reads at start. */
    private static void readEverything(ImagineConfig config) {
        config.modelRepository();
        config.modelRevision();
        config.modelFolder();
        config.modelCacheDir();
        config.fastDecoderRepository();
        config.fastDecoderFolder();
        config.upscalerFolder();
        config.threads();
        config.precision();
        config.limits();
        config.defaults();
        config.queueSettings();
        config.jobTimeout();
        config.cacheMemoryBytes();
        config.cacheDiskBytes();
        config.dataDir(Map.of("HOME", "/home/someone"));
        config.safety();
        config.operators();
        config.ratePictures();
        config.rateWindow();
        config.auditRetention();
        config.discordRestUrl();
        config.discordGatewayUrl();
        config.discordTestGuilds();
        config.discordProgressInterval();
        config.telegramApiUrl(Map.of());
        config.webEnabled();
        config.webHost();
        config.webPort();
        config.shutdownGrace();
        config.describe();
    }

    private record File(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    @Test
    void anyFile_isASettingThatCanBeRead_orAnErrorNamingTheFileTheKeyAndWhatItAccepts() {
        forAll("config.yaml", FrontDoor.TRIES, g -> new File(anyFile(g)), file -> {
            ImagineConfig config;
            try {
                config = ConfigLoader.parse(file.text(), SOURCE);
            } catch (ConfigException e) {
                assertThat(e.getMessage()).startsWith(SOURCE);
                for (ConfigKey key : ConfigSchema.KEYS) {
                    if (e.getMessage().contains(": '" + key.path() + "': expected ")
                            || e.getMessage().contains(": '" + key.path() + "' has no value: expected ")) {
                        assertThat(e.getMessage()).contains(key.accepted());
                    }
                }
                return;
            }
            readEverything(config);
        });
    }

    /** A value as YAML, the way it would be written back. */
    private static String written(Object value) {
        return switch (value) {
            case null -> "~";
            case Duration d -> d.toMillis() + "ms";
            case ImageSize s -> s.width() + "x" + s.height();
            case List<?> list -> list.stream().map(v -> "\"" + v + "\"").toList().toString();
            case String s -> "\"" + s + "\"";
            case Path p -> "\"" + p + "\"";
            case URI u -> u.toString();
            default -> value.toString();
        };
    }

    @Test
    void validValues_readBackTheSame_whenWrittenOutAgain() {
        forAll("config.yaml valid", FrontDoor.TRIES, g -> {
            Map<String, String> values = new TreeMap<>();
            for (int i = g.intBetween(1, 10); i > 0; i--) {
                ConfigKey key = g.oneOf(ConfigSchema.KEYS.toArray(ConfigKey[]::new));
                // worker.enabled: false is valid only with queue.backend: redis, which this test leaves alone.
                if (!key.path().startsWith("safety.") && !key.path().startsWith("queue.")
                        && !key.path().startsWith("worker.")) {
                    values.put(key.path(), valid(g, key));
                }
            }
            return new File(yaml(values));
        }, file -> {
            ImagineConfig config = ConfigLoader.parse(file.text(), SOURCE);
            Map<String, String> again = new TreeMap<>();
            config.values().forEach((path, value) -> {
                if (!java.util.Objects.equals(value, ConfigSchema.BY_PATH.get(path).defaultValue())) {
                    again.put(path, written(value));
                }
            });

            ImagineConfig reread = ConfigLoader.parse(yaml(again), SOURCE);

            assertThat(reread.values()).isEqualTo(config.values());
        });
    }

    @Test
    void whatTheFuzzingFound_isRefusedNamingTheKeyAndWhatItAccepts() {
        Map<String, String> found = Map.of(
                "queue:\n  job-timeout: 99999999999999999999d\n", "'queue.job-timeout': expected a duration",
                "queue:\n  job-timeout: 9999999999999999d\n", "'queue.job-timeout': expected a duration",
                "discord:\n  rest-url: http://%zz\n", "'discord.rest-url': expected an http(s):// or ws(s):// URL",
                "model:\n  folder: \"a\\0b\"\n", "'model.folder': expected a folder or file path",
                "queue:\n  per-user-limit: 64\n", "'queue.per-user-limit' (64) must not exceed 'queue.total-limit' (50)");
        found.forEach((yaml, message) -> assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> ConfigLoader.parse(yaml, SOURCE))).as(yaml).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(SOURCE).hasMessageContaining(message));
    }
}
