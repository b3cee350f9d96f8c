package dev.imagine.pipeline;

import dev.imagine.pipeline.safety.OnnxImageClassifier;
import java.nio.file.Path;
import java.util.List;

/**
 * An image classifier in ONNX, such as an NSFW detector, run on a finished picture. It loads a Hugging Face
 * image-classification export to ONNX: {@code model.onnx} (or {@code onnx/model.onnx}) with input
 * {@code pixel_values} [batch, 3, H, W] and output {@code logits}, {@code config.json} with {@code id2label}, and
 * {@code preprocessor_config.json}, whose resize, rescale and normalisation are applied exactly as transformers'
 * {@code ViTImageProcessor} applies them (Pillow's resampling included), so the probabilities are those PyTorch
 * gives. Create it once, share it, close it at shutdown.
 *
 * <pre>{@code
 * try (ImageClassifier nsfw = ImageClassifier.open(folder, PipelineOptions.defaults())) {
 *     float p = nsfw.classifyPng(image.png()).probability("nsfw");
 * }
 * }</pre>
 */
public interface ImageClassifier extends AutoCloseable {

    /** The files of a classifier repository that are fetched: nothing the classifier does not read. */
    List<String> HUB_FILES = List.of("config.json", "preprocessor_config.json", "*model.onnx");

    /**
     * Loads the classifier in {@code folder} with the threads of {@code options}.
     *
     * @throws PipelineException naming the missing file, input or output when the folder is not such an export
     */
    static ImageClassifier open(Path folder, PipelineOptions options) {
        return OnnxImageClassifier.open(folder, options);
    }

    /**
     * The hub reference of a classifier, from {@code owner/name[@revision]}: a well-known repository
     * ({@link ModelRef#NSFW_CLASSIFIER}) keeps its pinned revision and files; any other gets only
     * {@link #HUB_FILES} (its {@code model.onnx} at the top or under {@code onnx/}, and the two JSON files), so the
     * PyTorch weights and the other ONNX variants such a repository holds are never downloaded.
     */
    static ModelRef hubReference(String spec) {
        ModelRef ref = ModelRef.parse(spec);
        return ref.includePatterns().isEmpty() ? ref.withIncludePatterns(HUB_FILES) : ref;
    }

    /** The class names, in the model's order. */
    List<String> labels();

    /**
     * Classifies one picture.
     *
     * @param rgb interleaved 8-bit RGB, {@code width * height * 3} bytes, row by row (what the pipeline produces
     *            before PNG encoding)
     */
    LabelScores classify(byte[] rgb, int width, int height);

    /** Classifies a PNG (any bit depth or colour type; transparency is ignored). */
    LabelScores classifyPng(byte[] png);

    /** The folder the classifier was loaded from. */
    Path folder();

    @Override
    void close();
}
