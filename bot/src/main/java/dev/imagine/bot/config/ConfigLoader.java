package dev.imagine.bot.config;

import dev.imagine.bot.command.ImageSize;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads config.yaml strictly: an unknown key, a wrong type or an out-of-range value stops start-up with a message
 * naming the file, the line, the key and what is accepted. Keys that are absent take their documented default.
 * Secrets are refused in the file: they come only from the environment.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** The defaults alone, as when there is no config file. */
    public static ImagineConfig defaults() {
        return parse("", "defaults");
    }

    public static ImagineConfig load(Path file) {
        try {
            Path folder = file.toAbsolutePath().getParent();
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), folder);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    public static ImagineConfig parse(String yaml, String source) {
        return parse(yaml, source, null);
    }

    /** @param baseDir relative paths in the file are resolved against it (the file's folder), never the working directory */
    static ImagineConfig parse(String yaml, String source, Path baseDir) {
        Node root;
        try (Reader reader = new StringReader(yaml)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            throw new ConfigException(source + " line " + (e.getProblemMark().getLine() + 1) + ": not valid YAML: "
                    + e.getProblem());
        } catch (YAMLException | IOException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getMessage());
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigKey key : ConfigSchema.KEYS) {
            values.put(key.path(), key.defaultValue());
        }
        if (root != null && !(root instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL))) {
            if (!(root instanceof MappingNode mapping)) {
                throw new ConfigException(source + " line " + line(root)
                        + ": expected sections such as 'model:' and 'queue:' at the top level");
            }
            readSection(mapping, "", source, values, baseDir);
        }
        ImagineConfig config = new ImagineConfig(values);
        checkTogether(config, source);
        return config;
    }

    /** Rules that involve more than one key, checked once every key has its value. */
    private static void checkTogether(ImagineConfig config, String source) {
        int perUser = config.get("queue.per-user-limit");
        int total = config.get("queue.total-limit");
        if (perUser > total) {
            throw new ConfigException(source + ": 'queue.per-user-limit' (" + perUser + ") must not exceed"
                    + " 'queue.total-limit' (" + total + "): raise queue.total-limit or lower queue.per-user-limit");
        }
        try {
            config.safety();
            config.operators();
            // Each section as the application builds it at start, so that no mistake surfaces only then.
            config.limits();
            config.defaults();
            config.queueSettings();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": " + e.getMessage());
        }
        if (!config.workerEnabled() && !config.redisBackend()) {
            throw new ConfigException(source + ": worker.enabled: false needs queue.backend: redis (with the embedded"
                    + " queue nobody else would draw the pictures); set queue.backend: redis, or remove"
                    + " worker.enabled");
        }
        String url = (String) config.values().get("redis.url");
        if (!url.matches("(?i)rediss?://\\S+")) {
            throw new ConfigException(source + ": 'redis.url' must look like redis://host:6379 (or rediss:// for"
                    + " TLS), got '" + ImagineConfig.redactPassword(url) + "'");
        }
    }

    private static void readSection(MappingNode mapping, String prefix, String source, Map<String, Object> values,
                                    Path baseDir) {
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                throw new ConfigException(source + " line " + line(tuple.getKeyNode()) + ": keys must be plain names");
            }
            String path = prefix + keyNode.getValue();
            Node value = tuple.getValueNode();
            String where = source + " line " + line(keyNode) + ": '" + path + "'";
            if (ConfigSchema.SECRETS.containsKey(path)) {
                throw new ConfigException(where + " is a secret and is read only from the environment: set "
                        + ConfigSchema.SECRETS.get(path) + " instead, and remove it from the file");
            }
            ConfigKey key = ConfigSchema.BY_PATH.get(path);
            if (key != null) {
                Object converted = convert(key, value, source);
                if (converted instanceof Path relative && !relative.isAbsolute() && baseDir != null) {
                    converted = baseDir.resolve(relative).normalize();
                }
                values.put(path, converted);
            } else if (isSection(path)) {
                if (value instanceof MappingNode section) {
                    readSection(section, path + ".", source, values, baseDir);
                } else if (!(value instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL))) {
                    throw new ConfigException(where + " is a section: expected keys under it, such as "
                            + String.join(", ", keysUnder(path)));
                }
            } else {
                throw new ConfigException(where + " is not a known key" + suggestion(path)
                        + ". Known keys are listed in config.yaml at the root of the repository.");
            }
        }
    }

    private static boolean isSection(String path) {
        return ConfigSchema.KEYS.stream().anyMatch(k -> k.path().startsWith(path + "."));
    }

    private static List<String> keysUnder(String section) {
        return ConfigSchema.KEYS.stream().map(ConfigKey::path).filter(p -> p.startsWith(section + "."))
                .map(p -> p.substring(section.length() + 1)).toList();
    }

    private static String suggestion(String path) {
        String best = ConfigSchema.KEYS.stream().map(ConfigKey::path)
                .min(Comparator.comparingInt(p -> distance(p, path))).orElse(null);
        return best != null && distance(best, path) <= 3 ? " (did you mean '" + best + "'?)" : "";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    private static Object convert(ConfigKey key, Node node, String source) {
        String where = source + " line " + line(node) + ": '" + key.path() + "'";
        boolean isNull = node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
        if (key.kind() == ConfigKey.Kind.STRING_LIST) {
            if (isNull) {
                return List.of();
            }
            if (!(node instanceof SequenceNode sequence)) {
                throw new ConfigException(where + ": expected " + key.accepted());
            }
            List<String> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                if (!(item instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
                    throw new ConfigException(source + " line " + line(item) + ": '" + key.path()
                            + "': expected " + key.accepted());
                }
                items.add(scalar.getValue());
            }
            return List.copyOf(items);
        }
        if (!(node instanceof ScalarNode scalar)) {
            throw new ConfigException(where + ": expected " + key.accepted() + ", got a "
                    + (node instanceof MappingNode ? "section" : "list"));
        }
        if (isNull) {
            if (key.kind() == ConfigKey.Kind.PATH || key.kind() == ConfigKey.Kind.OPTIONAL_STRING) {
                return null;
            }
            throw new ConfigException(where + " has no value: expected " + key.accepted()
                    + " (remove the line to use the default " + display(key.defaultValue()) + ")");
        }
        String text = scalar.getValue();
        Tag tag = scalar.getTag();
        if (text.isBlank() && (key.kind() == ConfigKey.Kind.PATH || key.kind() == ConfigKey.Kind.OPTIONAL_STRING)) {
            return null; // "" means nothing, as an empty value does
        }
        Object value = switch (key.kind()) {
            case STRING, OPTIONAL_STRING -> text.isBlank() ? null : text;
            case PATH -> path(expandHome(text));
            case INTEGER -> tag.equals(Tag.INT) ? parseLong(text) : null;
            case NUMBER -> tag.equals(Tag.INT) || tag.equals(Tag.FLOAT) ? parseDouble(text) : null;
            case BOOLEAN -> tag.equals(Tag.BOOL) ? Boolean.valueOf(text.toLowerCase(Locale.ROOT).matches("true|yes|on"))
                    : null;
            case DURATION -> ConfigKey.parseDuration(text);
            case SIZE -> parseSize(text);
            case CHOICE -> key.choices().contains(text.toLowerCase(Locale.ROOT)) ? text.toLowerCase(Locale.ROOT) : null;
            case URL -> text.matches("(?i)(https?|wss?)://\\S+") ? uri(text) : null;
            case STRING_LIST -> throw new IllegalStateException("handled above");
        };
        if (value == null && key.kind() != ConfigKey.Kind.STRING) {
            throw new ConfigException(where + ": expected " + key.accepted() + ", got '" + text + "'");
        }
        if (value == null) {
            throw new ConfigException(where + " is empty: expected " + key.accepted());
        }
        checkRange(key, value, where, text);
        return value instanceof Long l ? Math.toIntExact(l) : value;
    }

    private static void checkRange(ConfigKey key, Object value, String where, String text) {
        double number = switch (value) {
            case Long l -> l;
            case Double d -> d;
            case Duration d -> d.toMillis();
            default -> Double.NaN;
        };
        if (!Double.isNaN(number) && (number < key.min() || number > key.max())) {
            throw new ConfigException(where + ": expected " + key.accepted() + ", got '" + text + "'");
        }
    }

    /** The path, or null when the system cannot name a file so (a NUL in it). */
    private static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** The URL, or null when it is not one (a stray %, an unclosed [). */
    private static URI uri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static Long parseLong(String text) {
        try {
            return Long.decode(text.replace("_", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double parseDouble(String text) {
        try {
            return Double.parseDouble(text.replace("_", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ImageSize parseSize(String text) {
        try {
            ImageSize size = ImageSize.parse(text);
            boolean ok = size.width() % 8 == 0 && size.height() % 8 == 0 && size.width() >= 256 && size.height() >= 256
                    && size.width() <= 1024 && size.height() <= 1024;
            return ok ? size : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String expandHome(String text) {
        return text.startsWith("~/") ? homeFolder(System.getenv()) + text.substring(1) : text;
    }

    /** ~ as a shell reads it: $HOME, else the JVM's user.home (which comes from the password database). */
    static Path homeFolder(Map<String, String> environment) {
        String home = environment.get("HOME");
        return home != null && !home.isBlank() && Path.of(home).isAbsolute()
                ? Path.of(home) : Path.of(System.getProperty("user.home"));
    }

    static String display(Object value) {
        return switch (value) {
            case null -> "(none)";
            case Duration d -> d.toString().substring(2).toLowerCase(Locale.ROOT);
            case String s -> s;
            default -> value.toString();
        };
    }
}
