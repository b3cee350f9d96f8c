package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.pipeline.scheduler.LcmScheduler;
import dev.imagine.pipeline.scheduler.LcmSchedulerConfig;
import dev.imagine.pipeline.scheduler.TorchGenerator;
import dev.imagine.pipeline.vae.PictureEncoder;
import dev.imagine.pipeline.vae.VaeEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inpainting through the pipeline with the tiny model: masks it refuses, pausing between steps, the kept latents. */
class InpaintPipelineTest {
    private static final Path SQUARE = ReferenceImagesTest.REFERENCE.resolve("img2img/sources/square-256.png");
    private static ImageGenerator generator;

    @BeforeAll
    static void load() {
        generator = ImageGenerator.open(LcmPipelineTest.TINY, new PipelineOptions(2));
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    private static Mask rectangle(int w, int h, int x0, int y0, int x1, int y1) {
        byte[] grey = new byte[w * h];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                grey[y * w + x] = (byte) 255;
            }
        }
        return Mask.ofGrey(grey, w, h);
    }

    private static GenerationRequest inpaint(Mask mask, int blur, int count) {
        Picture picture = PictureDecoder.DEFAULT.read(SQUARE);
        return new GenerationRequest("a lighthouse", 3, 4, 8f, 256, 256, count).withMask(picture, mask, blur, 1.0);
    }

    @Test
    void maskWhoseWhiteReachesNoLatentPixel_isRefused_sayingToPaintMore() {
        // White at x, y in 1..6: the model's 8x8 blocks are read at their corner pixel (0, 8, ...), all black here.
        GenerationRequest request = inpaint(rectangle(256, 256, 1, 1, 7, 7), 0, 1);

        assertThatThrownBy(() -> generator.generate(request)).isInstanceOf(PipelineException.class)
                .hasMessageContaining("the white part of the mask is too small to redraw")
                .hasMessageContaining("paint a larger area");
        // A blur can shrink a small white area below one half everywhere too.
        assertThatThrownBy(() -> generator.generate(inpaint(rectangle(256, 256, 8, 8, 10, 10), 6, 1)))
                .hasMessageContaining("after the mask blur of 6 pixels");
    }

    @Test
    void inpainting_parkedBetweenSteps_givesTheBytesOfUninterruptedGenerate() {
        GenerationRequest masked = inpaint(rectangle(256, 256, 64, 64, 192, 160), 4, 2);
        GenerationRequest other = new GenerationRequest("a red boat", 7, 2, 8f, 256, 256, 1);
        List<byte[]> alone = generator.generate(masked).images().stream().map(GeneratedImage::png).toList();

        try (Generation first = generator.begin(masked)) {
            assertThat(first.totalSteps()).isEqualTo(8);
            first.step(ProgressListener.NONE);
            first.step(ProgressListener.NONE);
            first.step(ProgressListener.NONE);
            generator.generate(other);
            first.step(ProgressListener.NONE);
            first.step(ProgressListener.NONE);
            generator.generate(other);
            while (first.step(ProgressListener.NONE)) {
                // the rest
            }
            assertThat(first.finish().images().stream().map(GeneratedImage::png).toList())
                    .containsExactlyElementsOf(alone);
        }
    }

    @Test
    void afterTheLastStep_theKeptLatentsAreTheSourcesOwn_andTheRedrawnOnesTheDenoisedSample() {
        Mask mask = rectangle(256, 256, 0, 0, 128, 256); // left half redrawn: latent columns 0..15 of 32
        Picture picture = Picture.ofRgb(new byte[256 * 256 * 3], 256, 256);
        GenerationRequest request = new GenerationRequest("x", 1, 2, 8f, 256, 256, 1).withMask(picture, mask, 0, 1.0);
        LcmScheduler scheduler = new LcmScheduler(LcmSchedulerConfig.defaults());
        MaskedDenoising masking = MaskedDenoising.prepare(request, scheduler, new PictureEncoder(null, null, null, 1f),
                8, 4);
        int n = 4 * 32 * 32;
        float[] mean = new float[n];
        float[] std = new float[n];
        for (int i = 0; i < n; i++) {
            mean[i] = i / 100f;
            std[i] = 0.01f;
        }
        TorchGenerator random = new TorchGenerator(5);
        MaskedDenoising.Image image = masking.start(new VaeEncoder.Posterior(mean, std), random);
        TorchGenerator replay = new TorchGenerator(5);
        float[] sourceLatents = replay.randn(n);
        for (int i = 0; i < n; i++) {
            sourceLatents[i] = mean[i] + std[i] * sourceLatents[i];
        }

        float[] latents = image.initialLatents();
        float[] stepped = null;
        while (!image.run().isDone()) {
            float[] output = new float[n];
            LcmScheduler.StepResult result = image.run().step(output, latents, () -> random.randn(n));
            stepped = result.prevSample();
            latents = image.blend(stepped);
        }
        for (int i = 0; i < n; i++) {
            boolean redrawn = i % 32 < 16;
            assertThat(latents[i]).as("latent %d", i).isEqualTo(redrawn ? stepped[i] : sourceLatents[i]);
        }
    }

    @Test
    void nineChannelInpaintingUnet_isRefused_namingWhatIsSupported(@TempDir Path dir) throws IOException {
        Path copy = dir.resolve("tiny-9");
        try (Stream<Path> files = Files.walk(LcmPipelineTest.TINY)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(LcmPipelineTest.TINY.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        Path config = copy.resolve("unet/config.json");
        Files.writeString(config, Files.readString(config).replace("\"in_channels\": 4", "\"in_channels\": 9"),
                StandardCharsets.UTF_8);
        try (ImageGenerator nine = ImageGenerator.open(copy, new PipelineOptions(1))) {
            assertThatThrownBy(() -> nine.begin(inpaint(rectangle(256, 256, 64, 64, 128, 128), 0, 1)))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("takes 9 input channels")
                    .hasMessageContaining("ordinary 4-channel LCM UNet");
        }
    }
}
