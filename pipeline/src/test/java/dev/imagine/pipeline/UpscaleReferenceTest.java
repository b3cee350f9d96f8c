package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.pipeline.image.GenerationParameters;
import dev.imagine.pipeline.image.PngText;
import dev.imagine.pipeline.model.JsonFiles;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.upscale.SuperResolution;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The upscalers against PyTorch and diffusers (tools/reference, {@code --only img2img}): a random-weight Real-ESRGAN
 * SRVGGNetCompact gives PyTorch's 4x within 1 level, the plain 2x is that through Pillow's Lanczos, and the detailed
 * 2x equals diffusers' img2img tile by tile, blended, within 2 levels (0.1 on average).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpscaleReferenceTest {
    static final Path IMG2IMG = Path.of("src/test/resources/reference/img2img");
    private JsonNode meta;
    private ImageGenerator generator;
    private Picture source;

    @BeforeAll
    void open() throws IOException {
        meta = JsonFiles.read(IMG2IMG.resolve("upscale.json"), JsonNode.class);
        generator = ImageGenerator.open(Path.of("src/test/resources/reference/tiny-lcm"),
                new PipelineOptions(2).withUpscaler(IMG2IMG.resolve("tiny-srvgg")));
        source = PictureDecoder.DEFAULT.read(IMG2IMG.resolve(meta.get("source").textValue()));
    }

    @AfterAll
    void close() {
        generator.close();
    }

    private static Picture read(String relative) {
        return PictureDecoder.DEFAULT.read(IMG2IMG.resolve(relative));
    }

    @Test
    void network_reproducesPyTorchsFourTimesPicture() {
        try (SuperResolution network = SuperResolution.load(OrtEnvironment.getEnvironment(),
                IMG2IMG.resolve("tiny-srvgg"), SessionSettings.withThreads(2))) {
            byte[] up = network.upscale(source.rgb(), source.width(), source.height());
            assertThat(network.scale()).isEqualTo(4);
            Picture expected = read(meta.get("x4").textValue());
            Picture got = Picture.ofRgb(up, source.width() * 4, source.height() * 4);
            assertThat(maxDifference(got, expected)).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void tiles_giveExactlyThePictureOfOneRun() {
        try (SuperResolution network = SuperResolution.load(OrtEnvironment.getEnvironment(),
                IMG2IMG.resolve("tiny-srvgg"), SessionSettings.withThreads(2))) {
            byte[] whole = network.upscale(source.rgb(), source.width(), source.height(), 512);
            byte[] tiled = network.upscale(source.rgb(), source.width(), source.height(), 24);
            assertThat(tiled).isEqualTo(whole);
        }
    }

    @Test
    void plainTwice_isTheNetworkThenPillowsLanczos() {
        GeneratedImage image = generator.upscale(UpscaleRequest.x2(source, "a lighthouse", 5, 4, 8f),
                ProgressListener.NONE, CancellationSignal.NEVER);
        assertThat(image.width()).isEqualTo(source.width() * 2);
        Picture got = PictureDecoder.DEFAULT.decode(image.png());
        assertThat(maxDifference(got, read(meta.get("x2").textValue()))).isLessThanOrEqualTo(1);
        GenerationParameters parameters = GenerationParameters.parse(PngText.read(image.png()).get("parameters"));
        assertThat(parameters.extra()).containsEntry("Postprocess upscale by", "2")
                .containsEntry("Postprocess upscaler", "tiny-srvgg")
                .containsEntry("Init image hash", source.pixelHash().substring(0, 16));
    }

    @Test
    void detailedTwice_equalsDiffusersTileByTileBlended() {
        JsonNode d = meta.get("detailed");
        UpscaleRequest request = new UpscaleRequest(source, UpscaleRequest.Kind.X2_DETAILED,
                d.get("prompt").textValue(), d.get("seed").longValue(), d.get("steps").intValue(),
                d.get("guidance").floatValue(), d.get("strength").doubleValue(), d.get("tile").intValue(),
                d.get("overlap").intValue());
        List<Integer> progress = new ArrayList<>();

        GeneratedImage image = generator.upscale(request, p -> progress.add(p.step()), CancellationSignal.NEVER);

        int tiles = d.get("tiles").size();
        assertThat(progress).hasSize(tiles * request.steps()).endsWith(tiles * request.steps());
        Picture got = PictureDecoder.DEFAULT.decode(image.png());
        Picture expected = read(d.get("image").textValue());
        org.slf4j.LoggerFactory.getLogger(UpscaleReferenceTest.class).info("detailed 2x: max difference {} levels, "
                + "mean {}", maxDifference(got, expected), meanDifference(got, expected));
        assertThat(maxDifference(got, expected)).isLessThanOrEqualTo(2);
        assertThat(meanDifference(got, expected)).isLessThanOrEqualTo(0.1);
        GenerationParameters parameters = GenerationParameters.parse(PngText.read(image.png()).get("parameters"));
        assertThat(parameters.extra()).containsEntry("Denoising strength", "0.3")
                .containsEntry("SD upscale overlap", "32").containsEntry("SD upscale upscaler", "tiny-srvgg");
    }

    @Test
    void tiles_coverThePictureAsTheReferenceCutIt() {
        JsonNode d = meta.get("detailed");
        Upscaling.Tiles xs = Upscaling.Tiles.along(source.width() * 2, 128, 32, 16);
        Upscaling.Tiles ys = Upscaling.Tiles.along(source.height() * 2, 128, 32, 16);
        List<String> cut = new ArrayList<>();
        for (int y : ys.origins()) {
            for (int x : xs.origins()) {
                cut.add(x + "," + y + "," + xs.size() + "," + ys.size());
            }
        }
        List<String> reference = new ArrayList<>();
        d.get("tiles").forEach(o -> reference.add(o.get("x").intValue() + "," + o.get("y").intValue() + ","
                + o.get("width").intValue() + "," + o.get("height").intValue()));
        assertThat(cut).isEqualTo(reference);
    }

    @Test
    void tilesAlongALongSide_overlapAtLeastAsAskedAndEndAtTheEdge() {
        Upscaling.Tiles tiles = Upscaling.Tiles.along(2048, 512, 64, 64);
        assertThat(tiles.size()).isEqualTo(512);
        assertThat(tiles.origins()).first().isEqualTo(0);
        assertThat(tiles.origins()).last().isEqualTo(2048 - 512);
        for (int k = 1; k < tiles.origins().size(); k++) {
            assertThat(tiles.origins().get(k - 1) + 512 - tiles.origins().get(k)).isGreaterThanOrEqualTo(64);
        }
        double[] w = tiles.weights(1);
        assertThat(w[0]).isLessThan(0.02);
        assertThat(w[256]).isEqualTo(1.0);
    }

    @Test
    void detailedUpscale_withoutPrompt_isRefused() {
        assertThatThrownBy(() -> UpscaleRequest.detailed(source, " ", 1, 8f)).isInstanceOf(PipelineException.class)
                .hasMessageContaining("prompt is empty");
    }

    private static int maxDifference(Picture a, Picture b) {
        assertThat(a.width()).isEqualTo(b.width());
        assertThat(a.height()).isEqualTo(b.height());
        byte[] x = a.rgb();
        byte[] y = b.rgb();
        int max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs((x[i] & 0xff) - (y[i] & 0xff)));
        }
        return max;
    }

    private static double meanDifference(Picture a, Picture b) {
        byte[] x = a.rgb();
        byte[] y = b.rgb();
        long sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += Math.abs((x[i] & 0xff) - (y[i] & 0xff));
        }
        return (double) sum / x.length;
    }
}
