package dev.imagine.pipeline;

/** Asked between steps; when it answers true the generation stops with {@link GenerationCancelledException}. */
@FunctionalInterface
public interface CancellationSignal {
    CancellationSignal NEVER = () -> false;

    boolean isCancelled();
}
