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

    public static synchronized ImageGenerator shared() {
        if (shared == null) {
            shared = ImageGenerator.open(FOLDER, new PipelineOptions(2).withUpscaler(UPSCALER));
        }
        return shared;
    }
}
