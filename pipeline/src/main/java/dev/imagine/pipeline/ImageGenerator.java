package dev.imagine.pipeline;

import java.nio.file.Path;

/**
 * Turns a prompt and a seed into pictures. One instance holds the loaded networks (a few GB for the full model):
 * create it once, share it, close it at shutdown. Not safe for concurrent {@code generate} calls; the networks
 * already use every core for one image.
 */
public interface ImageGenerator extends AutoCloseable {

    /** Loads the LCM pipeline from a model folder in the optimum ONNX layout. */
    static ImageGenerator open(Path modelFolder, PipelineOptions options) {
        return LcmPipeline.open(modelFolder, options);
    }

    /**
     * The prompt as the text encoder will read it in {@code syntax} (chunks of 77 ids for CLIP, with the weight of
     * each), without running any network.
     */
    TokenizedPrompt tokenize(String prompt, PromptSyntax syntax);

    /** {@link #tokenize(String, PromptSyntax)} in the default syntax, {@link PromptSyntax#A1111}. */
    default TokenizedPrompt tokenize(String prompt) {
        return tokenize(prompt, PromptSyntax.DEFAULT);
    }

    /**
     * Generates {@code request.count()} images. Progress is reported after each denoising step; the signal is
     * checked before each step.
     *
     * @throws GenerationCancelledException when the signal said so
     * @throws PipelineException            on any other failure; the generator stays usable
     */
    GenerationResult generate(GenerationRequest request, ProgressListener progress, CancellationSignal cancel);

    default GenerationResult generate(GenerationRequest request) {
        return generate(request, ProgressListener.NONE, CancellationSignal.NEVER);
    }

    /**
     * Starts a generation that can be stepped, parked between denoising steps while other generations run on
     * this generator, and resumed with the same pixels as {@link #generate}. The pipeline encodes the prompt here.
     * This default, for generators that cannot stop in the middle, runs the whole {@code generate} in one step.
     *
     * @throws PipelineException on failure
     */
    default Generation begin(GenerationRequest request) {
        return new WholeGeneration(this, request);
    }

    /** The UNet precision a request that names none is denoised with ({@link PipelineOptions#precision()}). */
    default Precision precision() {
        return Precision.FP32;
    }

    /** The full VAE decoder's arithmetic ({@link PipelineOptions#decoderPrecision()}); TAESD is always float32. */
    default Precision decoderPrecision() {
        return Precision.FP32;
    }

    /**
     * The precisions a request may ask for: {@link #precision()}, and the other one too when the generator was opened
     * to compare them ({@link PipelineOptions#comparePrecision()}).
     */
    default java.util.Set<Precision> precisions() {
        return java.util.Set.of(precision());
    }

    /** Whether {@link GenerationRequest.Decoder#FAST} can be asked for (a fast decoder was loaded). */
    default boolean hasFastDecoder() {
        return false;
    }

    /** Whether {@link #upscale} can run: an upscaler network was loaded ({@link PipelineOptions#upscaler()}). */
    default boolean supportsUpscale() {
        return false;
    }

    /** The super-resolution network's name as the PNG parameters give it, or null without one. */
    default String upscalerName() {
        return null;
    }

    /**
     * Upscales a picture 2x, plainly or with the detailed tiled refinement ({@link UpscaleRequest}). Progress is
     * reported after each refinement step (tiles x steps in all); the signal is checked before each.
     *
     * @throws GenerationCancelledException when the signal said so
     * @throws PipelineException            on any other failure, or when no upscaler was loaded
     */
    default GeneratedImage upscale(UpscaleRequest request, ProgressListener progress, CancellationSignal cancel) {
        throw new PipelineException("this generator cannot upscale");
    }

    /**
     * Whether requests with a source picture (image to image, inpainting, zoom out and pan) can be drawn: the model
     * has a VAE encoder.
     */
    default boolean supportsImageToImage() {
        return false;
    }

    /**
     * Width and height must be multiples of this: 8 for the VAE times 2 for each time the exported UNet halves the
     * latent (64 for SD 1.5, whose ONNX UNet upsamples by a fixed factor and cannot run other multiples of 8).
     */
    default int sizeStep() {
        return 64;
    }

    /**
     * A decoded picture at the size image to image will use: the given width and height, or (when both are null)
     * its own size rounded down to a multiple of {@link #sizeStep()} (diffusers rounds to 8, which an exported SD 1.5
     * UNet cannot run), scaled first when a side is outside {@link GenerationRequest#MIN_SIZE}..{@link
     * GenerationRequest#MAX_SIZE}; with only one of the two given, the other keeps the proportions. Resized as
     * diffusers does (Pillow's Lanczos); the same picture when the size is already right.
     */
    default Picture prepareSource(Picture picture, Integer width, Integer height) {
        int[] size;
        if (width != null && height != null) {
            size = new int[] {width, height};
        } else if (width != null) {
            size = new int[] {width, ModelSizes.fit(width, (int) Math.round((double) picture.height() * width
                    / picture.width()), sizeStep(), GenerationRequest.MIN_SIZE, GenerationRequest.MAX_SIZE)[1]};
        } else if (height != null) {
            size = new int[] {ModelSizes.fit((int) Math.round((double) picture.width() * height / picture.height()),
                    height, sizeStep(), GenerationRequest.MIN_SIZE, GenerationRequest.MAX_SIZE)[0], height};
        } else {
            size = ModelSizes.fit(picture.width(), picture.height(), sizeStep(), GenerationRequest.MIN_SIZE,
                    GenerationRequest.MAX_SIZE);
        }
        return picture.resized(size[0], size[1]);
    }

    /** A short name of the loaded model, as written into the PNG parameters. */
    String modelName();

    @Override
    void close();
}
