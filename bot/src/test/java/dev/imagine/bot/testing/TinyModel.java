package dev.imagine.bot.testing;

import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.PipelineOptions;
import java.nio.file.Path;

/**
 * The small random-weight fixture model (256x256 pictures in a few hundred milliseconds), loaded once for the whole
 * test run and shared by the adapters' end-to-end tests; the JVM closes it. Tests wrap it (a
 * {@link TestGenerator}) rather than close it.
 */
public final class TinyModel {
    public static final Path FOLDER = Path.of("../pipeline/src/test/resources/reference/tiny-lcm").toAbsolutePath()
            .normalize();

    private static ImageGenerator shared;

    private TinyModel() {
    }

    public static synchronized ImageGenerator shared() {
        if (shared == null) {
            shared = ImageGenerator.open(FOLDER, new PipelineOptions(2));
        }
        return shared;
    }
}
