package dev.imagine.bot.job;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.PngParameters;
import dev.imagine.pipeline.UpscaleRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Pixels are shared, words are not. The result cache is keyed on the prompt as tokenized, so two people whose prompts
 * tokenize alike ({@code My Diary} and {@code my   diary}, or two long prompts that differ only after the 77th
 * token) get one picture, and identical requests in flight share one generation. A picture is therefore cached
 * without any text, and every PNG a job hands out (to its sink, in a cache answer, through the API) is labelled here
 * with that job's own prompt, seed, steps, size and guidance, in the generator's own format (and, for a picture made
 * from another, AUTOMATIC1111's keys for it: the denoising strength, the upscaler, the source's hash).
 */
final class PictureLabels {
    private final ImageGenerator generator;
    private Drawing drawing;

    PictureLabels(ImageGenerator generator) {
        this.generator = generator;
    }

    /** How jobs with a source picture are drawn, and so labelled (image to image, the upscales). */
    PictureLabels drawing(Drawing value) {
        this.drawing = value;
        return this;
    }

    /** What the pipeline is asked to draw for a job: with the UNet the job names (the configured one if none). */
    static GenerationRequest requestOf(JobParameters p, ImageGenerator generator) {
        return new GenerationRequest(p.prompt(), p.seed(), p.steps(), p.guidance(), p.size().width(),
                p.size().height(), p.count(),
                p.decoder() == Decoder.FAST ? GenerationRequest.Decoder.FAST : GenerationRequest.Decoder.FULL,
                promptSyntaxOf(p)).withPrecision(Drawing.unetOf(Drawing.precisionOf(p, generator)));
    }

    /** How the pipeline reads the job's prompt. */
    static dev.imagine.pipeline.PromptSyntax promptSyntaxOf(JobParameters parameters) {
        return parameters.promptSyntax() == dev.imagine.bot.command.PromptSyntax.PLAIN
                ? dev.imagine.pipeline.PromptSyntax.PLAIN : dev.imagine.pipeline.PromptSyntax.A1111;
    }

    /** The picture as the cache keeps it: nothing of whoever asked for it first. */
    static byte[] forCache(byte[] png) {
        return PngParameters.withoutText(png);
    }

    /**
     * The {@code index}th picture of {@code job}, with the job's own parameters as its only text (for a picture made
     * from another, what was done to it as well).
     */
    byte[] forJob(Job job, byte[] picture, int index) {
        return label(job, picture, index, sourceRequestOf(job));
    }

    /** The pictures of {@code job}, in order, each with the job's own parameters as its only text. */
    List<byte[]> forJob(Job job, List<byte[]> pictures) {
        // Worked out once: for a picture made from another it reads the source picture.
        GenerationRequest request = sourceRequestOf(job);
        List<byte[]> labelled = new ArrayList<>(pictures.size());
        for (int i = 0; i < pictures.size(); i++) {
            labelled.add(label(job, pictures.get(i), i, request));
        }
        return labelled;
    }

    /** The request a job with a source picture was drawn with (null for an upscale or a job from words alone). */
    private GenerationRequest sourceRequestOf(Job job) {
        JobParameters p = job.parameters();
        return p.source() == null || Drawing.upscales(p) ? null : drawing.requestOf(p);
    }

    private byte[] label(Job job, byte[] picture, int index, GenerationRequest sourceRequest) {
        String model = generator.modelName();
        if (Drawing.upscales(job.parameters())) {
            UpscaleRequest upscale = drawing.upscaleOf(job.parameters());
            return PngParameters.labelled(picture, upscale, model, generator.upscalerName());
        }
        GenerationRequest request = sourceRequest != null ? sourceRequest : requestOf(job.parameters(), generator);
        return PngParameters.labelled(picture, request, index, model, generator.decoderPrecision());
    }
}
