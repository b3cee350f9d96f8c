package dev.imagine.bot.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TinyImagine} for all the tests of a class (registered as a static {@code @RegisterExtension}): started
 * before the first on the loopback, on a free port and with no API key, in a data folder of its own; closed after
 * the last, and its folder deleted.
 */
final class TinyImagineClass implements BeforeAllCallback, AfterAllCallback {
    private Path data;
    private TinyImagine imagine;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        data = Files.createTempDirectory("tiny-imagine");
        imagine = TinyImagine.start(data, new WebSettings("127.0.0.1", 0, null));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (imagine != null) {
                imagine.close();
            }
        } finally {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    TinyImagine imagine() {
        return imagine;
    }

    /** A new anonymous person (their own cookie jar) at this Imagine. */
    Person person() {
        return new Person(imagine.base());
    }
}
