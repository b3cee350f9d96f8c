package dev.imagine.bot.telegram;

import dev.imagine.pipeline.CancellationSignal;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.GenerationResult;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.ProgressListener;
import dev.imagine.pipeline.TokenizedPrompt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The real pipeline (tiny fixture model), counting how often it really generates; can hold generations back. */
final class CountingGenerator implements ImageGenerator {
    private final ImageGenerator pipeline;
    final AtomicInteger generations = new AtomicInteger();
    final Semaphore entered = new Semaphore(0);
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile boolean stepping;
    private final Semaphore steps = new Semaphore(0);

    CountingGenerator(ImageGenerator pipeline) {
        this.pipeline = pipeline;
    }

    /** Generations wait until {@link #open()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void open() {
        gate.countDown();
    }

    /** Each denoising step is reported only when the test {@link #releaseStep()}s it. */
    void stepByStep() {
        stepping = true;
    }

    void releaseStep() {
        steps.release();
    }

    @Override
    public TokenizedPrompt tokenize(String prompt) {
        return pipeline.tokenize(prompt);
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress, CancellationSignal cancel) {
        generations.incrementAndGet();
        entered.release();
        try {
            if (!gate.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        ProgressListener gated = update -> {
            if (stepping && update.stage() == ProgressListener.Progress.Stage.STEP_DONE) {
                try {
                    if (!steps.tryAcquire(20, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never released step " + update.step());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            progress.onProgress(update);
        };
        return pipeline.generate(request, gated, cancel);
    }

    @Override
    public String modelName() {
        return pipeline.modelName();
    }

    @Override
    public void close() {
    }
}
