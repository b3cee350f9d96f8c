package dev.imagine.bench;

import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.pipeline.CancellationSignal;
import dev.imagine.pipeline.Generation;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.GenerationResult;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.ProgressListener;
import dev.imagine.pipeline.PromptSyntax;
import dev.imagine.pipeline.TokenizedPrompt;
import java.time.Duration;

/**
 * The load benchmark's stand-in for the model: the tests' fake generator (small real PNGs with the request's text),
 * with each denoising step keeping one core busy for {@code perStep} of wall time, so that the queue fills as it
 * would on a real machine without the benchmark running a model. The front door and the queue are what is measured.
 */
final class PacedGenerator implements ImageGenerator {
    private final ImageGenerator fake = TestGenerator.fake();
    private final Duration perStep;

    PacedGenerator(Duration perStep) {
        this.perStep = perStep;
    }

    /**
     * Keeps the worker's thread busy for {@code perStep} of wall time, as a model keeps the CPU busy: the job is
     * charged the CPU time it got (fair-share usage), and the front door competes with it for the cores.
     */
    private void pause() {
        long until = System.nanoTime() + perStep.toNanos();
        long spin = 0;
        while (System.nanoTime() < until) {
            spin += Long.numberOfTrailingZeros(spin + 1);
        }
        if (spin == 42) {
            Thread.onSpinWait(); // keeps the loop from being optimised away
        }
    }

    @Override
    public TokenizedPrompt tokenize(String prompt, PromptSyntax syntax) {
        return fake.tokenize(prompt, syntax);
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress, CancellationSignal cancel) {
        for (int i = 0; i < request.steps(); i++) {
            pause();
        }
        return fake.generate(request, progress, cancel);
    }

    @Override
    public Generation begin(GenerationRequest request) {
        Generation inner = fake.begin(request);
        return new Generation() {
            @Override
            public GenerationRequest request() {
                return inner.request();
            }

            @Override
            public boolean step(ProgressListener progress, CancellationSignal cancel) {
                pause();
                return inner.step(progress, cancel);
            }

            @Override
            public int stepsDone() {
                return inner.stepsDone();
            }

            @Override
            public int totalSteps() {
                return inner.totalSteps();
            }

            @Override
            public GenerationResult finish() {
                return inner.finish();
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }

    @Override
    public boolean hasFastDecoder() {
        return fake.hasFastDecoder();
    }

    @Override
    public String modelName() {
        return fake.modelName();
    }

    @Override
    public void close() {
        fake.close();
    }
}
