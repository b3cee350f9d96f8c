package dev.imagine.pipeline.safety;

import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.model.JsonFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A folder holding a Hugging Face image-classification model exported to ONNX: {@code model.onnx} (as optimum
 * writes it) or {@code onnx/model.onnx} (as Transformers.js repositories such as {@code onnx-community/...} hold
 * it), {@code config.json} with {@code id2label}, and {@code preprocessor_config.json}.
 *
 * @param labels  the class names in logit order: {@code id2label["0"]}, {@code id2label["1"]}, ...
 */
record ClassifierFolder(Path root, Path model, List<String> labels, ImagePreprocessing preprocessing) {
    static final String MODEL = "model.onnx";
    static final String TRANSFORMERS_JS_MODEL = "onnx/model.onnx";
    static final String CONFIG = "config.json";
    static final String PREPROCESSOR_CONFIG = "preprocessor_config.json";

    ClassifierFolder {
        labels = List.copyOf(labels);
    }

    static ClassifierFolder open(Path given) {
        Path root = given.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new PipelineException("classifier folder " + root + " does not exist");
        }
        Path model = Files.isRegularFile(root.resolve(MODEL)) ? root.resolve(MODEL) : root.resolve(TRANSFORMERS_JS_MODEL);
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(model)) {
            missing.add(MODEL + " (or " + TRANSFORMERS_JS_MODEL + ")");
        }
        for (String file : List.of(CONFIG, PREPROCESSOR_CONFIG)) {
            if (!Files.isRegularFile(root.resolve(file))) {
                missing.add(file);
            }
        }
        if (!missing.isEmpty()) {
            throw new PipelineException("classifier folder " + root + " is incomplete: missing "
                    + String.join(", ", missing) + ". Expected a Hugging Face image-classification export to ONNX "
                    + "(model.onnx, config.json with id2label, preprocessor_config.json).");
        }
        return new ClassifierFolder(root, model, labels(root.resolve(CONFIG)),
                ImagePreprocessing.read(root.resolve(PREPROCESSOR_CONFIG)));
    }

    /** {@code id2label} as a list: its keys must be 0 .. n-1. */
    static List<String> labels(Path config) {
        Object value = JsonFiles.readObject(config).get("id2label");
        if (!(value instanceof Map<?, ?> map) || map.isEmpty()) {
            throw new PipelineException(config + " has no 'id2label' (the class names of the logits); it is not the "
                    + "config of an image-classification model");
        }
        String[] labels = new String[map.size()];
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            int id;
            try {
                id = Integer.parseInt(String.valueOf(entry.getKey()).trim());
            } catch (NumberFormatException e) {
                id = -1;
            }
            if (id < 0 || id >= labels.length || labels[id] != null || !(entry.getValue() instanceof String name)
                    || name.isBlank()) {
                throw new PipelineException(config + ": 'id2label' must map 0.." + (labels.length - 1)
                        + " to class names, got " + map);
            }
            labels[id] = name;
        }
        return List.of(labels);
    }
}
