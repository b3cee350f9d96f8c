package dev.imagine.pipeline.safety;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import dev.imagine.pipeline.ImageClassifier;
import dev.imagine.pipeline.LabelScores;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.PipelineOptions;
import dev.imagine.pipeline.onnx.OnnxModel;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.onnx.TensorSpec;
import dev.imagine.pipeline.onnx.Tensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An image-classification model on ONNX Runtime: {@code pixel_values} [batch, 3, H, W] in, {@code logits}
 * [batch, labels] out. Owns its session. The input's height and width, when the graph fixes them, must be the
 * preprocessor's size; the number of logits must be the number of labels.
 */
public final class OnnxImageClassifier implements ImageClassifier {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxImageClassifier.class);
    static final String INPUT = "pixel_values";
    static final String OUTPUT = "logits";

    private final OrtEnvironment env;
    private final OnnxModel model;
    private final ClassifierFolder folder;

    private OnnxImageClassifier(OrtEnvironment env, OnnxModel model, ClassifierFolder folder) {
        this.env = env;
        this.model = model;
        this.folder = folder;
        TensorSpec input = model.input(INPUT);
        model.requireOutput(OUTPUT);
        long[] shape = input.shape();
        if (input.type() != OnnxJavaType.FLOAT || shape.length != 4 || (shape[1] > 0 && shape[1] != 3)) {
            throw new PipelineException(model.file() + ": input '" + INPUT + "' is " + input
                    + "; an image classifier takes float [batch, 3, height, width]");
        }
        ImagePreprocessing pre = folder.preprocessing();
        if (pre.resample() != null && ((shape[2] > 0 && shape[2] != pre.height()) || (shape[3] > 0 && shape[3] != pre.width()))) {
            throw new PipelineException(model.file() + " takes pictures of " + shape[3] + "x" + shape[2]
                    + " but preprocessor_config.json resizes them to " + pre.width() + "x" + pre.height());
        }
    }

    public static OnnxImageClassifier open(Path root, PipelineOptions options) {
        ClassifierFolder folder = ClassifierFolder.open(root);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        SessionSettings settings = SessionSettings.withThreads(options.intraOpThreads())
                .withOptimizedModelCache(options.cacheOptimizedModels(), SessionSettings.DEFAULT_CACHE_MIN_BYTES);
        long start = System.nanoTime();
        OnnxImageClassifier classifier = OnnxModel.loadInto(env, folder.model(), settings,
                model -> new OnnxImageClassifier(env, model, folder));
        try {
            classifier.warmUp();
        } catch (RuntimeException e) {
            classifier.close();
            throw e;
        }
        LOG.info("loaded classifier {} in {} ms: labels {}, {}", folder.model(), (System.nanoTime() - start) / 1_000_000,
                folder.labels(), folder.preprocessing());
        return classifier;
    }

    /**
     * One run on a grey picture of the model's size: the first run of a session is several times slower than the
     * next ones, and a model whose logits do not match the labels of config.json is refused now, at start.
     */
    private void warmUp() {
        // Without a resize step pictures go in at their own size; the size a ViT is usually trained on stands in.
        ImagePreprocessing pre = folder.preprocessing();
        int w = pre.resample() == null ? 224 : pre.width();
        int h = pre.resample() == null ? 224 : pre.height();
        byte[] grey = new byte[w * h * 3];
        java.util.Arrays.fill(grey, (byte) 128);
        classify(grey, w, h);
    }

    @Override
    public List<String> labels() {
        return folder.labels();
    }

    @Override
    public Path folder() {
        return folder.root();
    }

    @Override
    public LabelScores classify(byte[] rgb, int width, int height) {
        if (width < 1 || height < 1 || rgb.length != (long) width * height * 3) {
            throw new PipelineException("a " + width + "x" + height + " RGB picture has " + (long) width * height * 3
                    + " bytes, got " + rgb.length);
        }
        ImagePreprocessing pre = folder.preprocessing();
        float[] pixels = pre.pixelValues(rgb, width, height);
        float[] logits;
        try (OnnxTensor tensor = Tensors.floats(env, pixels, 1, 3, pre.outputHeight(height), pre.outputWidth(width))) {
            logits = model.runForFloats(Map.of(INPUT, tensor), OUTPUT);
        }
        if (logits.length != folder.labels().size()) {
            throw new PipelineException(model.file() + " gave " + logits.length + " logits but config.json names "
                    + folder.labels().size() + " labels " + folder.labels());
        }
        return LabelScores.fromLogits(folder.labels(), logits);
    }

    @Override
    public LabelScores classifyPng(byte[] png) {
        PngPixels picture = PngPixels.decode(png);
        return classify(picture.rgb(), picture.width(), picture.height());
    }

    /** The pixel values the model is given for a picture, for comparing with transformers' processor. */
    float[] pixelValues(byte[] rgb, int width, int height) {
        return folder.preprocessing().pixelValues(rgb, width, height);
    }

    @Override
    public void close() {
        model.close();
    }
}
