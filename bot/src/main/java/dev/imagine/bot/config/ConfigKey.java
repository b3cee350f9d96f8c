package dev.imagine.bot.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One documented key of config.yaml: its dotted path, its default, and how a value is checked. Every problem is
 * phrased as "expected …", so the loader can prefix the file, line and key.
 */
record ConfigKey(String path, Kind kind, Object defaultValue, double min, double max, List<String> choices,
                 String doc) {

    enum Kind { STRING, OPTIONAL_STRING, PATH, INTEGER, NUMBER, BOOLEAN, DURATION, SIZE, CHOICE, STRING_LIST, URL }

    static ConfigKey integer(String path, int defaultValue, int min, int max, String doc) {
        return new ConfigKey(path, Kind.INTEGER, defaultValue, min, max, List.of(), doc);
    }

    static ConfigKey number(String path, double defaultValue, double min, double max, String doc) {
        return new ConfigKey(path, Kind.NUMBER, defaultValue, min, max, List.of(), doc);
    }

    static ConfigKey bool(String path, boolean defaultValue, String doc) {
        return new ConfigKey(path, Kind.BOOLEAN, defaultValue, 0, 0, List.of(), doc);
    }

    static ConfigKey string(String path, String defaultValue, String doc) {
        return new ConfigKey(path, Kind.STRING, defaultValue, 0, 0, List.of(), doc);
    }

    static ConfigKey optionalString(String path, String doc) {
        return new ConfigKey(path, Kind.OPTIONAL_STRING, null, 0, 0, List.of(), doc);
    }

    /** A text with a default that an empty value turns off. */
    static ConfigKey optionalString(String path, String defaultValue, String doc) {
        return new ConfigKey(path, Kind.OPTIONAL_STRING, defaultValue, 0, 0, List.of(), doc);
    }

    static ConfigKey path(String path, String doc) {
        return new ConfigKey(path, Kind.PATH, null, 0, 0, List.of(), doc);
    }

    static ConfigKey url(String path, String defaultValue, String doc) {
        return new ConfigKey(path, Kind.URL, java.net.URI.create(defaultValue), 0, 0, List.of(), doc);
    }

    static ConfigKey duration(String path, String defaultValue, Duration min, Duration max, String doc) {
        return new ConfigKey(path, Kind.DURATION, parseDuration(defaultValue), min.toMillis(), max.toMillis(),
                List.of(), doc);
    }

    static ConfigKey size(String path, String defaultValue, String doc) {
        return new ConfigKey(path, Kind.SIZE, dev.imagine.bot.command.ImageSize.parse(defaultValue), 256, 1024,
                List.of(), doc);
    }

    static ConfigKey choice(String path, String defaultValue, List<String> choices, String doc) {
        return new ConfigKey(path, Kind.CHOICE, defaultValue, 0, 0, List.copyOf(choices), doc);
    }

    static ConfigKey stringList(String path, String doc) {
        return new ConfigKey(path, Kind.STRING_LIST, List.of(), 0, 0, List.of(), doc);
    }

    /** What the key accepts, for error messages. */
    String accepted() {
        return switch (kind) {
            case STRING -> "a text";
            case OPTIONAL_STRING -> "a text, or nothing";
            case PATH -> "a folder or file path, or nothing for the default";
            case INTEGER -> "a whole number from " + (long) min + " to " + (long) max;
            case NUMBER -> "a number from " + min + " to " + max;
            case BOOLEAN -> "true or false";
            case DURATION -> "a duration such as 500ms, 30s, 10m, 1h or 1h30m, from " + describe(min) + " to "
                    + describe(max);
            case SIZE -> "WIDTHxHEIGHT with multiples of 8 from 256 to 1024, such as 512x768";
            case CHOICE -> "one of " + String.join(", ", choices);
            case STRING_LIST -> "a list of texts, such as [\"123\", \"456\"]";
            case URL -> "an http(s):// or ws(s):// URL";
        };
    }

    private static String describe(double millis) {
        Duration d = Duration.ofMillis((long) millis);
        if (d.toMillis() % 3_600_000 == 0) {
            return d.toHours() + "h";
        }
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + "m";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    /** "500ms", "30s", "10m", "1h30m", "2d"; null when the text is not a duration. */
    static Duration parseDuration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.isEmpty()) {
            return null;
        }
        Matcher matcher = DURATION.matcher(value);
        Duration total = Duration.ZERO;
        int position = 0;
        while (matcher.find()) {
            if (matcher.start() != position) {
                return null;
            }
            try {
                long amount = Long.parseLong(matcher.group(1));
                total = total.plus(switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                });
                total.toMillis(); // the range check counts in milliseconds
            } catch (NumberFormatException | ArithmeticException e) {
                return null; // longer than any duration this file can mean
            }
            position = matcher.end();
        }
        return position == value.length() ? total : null;
    }
}
