package dev.imagine.pipeline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pipeline is a library: nothing of chat platforms, queues, caches or the application may leak into it. */
class PipelineBoundariesTest {
    private static JavaClasses pipeline;

    @BeforeAll
    static void importClasses() {
        pipeline = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.imagine.pipeline");
    }

    @Test
    void pipeline_dependsOnNoBotChatOrCacheLibrary() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "dev.imagine.bot..",
                        "net.dv8tion..",
                        "org.telegram..",
                        "com.github.benmanes.caffeine..",
                        "picocli..",
                        "redis..", "io.lettuce..",
                        "okhttp3..",
                        "ch.qos.logback..")
                .because("pipeline/ is a library that knows nothing of chat, queues or caches (architecture.md)")
                .check(pipeline);
    }

    @Test
    void json_isReadWithJacksonAlone() {
        noClasses().should().dependOnClassesThat().resideInAPackage("com.google.gson..")
                .because("one JSON library with data binding to records and strict parsing (JsonFiles)")
                .check(pipeline);
    }

    @Test
    void scheduler_isPlainJavaWithoutOnnxRuntime() {
        noClasses().that().resideInAPackage("dev.imagine.pipeline.scheduler..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "ai.djl..",
                        "com.fasterxml.jackson..")
                .because("the scheduler and random generator are pure math, tested against diffusers' vectors")
                .check(pipeline);
    }

    @Test
    void onnxRuntime_isUsedOnlyByTheClassesThatOwnSessions() {
        noClasses().that().resideOutsideOfPackages("dev.imagine.pipeline.onnx..", "dev.imagine.pipeline.text..",
                        "dev.imagine.pipeline.upscale..",
                        "dev.imagine.pipeline.unet..", "dev.imagine.pipeline.vae..",
                        "dev.imagine.pipeline.safety..")
                .and().doNotHaveSimpleName("LcmPipeline")
                // measurement tools that open their own sessions, as the pipeline does, and close them
                .and().doNotHaveSimpleName("PrecisionComparison").and().doNotHaveSimpleName("DecoderQuantizationTrial")
                .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..")
                .because("each native session has one owner (architecture.md style notes)")
                .check(pipeline);
    }
}
