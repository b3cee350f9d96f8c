package dev.imagine.pipeline;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * How a caller steers a {@link Generation} through its denoising steps ({@link Generation#run}): who hears of each
 * step, what stops it, and when it should pause so that something else can run.
 *
 * @param progress  told after each step ({@link ProgressListener.Progress.Stage#STEP_DONE})
 * @param cancel    asked before each step and once more after the last: true stops the generation with
 *                  {@link GenerationCancelledException}
 * @param pause     asked between two steps (never after the last one): true makes {@code run} return with the
 *                  generation resumable where it stopped
 */
public record StepControl(ProgressListener progress, CancellationSignal cancel, BooleanSupplier pause) {
    public StepControl {
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(cancel, "cancel");
        Objects.requireNonNull(pause, "pause");
    }

    /** Runs through to the end unless cancelled. */
    public static StepControl of(ProgressListener progress, CancellationSignal cancel) {
        return new StepControl(progress, cancel, () -> false);
    }
}
