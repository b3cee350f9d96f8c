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

    /** Whether {@link GenerationRequest.Decoder#FAST} can be asked for (a fast decoder was loaded). */
    default boolean hasFastDecoder() {
        return false;
    }

    /** A short name of the loaded model, as written into the PNG parameters. */
    String modelName();

    @Override
    void close();
}
