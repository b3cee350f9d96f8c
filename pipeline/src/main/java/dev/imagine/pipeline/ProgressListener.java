package dev.imagine.pipeline;

/**
 * Told when each stage of a generation finishes. Called on the generating thread: keep it quick and never
 * block in it (hand the update to another thread if it does I/O).
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = progress -> { };

    void onProgress(Progress progress);

    /** Where a generation is: {@code step} of {@code totalSteps} denoising steps are done at {@code stage}. */
    record Progress(Stage stage, int step, int totalSteps) {
        public enum Stage { TEXT_ENCODED, STEP_DONE, DECODED }
    }
}
