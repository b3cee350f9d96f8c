package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.bot.Main;
import dev.imagine.bot.testing.StandardStreams;
import dev.imagine.pipeline.PngParameters;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Drives {@code imagine.jar}'s command line in-process, with the small fixture model the pipeline tests use. */
class CommandLineTest {
    static final Path TINY_MODEL = Path.of("../pipeline/src/test/resources/reference/tiny-lcm").toAbsolutePath();
    static final Path CLIP_TOKENIZER = Path.of("../pipeline/src/test/resources/tokenizer/clip").toAbsolutePath();

    @TempDir
    Path dir;

    @RegisterExtension
    final StandardStreams streams = new StandardStreams();

    private String stdout() {
        return streams.out();
    }

    private String stderr() {
        return streams.err();
    }

    @Test
    void tokens_printsSeventySevenIdsAsJson_andSaysOnStderrThatNothingWasCut() {
        int exit = Main.run("tokens", "--model", CLIP_TOKENIZER.toString(),
                "a photograph of an astronaut riding a horse");

        assertThat(exit).isZero();
        assertThat(stdout().trim()).startsWith("[49406,320,8853,539,550,18376,6765,320,4558,49407,49407,");
        assertThat(stdout().trim().split(",")).hasSize(77);
        assertThat(stderr()).contains("8 of 75 tokens used; not cut");
    }

    @Test
    void tokens_longPrompt_saysHowManyTokensWereDropped() {
        int exit = Main.run("tokens", "--model", CLIP_TOKENIZER.toString(), "red ".repeat(80).trim());

        assertThat(exit).isZero();
        assertThat(stderr()).contains("80 tokens; cut: 5 dropped");
    }

    @Test
    void generate_writesAPngWithItsParameters_andPrintsThePath() throws IOException {
        Path output = dir.resolve("out/fox.png");

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--prompt", "a red fox", "--seed", "42",
                "--steps", "2", "--width", "256", "--height", "256", "--output", output.toString());

        assertThat(exit).as(stderr()).isZero();
        assertThat(stdout().trim()).isEqualTo(output.toString());
        BufferedImage image = ImageIO.read(output.toFile());
        assertThat(image.getWidth()).isEqualTo(256);
        String parameters = parametersOf(output);
        assertThat(parameters).startsWith("a red fox\n").contains("Steps: 2,").contains("Seed: 42,");
        assertThat(stderr()).contains("step 2/2");
    }

    @Test
    void generate_withoutSeed_printsTheRandomSeedItChose() {
        Path output = dir.resolve("any.png");

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--prompt", "a boat", "--steps", "1",
                "--width", "256", "--height", "256", "--output", output.toString());

        assertThat(exit).as(stderr()).isZero();
        assertThat(stderr()).containsPattern("seed: \\d+");
    }

    @Test
    void generate_countThree_writesNumberedFilesWithConsecutiveSeeds() throws IOException {
        Path output = dir.resolve("batch.png");

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--prompt", "a boat", "--seed", "7",
                "--steps", "1", "--width", "256", "--height", "256", "--count", "3", "--output", output.toString());

        assertThat(exit).as(stderr()).isZero();
        for (int i = 1; i <= 3; i++) {
            Path file = dir.resolve("batch-" + i + ".png");
            assertThat(parametersOf(file)).contains("Seed: " + (6 + i) + ",");
        }
    }

    @Test
    void generate_badValues_exitNonZeroWithOneClearLine_andWriteNoFile() {
        Path output = dir.resolve("bad.png");

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--prompt", "a boat", "--steps", "12",
                "--width", "300", "--output", output.toString());

        assertThat(exit).isNotZero();
        assertThat(stderr()).contains("error: steps is 12: use 1 to 8").contains("width is 300");
        assertThat(output).doesNotExist();
    }

    @Test
    void generate_missingModelFolder_namesIt() {
        int exit = Main.run("generate", "--model", dir.resolve("no-model").toString(), "--prompt", "a boat",
                "--seed", "1");

        assertThat(exit).isNotZero();
        assertThat(stderr()).contains("error: model folder").contains("no-model").contains("does not exist");
    }

    @Test
    void generate_withoutPrompt_showsUsage() {
        int exit = Main.run("generate", "--model", TINY_MODEL.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(stderr()).contains("Missing required option: '--prompt=TEXT'");
    }

    @Test
    void bench_timesEachStageOfBothDecoders_andPrintsOneJsonObject() throws IOException {
        Path taesd = TINY_MODEL.resolveSibling("tiny-taesd");

        int exit = Main.run("bench", "--model", TINY_MODEL.toString(), "--fast-decoder", taesd.toString(),
                "--runs", "2", "--steps", "3", "--size", "256", "--threads", "1", "--save", dir.toString());

        assertThat(exit).isZero();
        JsonNode json = new ObjectMapper().readTree(stdout().trim());
        assertThat(json.get("engine").textValue()).isEqualTo("imagine");
        assertThat(json.get("load_s").doubleValue()).isPositive();
        for (String decoder : new String[] {"full", "fast"}) {
            JsonNode phase = json.get("decoders").get(decoder);
            assertThat(phase.get("runs")).hasSize(2);
            JsonNode run = phase.get("runs").get(0);
            assertThat(run.get("unet_steps_s")).hasSize(3);
            double stages = run.get("text_s").doubleValue() + run.get("decode_s").doubleValue();
            for (JsonNode step : run.get("unet_steps_s")) {
                stages += step.doubleValue();
            }
            // each figure is rounded to 0.1 ms
            assertThat(stages).isPositive().isLessThanOrEqualTo(run.get("total_s").doubleValue() + 0.001);
            assertThat(phase.get("rss").get("peak_bytes").longValue()).isPositive();
            assertThat(dir.resolve("imagine-" + decoder + ".png")).isRegularFile();
        }
    }

    /** The parameters text the PNG carries, as an image viewer shows it. */
    private static String parametersOf(Path png) throws IOException {
        return PngParameters.read(Files.readAllBytes(png)).orElseThrow(() -> new AssertionError(png + " has no text"));
    }
}
