package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.consumer.ModularConsumer;
import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library as a module: only the API package is exported, and a modular application can load a model and draw
 * with it (Jackson may bind the internal records, the native libraries load). The other tests run on the class path.
 */
class ModuleDescriptorTest {
    private static final Path CLASSES = Path.of("target/classes");
    /** A lossless WebP, turned by its EXIF orientation: the JDK has no reader of its own, TwelveMonkeys has. */
    private static final Path WEBP = Path.of("src/test/resources/reference/img2img/inputs/exif-3-lossless.webp")
            .toAbsolutePath();

    @Test
    void onlyTheApiPackage_isExported() {
        ModuleDescriptor descriptor = ModuleFinder.of(CLASSES).find("dev.imagine.pipeline").orElseThrow().descriptor();

        assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactly("dev.imagine.pipeline");
        assertThat(descriptor.exports()).allSatisfy(e -> assertThat(e.isQualified()).isFalse());
        assertThat(descriptor.opens()).allSatisfy(open -> assertThat(open.targets())
                .containsExactly("com.fasterxml.jackson.databind"));
        assertThat(descriptor.packages()).contains("dev.imagine.pipeline.model", "dev.imagine.pipeline.onnx",
                "dev.imagine.pipeline.unet");
    }

    @Test
    void aModularApplication_drawsWithTheTinyModel_andReadsAWebPPicture() throws Exception {
        // A JVM of its own: a native library loads into one class loader per JVM, and this one has the class path's.
        String modulePath = Stream.concat(Stream.of(CLASSES.toString()),
                        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                                .filter(entry -> entry.endsWith(".jar") && !isTestLibrary(entry)))
                .collect(Collectors.joining(File.pathSeparator));
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process consumer = new ProcessBuilder(java, "--module-path", modulePath,
                "--add-modules", "dev.imagine.pipeline", "--enable-native-access=ALL-UNNAMED",
                "-cp", "target/test-classes", ModularConsumer.class.getName(), LcmPipelineTest.TINY.toString(),
                WEBP.toString())
                .redirectErrorStream(true).start();
        String output = new String(consumer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(consumer.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(consumer.exitValue()).as(output).isZero();
        assertThat(output).as(output).containsPattern("DREW \\d+ dev\\.imagine\\.pipeline");
        // the same pixels as the picture it shows, read here on the class path
        Picture shown = PictureDecoder.DEFAULT.read(WEBP.resolveSibling("displayed.png"));
        assertThat(output).as(output).contains("READ " + shown.pixelHash());
    }

    private static boolean isTestLibrary(String jar) {
        return List.of("junit", "assertj", "archunit", "logback", "byte-buddy", "opentest4j", "apiguardian",
                "surefire").stream().anyMatch(jar::contains);
    }
}
