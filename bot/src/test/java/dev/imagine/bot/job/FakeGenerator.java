package dev.imagine.bot.job;

import dev.imagine.pipeline.CancellationSignal;
import dev.imagine.pipeline.GeneratedImage;
import dev.imagine.pipeline.GenerationCancelledException;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.GenerationResult;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.ProgressListener;
import dev.imagine.pipeline.TokenizedPrompt;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A generator whose "PNG" is the request written out as text, so tests can see exactly what was generated. Steps
 * can be held back with {@link #holdSteps()} / {@link #releaseSteps(int)} to test what happens while a job runs.
 */
final class FakeGenerator implements ImageGenerator {
    final List<GenerationRequest> generated = new CopyOnWriteArrayList<>();
    private final Semaphore steps = new Semaphore(0);
    private volatile String failOnPrompt;
    private volatile boolean holding;
    final Semaphore stepWaiting = new Semaphore(0);

    void holdSteps() {
        holding = true;
    }

    void releaseSteps(int count) {
        steps.release(count);
    }

    void releaseAll() {
        holding = false;
        steps.release(1000);
    }

    void failWhenPromptIs(String prompt) {
        failOnPrompt = prompt;
    }

    static byte[] pngFor(GenerationRequest request, int index) {
        return ("png:" + request.prompt() + ":" + request.seedOf(index) + ":" + request.steps() + ":"
                + request.width() + "x" + request.height()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public TokenizedPrompt tokenize(String prompt) {
        int[] ids = new int[77];
        String lower = prompt.strip().toLowerCase(java.util.Locale.ROOT);
        for (int i = 0; i < Math.min(lower.length(), 75); i++) {
            ids[i + 1] = lower.charAt(i);
        }
        return new TokenizedPrompt(ids, lower.length(), Math.min(lower.length(), 75));
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress, CancellationSignal cancel) {
        generated.add(request);
        if (request.prompt().equals(failOnPrompt)) {
            throw new PipelineException("the fake network broke");
        }
        int total = request.steps() * request.count();
        for (int step = 0; step < total; step++) {
            if (cancel.isCancelled()) {
                throw new GenerationCancelledException(step, total);
            }
            if (holding) {
                stepWaiting.release();
                try {
                    while (!steps.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                        if (cancel.isCancelled()) {
                            throw new GenerationCancelledException(step, total);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new GenerationCancelledException(step, total);
                }
            }
            progress.onProgress(new ProgressListener.Progress(ProgressListener.Progress.Stage.STEP_DONE, step + 1, total));
        }
        List<GeneratedImage> images = new ArrayList<>();
        for (int i = 0; i < request.count(); i++) {
            images.add(new GeneratedImage(request.seedOf(i), request.width(), request.height(), pngFor(request, i)));
        }
        return new GenerationResult(images, tokenize(request.prompt()), Duration.ZERO, Duration.ofMillis(1),
                Duration.ZERO);
    }

    @Override
    public String modelName() {
        return "fake";
    }

    @Override
    public void close() {
    }
}
