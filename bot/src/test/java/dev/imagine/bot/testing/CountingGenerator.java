package dev.imagine.bot.testing;

import dev.imagine.pipeline.CancellationSignal;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.GenerationResult;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.ProgressListener;
import dev.imagine.pipeline.PromptSyntax;
import dev.imagine.pipeline.TokenizedPrompt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real pipeline (the tiny fixture model), counting how often it really generates, so a test can prove that a
 * replay came from the cache; it can also hold generations back ({@link #hold()}) or release steps one by one.
 */
public final class CountingGenerator implements ImageGenerator {
    private final ImageGenerator pipeline;
    public final AtomicInteger generations = new AtomicInteger();
    /** Released once per generation that reached the pipeline (held or not). */
    public final Semaphore entered = new Semaphore(0);
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile boolean stepping;
    private final Semaphore steps = new Semaphore(0);

    public CountingGenerator(ImageGenerator pipeline) {
        this.pipeline = pipeline;
    }

    /**
     * Generations wait until {@link #open()}; {@link #entered} counts from here, so a generation that finished
     * before cannot pass for one that is held.
     */
    public void hold() {
        entered.drainPermits();
        gate = new CountDownLatch(1);
    }

    public void open() {
        gate.countDown();
    }

    /** Each denoising step is reported only when the test {@link #releaseStep()}s it. */
    public void stepByStep() {
        stepping = true;
    }

    public void releaseStep() {
        steps.release();
    }

    @Override
    public TokenizedPrompt tokenize(String prompt, PromptSyntax syntax) {
        return pipeline.tokenize(prompt, syntax);
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
