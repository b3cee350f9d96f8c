package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.bot.Main;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.bot.testing.StandardStreams;
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
    void tokens_longPlainPrompt_saysHowManyTokensWereDropped() {
        int exit = Main.run("tokens", "--model", CLIP_TOKENIZER.toString(), "--prompt-syntax", "plain",
                "red ".repeat(80).trim());

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
        String parameters = Pngs.parametersOf(output);
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
            assertThat(Pngs.parametersOf(file)).contains("Seed: " + (6 + i) + ",");
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
    void generate_decoderPrecisionInt8_preparesTheDecoderCopyBesideTheModel_andThePictureSaysSo() throws IOException {
        Path model = copyOfTinyModel();
        Path output = dir.resolve("int8-decoder.png");

        int exit = Main.run("generate", "--model", model.toString(), "--prompt", "a red fox", "--seed", "42",
                "--steps", "2", "--width", "256", "--height", "256", "--decoder-precision", "int8", "--output",
                output.toString());

        assertThat(exit).as(stderr()).isZero();
        assertThat(dev.imagine.pipeline.PngParameters.read(java.nio.file.Files.readAllBytes(output)))
                .get(org.assertj.core.api.InstanceOfAssertFactories.STRING).contains("VAE decoder precision: int8");
        try (java.util.stream.Stream<Path> copies = java.nio.file.Files.list(
                model.resolve("vae_decoder/.imagine-int8"))) {
            assertThat(copies.filter(p -> java.nio.file.Files.isRegularFile(p.resolve("complete")))).hasSize(1);
        }
        assertThat(model.resolve("unet/.imagine-int8")).doesNotExist();
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

    static final Path IMG2IMG = Path.of("../pipeline/src/test/resources/reference/img2img").toAbsolutePath();

    @Test
    void generateImage_drawsDiffusersImageToImagePicture_atThePicturesSize() throws IOException {
        // case i05 of the img2img reference: wide-320x256.png, strength 0.5, 4 steps, guidance 8
        Path output = dir.resolve("cabin.png");

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--image",
                IMG2IMG.resolve("sources/wide-320x256.png").toString(), "--strength", "0.5", "--prompt",
                "a cozy cabin in the snowy woods", "--seed", "1234567890123", "--steps", "4", "--guidance", "8",
                "--output", output.toString());

        assertThat(exit).as(stderr()).isZero();
        BufferedImage got = ImageIO.read(output.toFile());
        BufferedImage expected = ImageIO.read(IMG2IMG.resolve("images/i05-nonsquare-0.png").toFile());
        assertThat(got.getWidth()).isEqualTo(320);
        assertThat(got.getHeight()).isEqualTo(256);
        assertThat(maxDifference(expected, got)).isLessThanOrEqualTo(2);
        assertThat(Pngs.settingsOf(Pngs.parametersOf(output))).containsEntry("Denoising strength", "0.5")
                .containsKey("Init image hash");
    }

    @Test
    void generateImage_withoutStrength_usesTheDefaultAndRoundsTheSizeDown() throws IOException {
        Path output = dir.resolve("odd.png");

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--image",
                IMG2IMG.resolve("sources/resize-327x262.png").toString(), "--prompt", "a red car", "--seed", "1",
                "--steps", "2", "--output", output.toString());

        assertThat(exit).as(stderr()).isZero();
        assertThat(stderr()).contains("the picture is 327x262; drawing at 320x256");
        BufferedImage got = ImageIO.read(output.toFile());
        assertThat(got.getWidth()).isEqualTo(320);
        assertThat(Pngs.settingsOf(Pngs.parametersOf(output))).containsEntry("Denoising strength", "0.5");
    }

    @Test
    void generateImage_withWidthAndHeight_resizesThePictureToThem() throws IOException {
        Path output = dir.resolve("square.png");

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--image",
                IMG2IMG.resolve("sources/wide-320x256.png").toString(), "--prompt", "a red car", "--seed", "1",
                "--steps", "1", "--width", "256", "--height", "256", "--output", output.toString());

        assertThat(exit).as(stderr()).isZero();
        assertThat(ImageIO.read(output.toFile()).getWidth()).isEqualTo(256);
    }

    @Test
    void generateImage_strengthTooLowForTheSteps_isRefusedWithWhatToChange() {
        Path output = dir.resolve("none.png");

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--image",
                IMG2IMG.resolve("sources/square-256.png").toString(), "--prompt", "a boat", "--strength", "0.05",
                "--steps", "4", "--output", output.toString());

        assertThat(exit).isNotZero();
        assertThat(stderr()).contains("error: strength 0.05 leaves int(50 x 0.05) = 2 of LCM's 50 schedule steps")
                .contains("use at most 2 steps or a strength of at least 0.08");
        assertThat(output).doesNotExist();
    }

    @Test
    void generateImage_gif_isRefusedSayingWhatIsAccepted() throws IOException {
        Path gif = dir.resolve("picture.png"); // the name lies; the content decides
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "gif", gif.toFile());

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--image", gif.toString(), "--prompt",
                "a boat", "--output", dir.resolve("x.png").toString());

        assertThat(exit).isNotZero();
        assertThat(stderr()).contains("error: this file is a GIF, which is not accepted; Imagine accepts PNG, JPEG and"
                + " WebP pictures");
    }

    @Test
    void generate_strengthWithoutImage_isRefused() {
        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--prompt", "a boat", "--strength", "0.5");

        assertThat(exit).isNotZero();
        assertThat(stderr()).contains("error: --strength works on a picture: add --image FILE");
    }

    @Test
    void generateUpscale2x_writesAPictureTwiceTheSize() throws IOException {
        Path output = dir.resolve("big.png");

        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--image",
                IMG2IMG.resolve("sources/small-96x80.png").toString(), "--upscale", "2x", "--upscaler",
                IMG2IMG.resolve("tiny-srvgg").toString(), "--prompt", "a lighthouse", "--output", output.toString());

        assertThat(exit).as(stderr()).isZero();
        BufferedImage got = ImageIO.read(output.toFile());
        BufferedImage expected = ImageIO.read(IMG2IMG.resolve("upscale/x2.png").toFile());
        assertThat(got.getWidth()).isEqualTo(192);
        assertThat(maxDifference(expected, got)).isLessThanOrEqualTo(1);
        assertThat(Pngs.settingsOf(Pngs.parametersOf(output))).containsEntry("Postprocess upscaler", "tiny-srvgg");
    }

    @Test
    void generateUpscale2xDetailed_equalsTheTiledDiffusersReference() throws IOException {
        Path output = dir.resolve("detailed.png");
        // the reference's tiles are 128 pixels: the CLI's 512 tiles cover this 192x160 picture in one tile, so
        // compare the size and the parameters here; UpscaleReferenceTest compares the pixels tile by tile
        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--image",
                IMG2IMG.resolve("sources/small-96x80.png").toString(), "--upscale", "2x-detailed", "--upscaler",
                IMG2IMG.resolve("tiny-srvgg").toString(), "--prompt", "a lighthouse", "--seed", "77",
                "--output", output.toString());

        assertThat(exit).as(stderr()).isZero();
        assertThat(ImageIO.read(output.toFile()).getHeight()).isEqualTo(160);
        assertThat(stderr()).contains("step 2/2");
        assertThat(Pngs.settingsOf(Pngs.parametersOf(output))).containsEntry("Denoising strength", "0.3")
                .containsEntry("SD upscale upscaler", "tiny-srvgg");
    }

    @Test
    void generateUpscale_withoutUpscaler_saysWhatToGive() {
        int exit = Main.run("generate", "--model", TINY_MODEL.toString(), "--image",
                IMG2IMG.resolve("sources/small-96x80.png").toString(), "--upscale", "2x", "--prompt", "a lighthouse");

        assertThat(exit).isNotZero();
        assertThat(stderr()).contains("error: --upscale needs --upscaler DIR");
    }

    @Test
    void benchImg2img_timesImageToImageFromTheSourcePicture() throws IOException {
        int exit = Main.run("bench", "--model", TINY_MODEL.toString(), "--task", "img2img", "--source",
                IMG2IMG.resolve("sources/square-256.png").toString(), "--runs", "1", "--steps", "2", "--size", "256",
                "--threads", "1");

        assertThat(exit).as(stderr()).isZero();
        JsonNode json = new ObjectMapper().readTree(stdout().trim());
        assertThat(json.get("task").textValue()).isEqualTo("img2img");
        assertThat(json.get("decoders").get("full").get("runs").get(0).get("unet_steps_s")).hasSize(2);
    }

    @Test
    void benchUpscale_timesBothUpscales() throws IOException {
        int exit = Main.run("bench", "--model", TINY_MODEL.toString(), "--task", "upscale", "--source",
                IMG2IMG.resolve("sources/small-96x80.png").toString(), "--upscaler",
                IMG2IMG.resolve("tiny-srvgg").toString(), "--runs", "1", "--threads", "1");

        assertThat(exit).as(stderr()).isZero();
        JsonNode upscales = new ObjectMapper().readTree(stdout().trim()).get("upscales");
        assertThat(upscales.get("x2").get("runs")).hasSize(1);
        assertThat(upscales.get("x2_detailed").get("runs").get(0).get("steps").intValue()).isEqualTo(2);
    }

    private static int maxDifference(BufferedImage a, BufferedImage b) {
        assertThat(b.getWidth()).isEqualTo(a.getWidth());
        assertThat(b.getHeight()).isEqualTo(a.getHeight());
        int max = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    max = Math.max(max, Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff)));
                }
            }
        }
        return max;
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

    @Test
    void benchPrecisionInt8_preparesTheInt8Copy_timesTheInt8Unet_andSaysSoInItsJsonAndItsPicture()
            throws IOException {
        Path model = copyOfTinyModel();
        Path saved = dir.resolve("saved");

        int exit = Main.run("bench", "--model", model.toString(), "--precision", "int8", "--runs", "1", "--steps",
                "2", "--size", "256", "--threads", "1", "--save", saved.toString());

        assertThat(exit).as(stderr()).isZero();
        JsonNode json = new ObjectMapper().readTree(stdout().trim());
        assertThat(json.get("precision").textValue()).isEqualTo("int8");
        assertThat(json.get("decoders").get("full").get("runs")).hasSize(1);
        assertThat(json.get("decoders").get("full").get("runs").get(0).get("unet_steps_s")).hasSize(2);
        try (java.util.stream.Stream<Path> copies = java.nio.file.Files.list(model.resolve("unet/.imagine-int8"))) {
            assertThat(copies.filter(p -> java.nio.file.Files.isRegularFile(p.resolve("complete")))).hasSize(1);
        }
        // The timed picture is the int8 UNet's: its PNG text says so (an fp32 one says nothing of precision).
        assertThat(dev.imagine.pipeline.PngParameters.read(java.nio.file.Files.readAllBytes(
                saved.resolve("imagine-full.png")))).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("UNet precision: int8");
    }

    @Test
    void benchPrecision_unknownValue_isAUsageError_andTheDefaultIsFp32() throws IOException {
        int exit = Main.run("bench", "--model", TINY_MODEL.toString(), "--precision", "bf16");

        assertThat(exit).isEqualTo(2);
        assertThat(stderr()).contains("--precision").contains("expected fp32 or int8, got 'bf16'");
        assertThat(Main.run("bench", "--model", TINY_MODEL.toString(), "--decoder-precision", "int4")).isEqualTo(2);
        assertThat(stderr()).contains("--decoder-precision").contains("expected fp32 or int8, got 'int4'");

        int prepared = Main.run("bench", "--model", TINY_MODEL.toString(), "--prepare-only", "--threads", "1");
        assertThat(prepared).as(stderr()).isZero();
        JsonNode json = new ObjectMapper().readTree(stdout().trim());
        assertThat(json.get("precision").textValue()).isEqualTo("fp32");
        assertThat(json.get("decoder_precision").textValue()).isEqualTo("fp32");
    }

    @Test
    void bench_withAClassifier_alsoTimesClassifyingTheGeneratedPicture() throws IOException {
        Path classifier = TINY_MODEL.resolveSibling("tiny-vit-classifier");

        int exit = Main.run("bench", "--model", TINY_MODEL.toString(), "--classifier", classifier.toString(),
                "--classifier-runs", "3", "--runs", "1", "--steps", "1", "--size", "256", "--threads", "1");

        assertThat(exit).isZero();
        JsonNode timing = new ObjectMapper().readTree(stdout().trim()).get("classifier");
        assertThat(timing.get("load_s").doubleValue()).isPositive();
        assertThat(timing.get("picture").textValue()).isEqualTo("256x256");
        assertThat(timing.get("png_s")).hasSize(3);
        assertThat(timing.get("rgb_224_s")).hasSize(3);
        assertThat(stderr()).contains("classifier: loaded in").contains("nsfw");
    }
}
