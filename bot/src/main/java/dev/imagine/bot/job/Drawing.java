package dev.imagine.bot.job;

import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.JobSource;
import dev.imagine.bot.command.Precision;
import dev.imagine.pipeline.Generation;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.Picture;
import dev.imagine.pipeline.UpscaleRequest;

/**
 * What the pipeline is asked for a job: text to image, image to image from the job's source picture (diffusers'
 * LatentConsistencyModelImg2ImgPipeline), inpainting with its kept mask, zoom out or pan (the canvas made again from
 * the kept picture, as the plan said), or an upscale of it; and the generation that does it, which the worker steps
 * ({@link UpscaleGeneration} for the upscales, which run as one step).
 */
record Drawing(ImageGenerator generator, SourcePictures sources, Ticker ticker) {

    /** The request of a text-to-image or image-to-image job. */
    GenerationRequest requestOf(JobParameters p) {
        GenerationRequest request = PictureLabels.requestOf(p, generator);
        if (p.source() == null) {
            return request;
        }
        JobSource source = p.source();
        return switch (source.kind()) {
            case IMAGE_TO_IMAGE -> request.withSource(sources.of(source), source.strength());
            case INPAINT -> request.withMask(sources.of(source), sources.maskOf(source),
                    GenerationRequest.DEFAULT_MASK_BLUR, source.strength());
            case OUTPAINT -> request.withOutpaint(OutpaintRequests.canvasOf(sources.of(source), p,
                    generator.sizeStep()), source.strength());
            case UPSCALE, UPSCALE_DETAILED -> throw new IllegalArgumentException(
                    "an upscale is not a generation request: " + source.kind());
        };
    }

    /** The request of an upscale job: its source at twice the size; the prompt, seed and guidance of its picture. */
    UpscaleRequest upscaleOf(JobParameters p) {
        JobSource source = p.source();
        Picture picture = sources.of(source);
        UpscaleRequest.Kind kind = source.kind() == JobSource.Kind.UPSCALE_DETAILED
                ? UpscaleRequest.Kind.X2_DETAILED : UpscaleRequest.Kind.X2;
        return new UpscaleRequest(picture, kind, p.prompt(), p.seed(), p.steps(), p.guidance(), source.strength(),
                UpscaleRequest.DEFAULT_TILE, UpscaleRequest.DEFAULT_OVERLAP);
    }

    /**
     * The UNet a job is denoised with: the one it names, else (a job stored before jobs named one) the generator's
     * own, the configured one.
     */
    static Precision precisionOf(JobParameters p, ImageGenerator generator) {
        return p.precision() != null ? p.precision() : Precision.valueOf(generator.precision().name());
    }

    /** Whether the generator holds the UNet of {@code precision}. */
    static boolean holds(ImageGenerator generator, Precision precision) {
        return generator.precisions().contains(unetOf(precision));
    }

    static dev.imagine.pipeline.Precision unetOf(Precision precision) {
        return dev.imagine.pipeline.Precision.valueOf(precision.name());
    }

    static boolean upscales(JobParameters p) {
        return p.source() != null && p.source().kind().upscales();
    }

    Generation begin(JobParameters p) {
        return upscales(p) ? new UpscaleGeneration(generator, upscaleOf(p), ticker) : generator.begin(requestOf(p));
    }
}
