package dev.imagine.bot.product;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the product tests find what they test: the built jar, the shipped config.yaml, the tiny reference models, and
 * where they keep the children's output. Failsafe passes each as a system property (see bot/pom.xml); the defaults
 * are the same paths seen from the bot module, for running a test from an IDE after {@code ./mvnw package}.
 */
final class ProductTests {
    private ProductTests() {
    }

    static Path jar() {
        Path jar = path("imagine.jar", "target/imagine.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the product tests run the built jar; run them with"
                    + " ./mvnw verify (or ./mvnw package first)");
        }
        return jar;
    }

    static Path referenceModels() {
        return path("imagine.reference", "../pipeline/src/test/resources/reference");
    }

    static Path outputFolder() {
        return path("imagine.product-test-output", "target/product-tests");
    }

    /** The config.yaml the repository ships, unchanged. */
    static String shippedConfig() {
        try {
            return Files.readString(path("imagine.config", "../config.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code yaml} with one key of the shipped layout ({@code section:} then {@code   key: value}) set to
     * {@code value}; everything else, comments included, stays as it is. Fails when the key is not there exactly
     * once, so a change of the shipped file's shape shows here instead of silently testing something else.
     */
    static String withKey(String yaml, String dottedKey, String value) {
        String[] parts = dottedKey.split("\\.", 2);
        Matcher section = Pattern.compile("(?m)^" + Pattern.quote(parts[0]) + ":\\s*$").matcher(yaml);
        if (!section.find()) {
            throw new IllegalArgumentException("config.yaml has no section '" + parts[0] + "'");
        }
        int start = section.end();
        Matcher next = Pattern.compile("(?m)^\\S").matcher(yaml);
        int end = next.find(start) ? next.start() : yaml.length();
        String body = yaml.substring(start, end);
        Pattern key = Pattern.compile("(?m)^  " + Pattern.quote(parts[1]) + ":[^\\n]*$");
        Matcher found = key.matcher(body);
        if (!found.find() || found.find()) {
            throw new IllegalArgumentException("config.yaml has no single key '" + dottedKey + "'");
        }
        String changed = key.matcher(body).replaceFirst(Matcher.quoteReplacement("  " + parts[1] + ": " + value));
        return yaml.substring(0, start) + changed + yaml.substring(end);
    }

    private static Path path(String property, String fallback) {
        return Path.of(System.getProperty(property, fallback)).toAbsolutePath().normalize();
    }
}
