package dev.imagine.bot.product;

import dev.imagine.pipeline.ModelRef;
import dev.imagine.pipeline.model.FakeHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The project's fake Hugging Face hub on 127.0.0.1, serving the tiny random-weight test models in the layout of the
 * real repositories (ONNX weights as LFS files behind a redirect to a storage host, small files from git):
 * <ul>
 *   <li>{@value #MODEL_REPO} at its own commit: the model the product tests configure in config.yaml;</li>
 *   <li>{@code deinferno/taesd-onnx} on {@code main}: the fast decoder config.yaml names, here the tiny TAESD, so
 *       that key stays as shipped and {@code decoder: fast} works;</li>
 *   <li>{@code SimianLuo/LCM_Dreamshaper_v7} at the commit Imagine pins, holding the tiny model too: what
 *       {@code models pull} and {@code generate} without a model fetch by default;</li>
 *   <li>{@code onnx-community/nsfw_image_detection-ONNX} at the commit Imagine pins, holding the tiny ViT
 *       classifier in that repository's layout ({@code onnx/model.onnx}): the picture classifier config.yaml names,
 *       so the {@code safety} keys stay as shipped.</li>
 * </ul>
 * The hub records every request, so a test can count them.
 */
final class TinyHub {
    static final String MODEL_REPO = "imagine-test/tiny-lcm";

    private TinyHub() {
    }

    static FakeHub start() {
        try {
            FakeHub hub = FakeHub.start();
            Path reference = ProductTests.referenceModels();
            addFolder(hub.repo(MODEL_REPO), reference.resolve("tiny-lcm"));
            addFolder(hub.repo(ModelRef.TAESD.repo()), reference.resolve("tiny-taesd"));
            addFolder(hub.repo(ModelRef.LCM_DREAMSHAPER_V7.repo()).atCommit(ModelRef.LCM_DREAMSHAPER_V7.revision()),
                    reference.resolve("tiny-lcm"));
            FakeHub.Repo classifier = hub.repo(ModelRef.NSFW_CLASSIFIER.repo())
                    .atCommit(ModelRef.NSFW_CLASSIFIER.revision());
            Path tinyClassifier = reference.resolve("tiny-vit-classifier");
            classifier.file("config.json", Files.readAllBytes(tinyClassifier.resolve("config.json")), false);
            classifier.file("preprocessor_config.json",
                    Files.readAllBytes(tinyClassifier.resolve("preprocessor_config.json")), false);
            classifier.file("onnx/model.onnx", Files.readAllBytes(tinyClassifier.resolve("model.onnx")), true);
            return hub;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The commit config.yaml pins {@value #MODEL_REPO} to. */
    static String modelCommit(FakeHub hub) {
        return hub.repo(MODEL_REPO).commit();
    }

    /** The shipped config.yaml with the model pointed at {@value #MODEL_REPO} and the playground on a free port. */
    static String config(FakeHub hub) {
        String yaml = ProductTests.withKey(ProductTests.shippedConfig(), "model.repository", MODEL_REPO);
        yaml = ProductTests.withKey(yaml, "model.revision", modelCommit(hub));
        // Port 0: the system picks a free one and Imagine prints it, so tests never collide on 8080.
        return ProductTests.withKey(yaml, "web.port", "0");
    }

    private static void addFolder(FakeHub.Repo repo, Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String path = folder.relativize(file).toString().replace('\\', '/');
            boolean lfs = path.endsWith(".onnx") || path.endsWith(".onnx_data");
            repo.file(path, Files.readAllBytes(file), lfs);
        }
    }
}
