package dev.imagine.bot.safety;

import dev.imagine.pipeline.GeneratedImage;

/**
 * What the job engine asks before a picture is delivered: is it flagged? One implementation runs the configured
 * ONNX classifier ({@link ThresholdClassifier}); tests may script verdicts. Safe to call from the worker thread;
 * calls are not concurrent.
 */
public interface PictureClassifier extends AutoCloseable {

    /** The verdict on one finished picture. */
    SafetyCheck check(GeneratedImage picture);

    /** The verdict on PNG bytes (a picture from the cache or the job store). */
    SafetyCheck check(byte[] png);

    /** Which classifier this is ({@code owner/name@commit} or a folder), as recorded in {@link SafetyCheck}. */
    String name();

    @Override
    void close();
}
