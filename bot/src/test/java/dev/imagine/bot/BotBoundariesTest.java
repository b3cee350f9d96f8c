package dev.imagine.bot;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The boundaries of architecture.md: the pipeline's API package, one owner per library, thin adapters. */
class BotBoundariesTest {
    private static final List<String> ADAPTERS = List.of("discord", "telegram", "web", "mcp");

    /**
     * What adapters may use of the job package: the job service and the types of its answers and news, the shared
     * texts, the Adapter contract; not the store, the worker, the cost model or anything else inside the engine.
     */
    private static final List<String> JOB_API = List.of("Adapter", "Durations", "Job", "JobIds", "JobPhase",
            "JobService", "JobSettings", "JobState", "PromptReading", "QueueView", "Reply", "ReplySink",
            "ReplyTexts");

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

    @Test
    void botTests_useOnlyThePipelineApi_andItsFakeHub() {
        JavaClasses tests = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages("dev.imagine.bot", "dev.imagine.bench");
        noClasses().should().dependOnClassesThat(JavaClass.Predicates.resideInAnyPackage("dev.imagine.pipeline.*..")
                        .and(DescribedPredicate.not(HasName.Predicates.nameStartingWith(
                                "dev.imagine.pipeline.model.FakeHub"))))
                .because("the bot's tests see the pipeline as the bot does: through its API package; the fake hub"
                        + " of the pipeline's test helpers stands in for Hugging Face")
                .check(tests);
    }

    @Test
    void theJobEngineAndTheQueue_readTimeOnlyFromTheClocksTheyAreGiven() {
        noClasses().that().resideInAnyPackage("dev.imagine.bot.job..", "dev.imagine.bot.queue..")
                .and().doNotHaveSimpleName("JobClocks").and().doNotHaveSimpleName("Ticker")
                .should().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.time.InstantSource.class, "system")
                .because("time is injected (JobClocks, the queue's InstantSource), so that tests move it instead of"
                        + " sleeping")
                .check(bot);
    }

    @Test
    void json_isReadWithJacksonAlone() {
        noClasses().should().dependOnClassesThat().resideInAPackage("com.google.gson..")
                .because("one JSON library with data binding to records and strict parsing (architecture.md)")
                .check(bot);
    }

    @Test
    void caffeine_isImportedOnlyByTheCachePackage() {
        noClasses().that().resideOutsideOfPackage("dev.imagine.bot.cache..")
                .should().dependOnClassesThat().resideInAPackage("com.github.benmanes.caffeine..")
                .because("the result cache is the one owner of the in-memory tier (architecture.md)")
                .check(bot);
    }

    @Test
    void redisClient_isImportedOnlyByTheRedisPackage() {
        noClasses().that().resideOutsideOfPackage("dev.imagine.bot.redis..")
                .should().dependOnClassesThat().resideInAnyPackage("io.lettuce..", "io.netty..")
                .because("the queue, the job store and the leases reach Redis through one package; the engine sees"
                        + " only its interfaces (JobQueue, JobStore). (Reactor, which Lettuce also brings, is the MCP"
                        + " SDK's API too, so it is not Redis's alone.)")
                .check(bot);
    }

    @Test
    void commandsAndQueue_arePlainJava() {
        noClasses().that().resideInAnyPackage("dev.imagine.bot.command..", "dev.imagine.bot.queue..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.imagine.pipeline..", "net.dv8tion..",
                        "org.telegram..", "com.github.benmanes..", "org.h2..", "com.google.gson..",
                        "dev.imagine.bot.job..", "dev.imagine.bot.cache..")
                .because("the command model and the fair-share queue are platform-neutral, deterministic data")
                .check(bot);
    }

    @Test
    void chatLibraries_areImportedOnlyByTheirAdapters() {
        noClasses().that().resideOutsideOfPackage("dev.imagine.bot.discord..")
                .should().dependOnClassesThat().resideInAPackage("net.dv8tion..")
                .check(bot);
        noClasses().that().resideOutsideOfPackage("dev.imagine.bot.telegram..")
                .should().dependOnClassesThat().resideInAPackage("org.telegram..")
                .check(bot);
    }

    @Test
    void theHttpServer_isImportedOnlyByTheWebAdapter() {
        noClasses().that().resideOutsideOfPackage("dev.imagine.bot.web..")
                .should().dependOnClassesThat().resideInAnyPackage("org.eclipse.jetty..")
                .because("the playground and the JSON API are the web adapter's; nothing else serves HTTP")
                .check(bot);
        noClasses().that().resideOutsideOfPackage("dev.imagine.bot.web..")
                .and().resideOutsideOfPackage("dev.imagine.bot.mcp..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.servlet..")
                .because("servlets are the web adapter's, and the MCP adapter's streamable HTTP transport is one,"
                        + " which the web server serves")
                .check(bot);
        noClasses().should().dependOnClassesThat().resideInAPackage("com.sun.net.httpserver..")
                .because("the JDK's built-in server cannot time out slow clients; Jetty serves HTTP")
                .check(bot);
    }

    @Test
    void theMcpSdk_isImportedOnlyByTheMcpAdapter() {
        noClasses().that().resideOutsideOfPackage("dev.imagine.bot.mcp..")
                .should().dependOnClassesThat().resideInAnyPackage("io.modelcontextprotocol..", "reactor..")
                .because("MCP is one thin adapter; nothing else speaks it")
                .check(bot);
    }

    @Test
    void adapters_dependOnTheCommandModelAndTheJobApiOnly() {
        DescribedPredicate<JavaClass> jobApi = DescribedPredicate.describe("the job API " + JOB_API,
                type -> type.getPackageName().equals("dev.imagine.bot.job")
                        && JOB_API.contains(type.getName().substring("dev.imagine.bot.job.".length())
                        .split("\\$")[0]));
        for (String adapter : ADAPTERS) {
            classes().that().resideInAPackage("dev.imagine.bot." + adapter + "..")
                    .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.imagine..")
                            .or(resideInAPackage("dev.imagine.bot." + adapter + ".."))
                            .or(resideInAPackage("dev.imagine.bot.command.."))
                            .or(jobApi))
                    .because("an adapter only translates between its platform and the job service (architecture.md);"
                            + " what two adapters both need lives in command or job")
                    .check(bot);
        }
    }

    @Test
    void adapters_doNotDependOnEachOther() {
        slices().matching("dev.imagine.bot.(discord|telegram|web|mcp)..").should().notDependOnEachOther()
                .because("what two adapters share lives below them, written once")
                .check(bot);
    }

    @Test
    void theWebAdapter_speaksJsonThroughJacksonAlone() {
        noClasses().that().resideInAPackage("dev.imagine.bot.web..")
                .should().dependOnClassesThat().resideInAPackage("com.google.gson..")
                .because("one JSON library with strict parsing and data binding to records (StrictJson)")
                .check(bot);
    }
}
