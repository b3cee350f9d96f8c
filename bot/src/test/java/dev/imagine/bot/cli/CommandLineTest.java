package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.Main;
import dev.imagine.bot.testing.StandardStreams;
import dev.imagine.pipeline.image.GenerationParameters;
import java.awt.image.BufferedImage;
import java.io.IOException;
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
        GenerationParameters parameters = GenerationParameters.parse(
                dev.imagine.pipeline.image.PngText.read(output).get("parameters"));
        assertThat(parameters.prompt()).isEqualTo("a red fox");
        assertThat(parameters.seed()).isEqualTo(42);
        assertThat(parameters.steps()).isEqualTo(2);
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
            assertThat(GenerationParameters.parse(dev.imagine.pipeline.image.PngText.read(file).get("parameters"))
                    .seed()).isEqualTo(6 + i);
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
    void generate_precisionInt8_preparesTheInt8CopyBesideTheModel_andWritesThePicture() throws IOException {
        Path model = copyOfTinyModel();
        Path output = dir.resolve("int8.png");

        int exit = Main.run("generate", "--model", model.toString(), "--prompt", "a red fox", "--seed", "42",
                "--steps", "2", "--width", "256", "--height", "256", "--precision", "int8", "--output",
                output.toString());

        assertThat(exit).as(stderr()).isZero();
        assertThat(ImageIO.read(output.toFile()).getWidth()).isEqualTo(256);
        try (java.util.stream.Stream<Path> copies = java.nio.file.Files.list(model.resolve("unet/.imagine-int8"))) {
            assertThat(copies.filter(p -> java.nio.file.Files.isRegularFile(p.resolve("complete")))).hasSize(1);
        }
    }

    @Test
    void generate_unknownPrecision_isAUsageError_namingTheChoices() {
        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--prompt", "a boat", "--precision", "fp16");

        assertThat(exit).isEqualTo(2);
        assertThat(stderr()).contains("--precision").contains("expected fp32 or int8, got 'fp16'");
    }

    /** The int8 copy is written beside the model: tests that make one work on a copy of the fixture. */
    private Path copyOfTinyModel() throws IOException {
        Path target = dir.resolve("tiny-lcm");
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(TINY_MODEL)) {
            for (Path file : files.toList()) {
                Path to = target.resolve(TINY_MODEL.relativize(file).toString());
                if (java.nio.file.Files.isDirectory(file)) {
                    java.nio.file.Files.createDirectories(to);
                } else {
                    java.nio.file.Files.copy(file, to);
                }
            }
        }
        return target;
    }

    @Test
    void generate_withoutPrompt_showsUsage() {
        int exit = Main.run("generate", "--model", TINY_MODEL.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(stderr()).contains("Missing required option: '--prompt=TEXT'");
    }

    @Test
    void bench_timesEachStageOfBothDecoders_andPrintsOneJsonObject() {
        Path taesd = TINY_MODEL.resolveSibling("tiny-taesd");

        int exit = Main.run("bench", "--model", TINY_MODEL.toString(), "--fast-decoder", taesd.toString(),
                "--runs", "2", "--steps", "3", "--size", "256", "--threads", "1", "--save", dir.toString());

        assertThat(exit).isZero();
        com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(stdout().trim()).getAsJsonObject();
        assertThat(json.get("engine").getAsString()).isEqualTo("imagine");
        assertThat(json.get("load_s").getAsDouble()).isPositive();
        for (String decoder : new String[] {"full", "fast"}) {
            com.google.gson.JsonObject phase = json.getAsJsonObject("decoders").getAsJsonObject(decoder);
            assertThat(phase.getAsJsonArray("runs")).hasSize(2);
            com.google.gson.JsonObject run = phase.getAsJsonArray("runs").get(0).getAsJsonObject();
            assertThat(run.getAsJsonArray("unet_steps_s")).hasSize(3);
            double stages = run.get("text_s").getAsDouble() + run.get("decode_s").getAsDouble();
            for (var step : run.getAsJsonArray("unet_steps_s")) {
                stages += step.getAsDouble();
            }
            // each figure is rounded to 0.1 ms
            assertThat(stages).isPositive().isLessThanOrEqualTo(run.get("total_s").getAsDouble() + 0.001);
            assertThat(phase.getAsJsonObject("rss").get("peak_bytes").getAsLong()).isPositive();
            assertThat(dir.resolve("imagine-" + decoder + ".png")).isRegularFile();
        }
    }
}
