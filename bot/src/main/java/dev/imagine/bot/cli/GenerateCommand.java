package dev.imagine.bot.cli;

import dev.imagine.pipeline.GeneratedImage;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.GenerationResult;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.ModelRef;
import dev.imagine.pipeline.ModelStore;
import dev.imagine.pipeline.PipelineOptions;
import dev.imagine.pipeline.Precision;
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

/** {@code imagine generate}: one prompt to PNG files, with a progress bar. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate images from a prompt with a model folder in the optimum ONNX layout.")
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

    @Option(names = "--steps", defaultValue = "4", paramLabel = "N", description = "Denoising steps, 1..8 (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--guidance", defaultValue = "8.0", paramLabel = "G", description = "Guidance scale, 1..20 (default: ${DEFAULT-VALUE}).")
    float guidance;

    @Option(names = "--width", defaultValue = "512", paramLabel = "W", description = "Width in pixels, a multiple of 8 in 256..1024 (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", defaultValue = "512", paramLabel = "H", description = "Height in pixels, a multiple of 8 in 256..1024 (default: ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--count", defaultValue = "1", paramLabel = "N",
            description = "Images to make, 1..4; image i uses seed + i (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--output", defaultValue = "imagine.png", paramLabel = "FILE.png",
            description = "Where to write the PNG; with --count > 1, FILE-1.png, FILE-2.png, ... (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads (default: the physical cores).")
    Integer threads;

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

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        long chosenSeed = seed != null ? seed : new SecureRandom().nextLong() & 0xFFFF_FFFFL;
        GenerationRequest request = new GenerationRequest(prompt, chosenSeed, steps, guidance, width, height, count,
                fastDecoder == null ? GenerationRequest.Decoder.FULL : GenerationRequest.Decoder.FAST);
        if (seed == null) {
            err.println("seed: " + chosenSeed);
        }
        PipelineOptions options = (threads == null ? PipelineOptions.defaults() : new PipelineOptions(threads))
                .withFastDecoder(fastDecoder).withPrecision(precision);
        Path folder = model != null ? model : defaultModel(err);
        try (ImageGenerator generator = ImageGenerator.open(folder, options);
             ProgressBar progress = ProgressBar.forStderr(err, "generating")) {
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
            if (result.prompt().truncated()) {
                err.printf("note: the prompt was cut: %d of its %d tokens were dropped (the model reads at most %d)%n",
                        result.prompt().droppedTokens(), result.prompt().contentTokens(), result.prompt().keptTokens());
            }
        }
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
