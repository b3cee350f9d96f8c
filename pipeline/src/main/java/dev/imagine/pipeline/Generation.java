package dev.imagine.pipeline;

/**
 * One request being generated, which can stop between denoising steps and go on later, even after other
 * generations have run on the same {@link ImageGenerator}: its state (the text embedding, each image's latents,
 * random generator and scheduler position) lives here, so the pixels are the same as those of an uninterrupted
 * {@link ImageGenerator#generate}. Not thread-safe; step it from one thread at a time, and only while no other
 * generation of the same generator is stepping or finishing.
 *
 * <p>Use: {@link ImageGenerator#begin} (encodes the prompt), {@link #run} (or {@link #step} until it returns false),
 * {@link #finish} (decodes and writes the PNGs), then {@link #close}. Closing an unfinished generation drops its
 * state.
 */
public interface Generation extends AutoCloseable {

    GenerationRequest request();

    /**
     * Runs the next denoising step (of {@link #totalSteps()} over all images) and reports it to {@code progress}
     * as {@link ProgressListener.Progress.Stage#STEP_DONE}; returns false, doing nothing, when every step is done.
     * The signal is checked before the step.
     *
     * @throws GenerationCancelledException when the signal said so; the generation is unchanged
     * @throws PipelineException            on any other failure
     */
    boolean step(ProgressListener progress, CancellationSignal cancel);

    default boolean step(ProgressListener progress) {
        return step(progress, CancellationSignal.NEVER);
    }

    /**
     * The one loop over the denoising steps: runs the steps that are left under {@code control}, each reported to its
     * progress listener; the cancellation signal is asked before each step and once more after the last one (so that
     * nothing is decoded for a caller who no longer wants it); between two steps {@code control} may pause the run.
     *
     * @return true when every step is done and only {@link #finish} is left; false when it paused: call {@code run}
     *         again later to go on from the same step with the same pixels
     * @throws GenerationCancelledException when the signal said so; the steps done so far are kept
     * @throws PipelineException            on any other failure
     */
    default boolean run(StepControl control) {
        while (step(control.progress(), control.cancel())) {
            if (!denoised() && control.pause().getAsBoolean()) {
                return false;
            }
        }
        if (control.cancel().isCancelled()) {
            throw new GenerationCancelledException(stepsDone(), totalSteps());
        }
        return true;
    }

    /** Denoising steps done so far, over all images. */
    int stepsDone();

    /**
     * {@code request().denoisingSteps() * request().count()} (with a mask, strength below 1 runs fewer steps than
     * {@code steps}), or fewer for a generation that cannot stop between steps.
     */
    int totalSteps();

    /** Whether every denoising step is done, so that only {@link #finish} is left. */
    default boolean denoised() {
        return stepsDone() >= totalSteps();
    }

    /**
     * Decodes the images and writes the PNGs.
     *
     * @throws IllegalStateException when steps are left
     */
    GenerationResult finish();

    /** Releases the state; idempotent. */
    @Override
    void close();
}
