package dev.imagine.pipeline;

/**
 * The {@link Generation} of a generator that cannot stop between steps: its one step is the whole
 * {@link ImageGenerator#generate} call, so it is never parked in the middle.
 */
final class WholeGeneration implements Generation {
    private final ImageGenerator generator;
    private final GenerationRequest request;
    private GenerationResult result;

    WholeGeneration(ImageGenerator generator, GenerationRequest request) {
        this.generator = generator;
        this.request = request;
    }

    @Override
    public GenerationRequest request() {
        return request;
    }

    @Override
    public boolean step(ProgressListener progress, CancellationSignal cancel) {
        if (result != null) {
            return false;
        }
        result = generator.generate(request, progress, cancel);
        return true;
    }

    @Override
    public int stepsDone() {
        return result == null ? 0 : 1;
    }

    @Override
    public int totalSteps() {
        return 1;
    }

    @Override
    public GenerationResult finish() {
        if (result == null) {
            throw new IllegalStateException("finish() before the generation's step");
        }
        return result;
    }

    @Override
    public void close() {
    }
}
