package dev.imagine.bot.testing;

import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.PipelineOptions;
import java.nio.file.Path;

/**
 * The small random-weight fixture model (256x256 pictures in a few hundred milliseconds) with a tiny upscaler network,
 * loaded once for the whole
 * test run and shared by the adapters' end-to-end tests; the JVM closes it. Tests wrap it (a
 * {@link TestGenerator}) rather than close it.
 */
public final class TinyModel {
    public static final Path FOLDER = Path.of("../pipeline/src/test/resources/reference/tiny-lcm").toAbsolutePath()
            .normalize();

    /** A random-weight Real-ESRGAN SRVGGNetCompact of the upscaler's architecture, for Upscale 2x. */
    public static final Path UPSCALER = FOLDER.resolveSibling("img2img").resolve("tiny-srvgg");

    private static ImageGenerator shared;

    private TinyModel() {
    }

    /**
     * A private copy of the fixture in {@code dir} (the int8 copy is written beside the model, and the fixture stays
     * as it is), opened with both UNets, fp32 first ({@code model.compare-precision: true}); the caller closes it.
     */
    public static ImageGenerator comparingPrecisions(Path dir) throws java.io.IOException {
        Path copy = dir.resolve("tiny-lcm");
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(FOLDER)) {
            for (Path file : files.toList()) {
                Path to = copy.resolve(FOLDER.relativize(file).toString());
                if (java.nio.file.Files.isDirectory(file)) {
                    java.nio.file.Files.createDirectories(to);
                } else {
                    java.nio.file.Files.copy(file, to);
                }
            }
        }
        return ImageGenerator.open(copy, new PipelineOptions(2).withPrecisionComparison(true));
    }

    public static synchronized ImageGenerator shared() {
        if (shared == null) {
            shared = ImageGenerator.open(FOLDER, new PipelineOptions(2).withUpscaler(UPSCALER));
        }
        return shared;
    }
}
