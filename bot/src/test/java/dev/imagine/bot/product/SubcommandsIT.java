package dev.imagine.bot.product;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.ModelRef;
import dev.imagine.pipeline.PromptTokenizer;
import dev.imagine.pipeline.model.FakeHub;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Each command the README shows, once, as a process of the built jar: {@code models pull|list|verify|path},
 * {@code generate}, {@code tokens}, {@code config check}. The default model comes from the fake hub, which serves the
 * tiny test model under the default model's repository and pinned commit.
 */
class SubcommandsIT {
    static final Duration RUN = Duration.ofSeconds(120);
    static final ModelRef DEFAULT = ModelRef.LCM_DREAMSHAPER_V7;

    FakeHub hub;
    Sandbox sandbox;
    int runs;

    @BeforeEach
    void setUp(TestInfo test) {
        hub = TinyHub.start();
        sandbox = Sandbox.create(getClass().getSimpleName() + "/" + test.getTestMethod().orElseThrow().getName());
        sandbox.writeConfig(ProductTests.shippedConfig());
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    /** One command to its end; fails with its stderr unless it exits with {@code expectedExit}. */
    private ImagineProcess run(Map<String, String> extraEnvironment, int expectedExit, String... args)
            throws InterruptedException {
        String name = String.format("%02d-%s", ++runs, String.join("-", args).replaceAll("[^A-Za-z0-9.-]+", "_"));
        ImagineProcess process = ImagineProcess.start(sandbox, name.length() > 60 ? name.substring(0, 60) : name,
                sandbox.environment(hub.endpoint().toString(), extraEnvironment), args);
        try (process) {
            int exit = process.awaitExit(RUN);
            assertThat(exit).as("exit code of %s; stderr:%n%s", String.join(" ", args), process.stderr())
                    .isEqualTo(expectedExit);
            return process;
        }
    }

    private Path pulledFolder() {
        return sandbox.modelCache().resolve("SimianLuo--LCM_Dreamshaper_v7/snapshots/" + DEFAULT.revision());
    }

    @Test
    void modelsPullListPathAndVerify_lookAfterTheDefaultModelInTheUsersCache() throws Exception {
        ImagineProcess pull = run(Map.of(), 0, "models", "pull");
        assertThat(pull.stdout().strip()).isEqualTo(pulledFolder().toString());
        assertThat(pulledFolder().resolve("unet/model.onnx_data")).isRegularFile();

        ImagineProcess list = run(Map.of("HF_HUB_OFFLINE", "1"), 0, "models", "list");
        assertThat(list.stdout()).contains(DEFAULT.repo()).contains(DEFAULT.revision().substring(0, 12))
                .contains("verified");

        ImagineProcess path = run(Map.of("HF_HUB_OFFLINE", "1"), 0, "models", "path");
        assertThat(path.stdout().strip()).isEqualTo(pulledFolder().toString());

        Path weights = pulledFolder().resolve("unet/model.onnx_data");
        byte[] good = Files.readAllBytes(weights);
        byte[] damaged = good.clone();
        damaged[damaged.length / 2] ^= 0x40;
        Files.write(weights, damaged);
        hub.clearRequests();
        ImagineProcess verify = run(Map.of(), 0, "models", "verify");
        assertThat(verify.stdout()).containsPattern("REPAIRED +" + DEFAULT.repo() + "@\\w+ unet/model.onnx_data");
        assertThat(Files.readAllBytes(weights)).isEqualTo(good);
        assertThat(hub.downloadsOf("unet/model.onnx_data")).hasSize(1);
    }

    @Test
    void generate_withoutAModel_drawsWithTheDefaultModelFromTheCache_withoutTheNetwork() throws Exception {
        run(Map.of(), 0, "models", "pull");
        hub.clearRequests();

        ImagineProcess generate = run(Map.of("HF_HUB_OFFLINE", "1"), 0, "generate", "--prompt",
                "a lighthouse at dusk", "--seed", "42", "--steps", "2", "--width", "256", "--height", "384",
                "--output", "lighthouse.png");

        Path png = sandbox.work.resolve("lighthouse.png");
        assertThat(generate.stdout().strip()).isEqualTo("lighthouse.png");
        assertThat(generate.stderr()).contains("wrote lighthouse.png (256x384, seed 42)");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(256);
        assertThat(image.getHeight()).isEqualTo(384);
        assertThat(new String(Files.readAllBytes(png), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("a lighthouse at dusk").contains("Seed: 42").contains("Size: 256x384");
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void tokens_printsTheTokenIdsOfAPromptAndSaysWhetherItWasCut() throws Exception {
        Path model = ProductTests.referenceModels().resolve("tiny-lcm");

        ImagineProcess tokens = run(Map.of(), 0, "tokens", "--model", model.toString(),
                "a photograph of an astronaut riding a horse");

        try (PromptTokenizer tokenizer = PromptTokenizer.open(model)) {
            int[] expected = tokenizer.encode("a photograph of an astronaut riding a horse").ids();
            assertThat(tokens.stdout().strip()).isEqualTo(Arrays.toString(expected).replace(" ", ""));
        }
        assertThat(tokens.stderr()).contains("tokens used; not cut");
    }

    @Test
    void configCheck_ofTheShippedFile_printsEverySettingAndSaysItIsValid() throws Exception {
        ImagineProcess check = run(Map.of(), 0, "config", "check", "config.yaml");

        assertThat(check.stdout()).contains("model.repository = " + DEFAULT.repo() + "  (default)")
                .contains("web.port = 8080  (default)").contains("shutdown.grace = 30s  (default)");
        assertThat(check.stderr()).contains("config.yaml is valid.");
    }

    @Test
    void theJarRunByAJavaOlderThan21_saysInOneLineWhichJavaItNeeds_andExitsWith1() throws Exception {
        Path olderJava = olderJdkOnThisMachine();
        org.junit.jupiter.api.Assumptions.assumeTrue(olderJava != null,
                "no JDK older than 21 in /usr/lib/jvm (CI's machine has Debian's 17 as its default java)");
        Process process = new ProcessBuilder(olderJava.toString(), "-jar", ProductTests.jar().toString(), "--help")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String stdout = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(process.waitFor()).isEqualTo(1);
        assertThat(stdout).isEmpty();
        assertThat(stderr.lines().toList()).singleElement().asString()
                .startsWith("error: Imagine needs Java 21 or newer, and this java is ")
                .doesNotContain("UnsupportedClassVersionError");
    }

    /** The bin/java of a JDK in /usr/lib/jvm whose release file says a version below 21, or null. */
    private static Path olderJdkOnThisMachine() throws java.io.IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        try (var homes = Files.list(jvms)) {
            for (Path home : homes.sorted().toList()) {
                Path release = home.resolve("release");
                if (Files.isRegularFile(home.resolve("bin/java")) && Files.isRegularFile(release)) {
                    for (String line : Files.readAllLines(release)) {
                        String version = line.replace("JAVA_VERSION=", "").replace("\"", "");
                        String major = version.startsWith("1.") ? version.substring(2) : version;
                        if (line.startsWith("JAVA_VERSION=") && Integer.parseInt(major.split("[.+-]")[0]) < 21) {
                            return home.resolve("bin/java");
                        }
                    }
                }
            }
        }
        return null;
    }
}
