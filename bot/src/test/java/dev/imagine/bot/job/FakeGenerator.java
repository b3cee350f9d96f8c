package dev.imagine.bot.job;

import dev.imagine.pipeline.CancellationSignal;
import dev.imagine.pipeline.GeneratedImage;
import dev.imagine.pipeline.Generation;
import dev.imagine.pipeline.GenerationCancelledException;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.GenerationResult;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.ProgressListener;
import dev.imagine.pipeline.PromptChunk;
import dev.imagine.pipeline.PromptSyntax;
import dev.imagine.pipeline.TokenizedPrompt;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    public TokenizedPrompt tokenize(String prompt, PromptSyntax syntax) {
        int[] ids = new int[77];
        String lower = prompt.strip().toLowerCase(java.util.Locale.ROOT);
        for (int i = 0; i < Math.min(lower.length(), 75); i++) {
            ids[i + 1] = lower.charAt(i);
        }
        // Like the pipeline, each BREAK of an a1111 prompt starts another chunk.
        int chunks = syntax == PromptSyntax.A1111 ? prompt.split("\\bBREAK\\b", -1).length : 1;
        return new TokenizedPrompt(syntax, java.util.Collections.nCopies(chunks, PromptChunk.unweighted(ids)),
                lower.length(), Math.min(lower.length(), 75));
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress, CancellationSignal cancel) {
        try (Generation generation = begin(request)) {
            while (generation.step(progress, cancel)) {
                // each step reports itself
            }
            return generation.finish();
        }
    }

    /** Every step taken, in order, as "prompt#step", so tests can see which job ran when. */
    final List<String> stepLog = new CopyOnWriteArrayList<>();
    /** Generations begun and not yet closed, by prompt. */
    final Set<String> open = ConcurrentHashMap.newKeySet();

    @Override
    public Generation begin(GenerationRequest request) {
        generated.add(request);
        if (request.prompt().equals(failOnPrompt)) {
            throw new PipelineException("the fake network broke");
        }
        open.add(request.prompt());
        return new FakeGeneration(request);
    }

    private final class FakeGeneration implements Generation {
        private final GenerationRequest request;
        private final int total;
        private int done;

        FakeGeneration(GenerationRequest request) {
            this.request = request;
            this.total = request.steps() * request.count();
        }

        @Override
        public GenerationRequest request() {
            return request;
        }

        @Override
        public boolean step(ProgressListener progress, CancellationSignal cancel) {
            if (done >= total) {
                return false;
            }
            if (cancel.isCancelled()) {
                throw new GenerationCancelledException(done, total);
            }
            if (holding) {
                stepWaiting.release();
                try {
                    while (!steps.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                        if (cancel.isCancelled()) {
                            throw new GenerationCancelledException(done, total);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new GenerationCancelledException(done, total);
                }
            }
            done++;
            stepLog.add(request.prompt() + "#" + done);
            progress.onProgress(new ProgressListener.Progress(ProgressListener.Progress.Stage.STEP_DONE, done, total));
            return true;
        }

        @Override
        public int stepsDone() {
            return done;
        }

        @Override
        public int totalSteps() {
            return total;
        }

        @Override
        public GenerationResult finish() {
            if (done < total) {
                throw new IllegalStateException("steps left");
            }
            List<GeneratedImage> images = new ArrayList<>();
            for (int i = 0; i < request.count(); i++) {
                images.add(new GeneratedImage(request.seedOf(i), request.width(), request.height(),
                        pngFor(request, i)));
            }
            return new GenerationResult(images, tokenize(request.prompt()), Duration.ZERO, Duration.ofMillis(1),
                    Duration.ZERO);
        }

        @Override
        public void close() {
            open.remove(request.prompt());
        }
    }

    @Override
    public String modelName() {
        return "fake";
    }

    @Override
    public void close() {
    }
}
