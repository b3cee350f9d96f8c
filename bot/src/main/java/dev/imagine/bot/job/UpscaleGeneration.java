package dev.imagine.bot.job;

import dev.imagine.pipeline.CancellationSignal;
import dev.imagine.pipeline.GeneratedImage;
import dev.imagine.pipeline.Generation;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.GenerationResult;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.ProgressListener;
import dev.imagine.pipeline.UpscaleRequest;
import java.time.Duration;
import java.util.List;

/**
 * An upscale as the worker runs a generation: one step that is the whole upscale (the detailed one reports each of
 * its tiles' steps as progress and stops between them when cancelled), so it is never parked in the middle; then the
 * one picture. A detailed upscale is long, but its cost in the fair-share queue says so, and a lighter job waits at
 * most for it.
 */
final class UpscaleGeneration implements Generation {
    private final ImageGenerator generator;
    private final UpscaleRequest request;
    private final Ticker ticker;
    private GeneratedImage image;
    private Duration took = Duration.ZERO;

    UpscaleGeneration(ImageGenerator generator, UpscaleRequest request, Ticker ticker) {
        this.generator = generator;
        this.request = request;
        this.ticker = ticker;
    }

    /** What an upscale would draw as a generation request: its prompt, seed and size (for observers and logs). */
    @Override
    public GenerationRequest request() {
        return new GenerationRequest(request.prompt().isBlank() ? "(upscale)" : request.prompt(), request.seed(),
                request.steps(), request.guidance(), Math.min(request.outputWidth(), GenerationRequest.MAX_SIZE),
                Math.min(request.outputHeight(), GenerationRequest.MAX_SIZE), 1);
    }

    @Override
    public boolean step(ProgressListener progress, CancellationSignal cancel) {
        if (image != null) {
            return false;
        }
        long start = ticker.nanos();
        image = generator.upscale(request, progress, cancel);
        took = Duration.ofNanos(ticker.nanos() - start);
        return true;
    }

    @Override
    public int stepsDone() {
        return image == null ? 0 : 1;
    }

    @Override
    public int totalSteps() {
        return 1;
    }

    @Override
    public GenerationResult finish() {
        if (image == null) {
            throw new IllegalStateException("finish() before the upscale ran");
        }
        return new GenerationResult(List.of(image), generator.tokenize(request.prompt()), Duration.ZERO, took,
                Duration.ZERO);
    }

    @Override
    public void close() {
    }
}
