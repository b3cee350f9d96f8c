package dev.imagine.bot;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bot talks to the pipeline only through its public API package. */
class BotBoundariesTest {
    private static JavaClasses bot;

    @BeforeAll
    static void importClasses() {
        bot = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.imagine.bot");
    }

    @Test
    void bot_usesOnlyThePipelineApiPackage() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "dev.imagine.pipeline.*..", "ai.onnxruntime..", "ai.djl..")
                .because("pipeline's subpackages are internal; its API is the package dev.imagine.pipeline")
                .check(bot);
    }
}
