package dev.imagine.bot.cli;

import dev.imagine.bot.command.RequestRules;
import dev.imagine.pipeline.GeneratedImage;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.GenerationResult;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.ModelRef;
import dev.imagine.pipeline.ModelStore;
import dev.imagine.pipeline.Outpaint;
import dev.imagine.pipeline.Picture;
import dev.imagine.pipeline.PictureDecoder;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.PipelineOptions;
import dev.imagine.pipeline.Precision;
import dev.imagine.pipeline.PromptSyntax;
import dev.imagine.pipeline.TokenizedPrompt;
import dev.imagine.pipeline.UpscaleRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code imagine generate}: one prompt to PNG files, with a progress bar; with {@code --image}, image to image from a
 * picture, with {@code --mask} its white part redrawn, with {@code --outpaint} zoomed out or panned, or with
 * {@code --upscale}, that picture upscaled 2x.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate images from a prompt (and optionally a picture) with a model folder in the optimum ONNX"
                + " layout, or upscale a picture.")
public final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR",
            description = "Model folder (optimum ONNX layout: text_encoder/, unet/, vae_decoder/, tokenizer/, scheduler/)."
                    + " Default: the LCM Dreamshaper v7 model from the model cache, downloaded on first use.")
    Path model;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Model cache folder (default: $XDG_CACHE_HOME/imagine/models or ~/.cache/imagine/models).")
    Path cacheDir;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "What to draw.")
    String prompt;

    @Option(names = "--seed", paramLabel = "N",
            description = "Random seed; the same seed gives the same picture. Default: a random one, printed.")
    Long seed;

    @Option(names = "--steps", paramLabel = "N",
            description = "Denoising steps, 1..8 (default: 4; with --upscale 2x-detailed, 2 per tile).")
    Integer steps;

    @Option(names = "--guidance", defaultValue = "8.0", paramLabel = "G", description = "Guidance scale, 1..20 (default: ${DEFAULT-VALUE}).")
    float guidance;

    @Option(names = "--width", paramLabel = "W", description = "Width in pixels, a multiple of 8 in 256..1024 (default: 512;"
            + " with --image, the picture's own, rounded down to what the model draws).")
    Integer width;

    @Option(names = "--height", paramLabel = "H", description = "Height in pixels, a multiple of 8 in 256..1024 (default:"
            + " 512; with --image, the picture's own, rounded down to what the model draws).")
    Integer height;

    @Option(names = "--image", paramLabel = "FILE",
            description = "Start from this picture (PNG, JPEG or WebP): image to image, as diffusers' "
                    + "LatentConsistencyModelImg2ImgPipeline.")
    Path image;

    @Option(names = "--strength", paramLabel = "S",
            description = "With --image: how far from the picture to go, above 0 and at most 1; int(50 x S) must be at"
                    + " least the steps (default: 0.5; with --upscale 2x-detailed, 0.3). With --mask or --outpaint:"
                    + " the last int(steps x S) of the steps run (default: 1.0 with --mask, 0.8 with --outpaint).")
    Double strength;

    @Option(names = "--mask", paramLabel = "MASK.png",
            description = "With --image: redraw the white part of this mask and keep the black (read as grey, white"
                    + " from 128 up; with transparency, the opaque part), as diffusers' StableDiffusionInpaintPipeline."
                    + " A mask of another size is scaled to the picture; one of other proportions is refused.")
    Path mask;

    @Option(names = "--outpaint", paramLabel = "zoom-1.5|zoom-2|left|right|up|down",
            description = "With --image: zoom out (the picture shrunk into the middle of a canvas of its size, the"
                    + " border drawn) or pan (the canvas grows by half a side that way, at most 1024 pixels, and the"
                    + " new strip is drawn).")
    String outpaint;

    @Option(names = "--mask-blur", paramLabel = "N",
            description = "With --mask or --outpaint: feather the mask's edge by N pixels, 0..64 (default: 4; with"
                    + " --outpaint, 8).")
    Integer maskBlur;

    @Option(names = "--upscale", paramLabel = "2x|2x-detailed",
            description = "Upscale the --image picture 2x with the --upscaler network; 2x-detailed also redraws its"
                    + " details in 512x512 tiles with LCM image to image.")
    String upscale;

    @Option(names = "--upscaler", paramLabel = "DIR",
            description = "The super-resolution network for --upscale: a folder with model.onnx (Real-ESRGAN's "
                    + "realesr-general-x4v3, made by tools/upscaler/convert.py).")
    Path upscaler;

    @Option(names = "--count", defaultValue = "1", paramLabel = "N",
            description = "Images to make, 1..4; image i uses seed + i (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--output", defaultValue = "imagine.png", paramLabel = "FILE.png",
            description = "Where to write the PNG; with --count > 1, FILE-1.png, FILE-2.png, ... (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads (default: the physical cores).")
    Integer threads;

    @Option(names = "--prompt-syntax", defaultValue = "a1111", paramLabel = "a1111|plain",
            converter = PromptSyntaxConverter.class, description = PromptSyntaxConverter.DESCRIPTION)
    PromptSyntax promptSyntax;

    @Option(names = "--fast-decoder", paramLabel = "DIR",
            description = "Decode with TAESD from DIR (vae_decoder/model.onnx, as in deinferno/taesd-onnx): about"
                    + " 17x cheaper than the full VAE, slightly softer pictures.")
    Path fastDecoder;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|int8",
            converter = PrecisionConverter.class,
            description = "The UNet's arithmetic: fp32 (equal to diffusers) or int8 (faster on CPUs with VNNI,"
                    + " slightly different pixels; prepared beside the model the first time, a few minutes)"
                    + " (default: ${DEFAULT-VALUE}).")
    Precision precision;

    @Option(names = "--decoder-precision", defaultValue = "fp32", paramLabel = "fp32|int8",
            converter = PrecisionConverter.class,
            description = "The full VAE decoder's arithmetic: fp32 or int8 (decodes faster, costs some pixel"
                    + " accuracy; prepared beside the model the first time) (default: ${DEFAULT-VALUE}).")
    Precision decoderPrecision;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        checkCombination();
        Picture picture = image == null ? null : PictureDecoder.DEFAULT.read(image);
        Picture maskPicture = mask == null ? null : MaskedSources.readMask(mask);
        Outpaint.Mode outpaintMode = outpaint == null ? null : Outpaint.Mode.parse(outpaint);
        long chosenSeed = seed != null ? seed : RequestRules.seedFrom(new SecureRandom().nextLong());
        GenerationRequest request = null;
        if (upscale == null) {
            request = new GenerationRequest(prompt, chosenSeed, steps == null ? GenerationRequest.DEFAULT_STEPS : steps,
                    guidance, width == null ? GenerationRequest.DEFAULT_SIZE : width,
                    height == null ? GenerationRequest.DEFAULT_SIZE : height, count,
                    fastDecoder == null ? GenerationRequest.Decoder.FULL : GenerationRequest.Decoder.FAST,
                    promptSyntax);
        }
        if (seed == null) {
            err.println("seed: " + chosenSeed);
        }
        PipelineOptions options = (threads == null ? PipelineOptions.defaults() : new PipelineOptions(threads))
                .withFastDecoder(fastDecoder).withUpscaler(upscaler).withPrecision(precision)
                .withDecoderPrecision(decoderPrecision);
        Path folder = model != null ? model : defaultModel(err);
        try (ImageGenerator generator = ImageGenerator.open(folder, options);
             ProgressBar progress = ProgressBar.forStderr(err, upscale == null ? "generating" : "upscaling")) {
            if (upscale != null) {
                return upscale(generator, picture, chosenSeed, progress, err);
            }
            if (picture != null) {
                Picture source = generator.prepareSource(picture, width, height);
                if (source.width() != picture.width() || source.height() != picture.height()) {
                    err.printf("the picture is %dx%d; drawing at %dx%d%s%n", picture.width(), picture.height(),
                            source.width(), source.height(), width == null && height == null
                                    ? " (sides are multiples of " + generator.sizeStep() + " for this model, "
                                    + GenerationRequest.MIN_SIZE + " to " + GenerationRequest.MAX_SIZE + ")" : "");
                }
                if (maskPicture != null) {
                    request = MaskedSources.inpaint(request, picture, source, maskPicture, maskBlur, strength, err);
                } else if (outpaintMode != null) {
                    request = MaskedSources.outpaint(request, source, outpaintMode, generator, maskBlur, strength, err);
                } else {
                    request = request.withSource(source,
                            strength == null ? GenerationRequest.DEFAULT_STRENGTH : strength);
                }
            }
            GenerationResult result = generator.generate(request, progress, () -> false);
            progress.finish();
            for (int i = 0; i < result.images().size(); i++) {
                GeneratedImage image = result.images().get(i);
                Path target = outputFor(i, result.images().size());
                writeAtomically(target, image.png());
                spec.commandLine().getOut().println(target);
                err.printf("wrote %s (%dx%d, seed %d)%n", target, image.width(), image.height(), image.seed());
            }
            err.printf("took %.1f s: text %.2f s, denoising %.1f s, decoding %.1f s%n",
                    result.total().toMillis() / 1000.0, result.textEncoding().toMillis() / 1000.0,
                    result.denoising().toMillis() / 1000.0, result.decoding().toMillis() / 1000.0);
            TokenizedPrompt read = result.prompt();
            if (read.truncated()) {
                err.printf("note: the prompt was cut: %d of its %d tokens were dropped (the model reads at most %d;"
                                + " --prompt-syntax a1111 reads it all in chunks)%n",
                        read.droppedTokens(), read.contentTokens(), read.keptTokens());
            } else if (read.chunked()) {
                err.printf("note: the prompt was read in %d chunks (%d tokens; the model reads 75 at a time)%n",
                        read.chunks().size(), read.contentTokens());
            }
        }
        return 0;
    }

    private void checkCombination() {
        if (image == null && (strength != null || upscale != null || mask != null || outpaint != null)) {
            throw new PipelineException((strength != null ? "--strength" : upscale != null ? "--upscale"
                    : mask != null ? "--mask" : "--outpaint") + " works on a picture: add --image FILE");
        }
        if (mask != null && outpaint != null) {
            throw new PipelineException("--mask and --outpaint cannot be combined: --outpaint makes its own mask");
        }
        if (maskBlur != null && mask == null && outpaint == null) {
            throw new PipelineException("--mask-blur feathers a mask: add --mask MASK.png or --outpaint MODE");
        }
        if (upscale != null && (mask != null || outpaint != null)) {
            throw new PipelineException("--upscale cannot be combined with --mask or --outpaint: upscale the result "
                    + "afterwards");
        }
        if (upscale != null) {
            if (!upscale.equals("2x") && !upscale.equals("2x-detailed")) {
                throw new PipelineException("--upscale is '" + upscale + "': use 2x or 2x-detailed");
            }
            if (upscaler == null) {
                throw new PipelineException("--upscale needs --upscaler DIR: a folder with Real-ESRGAN's "
                        + "realesr-general-x4v3 in ONNX (tools/upscaler/convert.py makes it)");
            }
            if (count != 1 || width != null || height != null) {
                throw new PipelineException("--upscale makes one picture twice the size of --image: leave out --count, "
                        + "--width and --height");
            }
        }
    }

    private int upscale(ImageGenerator generator, Picture picture, long chosenSeed, ProgressBar progress,
                        PrintWriter err) throws IOException {
        boolean detailed = upscale.equals("2x-detailed");
        UpscaleRequest request = new UpscaleRequest(picture,
                detailed ? UpscaleRequest.Kind.X2_DETAILED : UpscaleRequest.Kind.X2, prompt, chosenSeed,
                steps == null ? UpscaleRequest.DEFAULT_STEPS : steps, guidance,
                strength == null ? UpscaleRequest.DEFAULT_STRENGTH : strength, UpscaleRequest.DEFAULT_TILE,
                UpscaleRequest.DEFAULT_OVERLAP);
        long start = System.nanoTime();
        GeneratedImage result = generator.upscale(request, progress, () -> false);
        progress.finish();
        writeAtomically(output, result.png());
        spec.commandLine().getOut().println(output);
        err.printf("wrote %s (%dx%d from %dx%d%s) in %.1f s%n", output, result.width(), result.height(),
                picture.width(), picture.height(), detailed ? ", detailed, seed " + chosenSeed : "",
                (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** The default model from the cache; downloaded (with a progress bar) only when it is not there yet. */
    private Path defaultModel(PrintWriter err) {
        ModelStore store = ModelStore.fromEnvironment(cacheDir);
        Optional<Path> cached = store.cached(ModelRef.LCM_DREAMSHAPER_V7);
        if (cached.isPresent()) {
            return cached.get();
        }
        err.println("first run: downloading " + ModelRef.LCM_DREAMSHAPER_V7.repo() + " into " + store.cacheDir());
        try (DownloadProgressBar bar = DownloadProgressBar.forStderr(err)) {
            return store.pull(ModelRef.LCM_DREAMSHAPER_V7, bar);
        }
    }

    private Path outputFor(int index, int total) {
        if (total == 1) {
            return output;
        }
        String name = output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : ".png";
        return output.resolveSibling(stem + "-" + (index + 1) + extension);
    }

    /** Never leaves a half-written PNG where a complete one is expected. */
    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path temp = Files.createTempFile(parent, ".imagine-", ".tmp");
        try {
            Files.write(temp, bytes);
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
