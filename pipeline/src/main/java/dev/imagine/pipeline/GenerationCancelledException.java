package dev.imagine.pipeline;

/** Thrown between steps when the caller's {@link CancellationSignal} says the generation is no longer wanted. */
public final class GenerationCancelledException extends PipelineException {
    private static final long serialVersionUID = 1L;

    public GenerationCancelledException(int completedSteps, int totalSteps) {
        super("generation cancelled after " + completedSteps + " of " + totalSteps + " steps");
    }
}
