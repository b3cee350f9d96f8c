package dev.imagine.bot.job;

import dev.imagine.bot.cache.CacheKey;
import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.JobSource;
import dev.imagine.bot.command.Precision;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.GenerationResult;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.TokenizedPrompt;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pictures of jobs in the result cache: keyed on every parameter that changes the pixels (the model and its
 * revision, with {@code +int8} after it for pictures of the int8 UNet and {@code +vae-int8} for those of the int8
 * full VAE decoder, the prompt as read in its syntax, seed, steps, size, guidance, decoder; and for a job made from a picture
 * that picture's pixel hash, the strength and what is done with it), kept without words, handed out
 * labelled with each job's own parameters ({@link PictureLabels}).
 *
 * @param generator  the tokenizer of the cache keys
 */
record Pictures(String modelId, String modelRevision, ImageGenerator generator, ResultCache cache,
                PictureLabels labels) {

    /** The job's prompt as the pipeline will read it, in the job's prompt syntax. */
    TokenizedPrompt promptOf(JobParameters parameters) {
        return generator.tokenize(parameters.prompt(), PictureLabels.promptSyntaxOf(parameters));
    }

    /** How many tokens {@code text} has, read in the syntax of {@code parameters}. */
    int tokensOf(String text, JobParameters parameters) {
        return generator.tokenize(text, PictureLabels.promptSyntaxOf(parameters)).contentTokens();
    }

    /**
     * The revision in the keys of a job's pictures: the model's for fp32 ones; for int8 ones the model's with
     * {@code +int8} after it, so the two never share an entry (and int8 pictures kept while int8 was the whole
     * process's precision keep their keys).
     */
    String revisionOf(JobParameters parameters) {
        Precision precision = Drawing.precisionOf(parameters, generator);
        String revision = precision == Precision.FP32 ? modelRevision : modelRevision + "+" + precision.label();
        // Pictures of the int8 full VAE decoder (model.decoder-precision) are kept apart from the float32 decoder's.
        boolean int8Decoder = generator.decoderPrecision() == dev.imagine.pipeline.Precision.INT8
                && parameters.decoder() == dev.imagine.bot.command.Decoder.FULL;
        return int8Decoder ? revision + "+vae-int8" : revision;
    }

    /** One key per picture of a job with these parameters. */
    List<CacheKey> keysOf(JobParameters parameters) {
        TokenizedPrompt tokens = promptOf(parameters);
        String modelRevision = revisionOf(parameters);
        List<CacheKey> keys = new ArrayList<>();
        JobSource source = parameters.source();
        for (int i = 0; i < parameters.count(); i++) {
            if (source == null) {
                keys.add(CacheKey.of(modelId, modelRevision, tokens, parameters.seed() + i, parameters.steps(),
                        parameters.size().width(), parameters.size().height(), parameters.guidance(),
                        parameters.decoder().label()));
            } else if (source.kind() == JobSource.Kind.INPAINT || source.kind() == JobSource.Kind.OUTPAINT) {
                boolean zoomOrPan = source.kind() == JobSource.Kind.OUTPAINT;
                keys.add(CacheKey.of(modelId, modelRevision, tokens, parameters.seed() + i, parameters.steps(),
                        parameters.size().width(), parameters.size().height(), parameters.guidance(),
                        parameters.decoder().label(), source.picture(), source.strength(),
                        zoomOrPan ? "" : source.mask(), zoomOrPan ? GenerationRequest.OUTPAINT_MASK_BLUR
                                : GenerationRequest.DEFAULT_MASK_BLUR, zoomOrPan ? source.outpaint() : ""));
            } else {
                keys.add(CacheKey.of(modelId, modelRevision, tokens, parameters.seed() + i, parameters.steps(),
                        parameters.size().width(), parameters.size().height(), parameters.guidance(),
                        treatment(parameters), source.picture(), source.strength()));
            }
        }
        return keys;
    }

    /**
     * What is done with a job's source in its cache key: image to image decodes with the job's decoder; an upscale
     * names its network too, so that another upscaler never serves its pictures.
     */
    private String treatment(JobParameters parameters) {
        return switch (parameters.source().kind()) {
            case IMAGE_TO_IMAGE, INPAINT, OUTPAINT -> parameters.decoder().label();
            case UPSCALE -> "upscale-2x:" + generator.upscalerName();
            case UPSCALE_DETAILED -> "upscale-2x-detailed:" + generator.upscalerName();
        };
    }

    static List<String> digests(List<CacheKey> keys) {
        return keys.stream().map(CacheKey::digest).toList();
    }

    /** The pictures when the cache has all of them (counted there as one hit or one miss). */
    Optional<List<byte[]>> cached(List<CacheKey> keys) {
        return cache.lookup(keys);
    }

    /**
     * Keeps a generation's pictures under {@code keys}, without any text; returns them as kept. Every job that gets
     * them (this one, those waiting for it, later cache answers) gets its own text on them.
     */
    List<byte[]> keep(List<CacheKey> keys, GenerationResult result) {
        List<byte[]> pictures = new ArrayList<>();
        for (int i = 0; i < result.images().size(); i++) {
            byte[] picture = PictureLabels.forCache(result.images().get(i).png());
            cache.put(keys.get(i), picture);
            pictures.add(picture);
        }
        return pictures;
    }

    /** {@code pictures} as {@code job} hands them out: each with the job's own parameters. */
    List<byte[]> labelled(Job job, List<byte[]> pictures) {
        return labels.forJob(job, pictures);
    }

    /** The finished images of a job as the cache keeps them (no text), when they are all still there. */
    Optional<List<byte[]>> rawImages(Job job) {
        if (job.state() != JobState.DONE) {
            return Optional.empty();
        }
        List<byte[]> images = new ArrayList<>();
        for (String digest : job.resultKeys()) {
            Optional<byte[]> png = cache.read(new CacheKey(digest));
            if (png.isEmpty()) {
                return Optional.empty();
            }
            images.add(png.get());
        }
        return Optional.of(images);
    }

    ResultCache.Stats stats() {
        return cache.stats();
    }
}
