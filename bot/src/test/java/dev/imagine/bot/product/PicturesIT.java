package dev.imagine.bot.product;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.bot.testing.Pictures;
import dev.imagine.pipeline.model.FakeHub;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Pictures as input as a user of the built jar meets them: the shipped config.yaml with {@code model.upscaler-folder}
 * set, a photo uploaded to the API as multipart, then Vary (strong) and Upscale 2x (detailed) of the result, and the
 * job that started from the photo drawn again after a restart from the picture the job store kept; and a drawn
 * picture panned, zoomed out and inpainted, with the pixels outside what is redrawn checked one by one.
 */
class PicturesIT {
    static final Duration START = Duration.ofSeconds(120);
    static final Duration DRAW = Duration.ofSeconds(180);

    FakeHub hub;
    Sandbox sandbox;
    ImagineProcess imagine;

    @BeforeEach
    void setUp(TestInfo test) {
        hub = TinyHub.start();
        sandbox = Sandbox.create(getClass().getSimpleName() + "/" + test.getTestMethod().orElseThrow().getName());
        String config = ProductTests.withKey(TinyHub.config(hub), "model.upscaler-folder",
                ProductTests.referenceModels().resolve("img2img/tiny-srvgg").toAbsolutePath().toString());
        sandbox.writeConfig(config);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (imagine != null) {
            imagine.close();
        }
        hub.close();
    }

    @Test
    void theApi_drawsFromAnUploadedPhoto_variesAndUpscalesIt_andRedrawsItAfterARestart() throws Exception {
        imagine = ImagineProcess.start(sandbox, "pictures", sandbox.environment(hub.endpoint().toString(), Map.of()));
        URI playground = imagine.awaitHealthy(START);
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        PlaygroundClient person = new PlaygroundClient().at(playground);

        HttpResponse<String> submitted = upload(http, playground,
                Map.of("prompt", "a watercolour of it", "strength", "0.6", "steps", "2", "seed", "7"),
                "image", "photo.jpg", "image/jpeg", Pictures.jpeg(320, 256));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String id = new ObjectMapper().readTree(submitted.body()).get("job").get("id").asText();

        JsonNode done = person.awaitDone(id, DRAW);
        assertThat(done.get("kind").asText()).isEqualTo("image-to-image");
        assertThat(done.get("strength").asDouble()).isEqualTo(0.6);
        byte[] first = person.png(id, 0, 320, 256);
        assertThat(new String(first, StandardCharsets.ISO_8859_1)).contains("Denoising strength: 0.6");

        JsonNode strong = act(http, playground, id, "vary-strong");
        person.awaitDone(strong.get("id").asText(), DRAW);
        JsonNode detailed = act(http, playground, id, "upscale-detailed");
        person.awaitDone(detailed.get("id").asText(), DRAW);
        assertThat(new String(person.png(detailed.get("id").asText(), 0, 640, 512), StandardCharsets.ISO_8859_1))
                .contains("SD upscale upscaler: tiny-srvgg");

        imagine.sigterm();
        assertThat(imagine.awaitExit(Duration.ofSeconds(60))).isZero();
        // The next start forgets the result cache: Same seed must redraw from the photo the job store kept.
        deleteRecursively(sandbox.dataFolder().resolve("results"));
        imagine = ImagineProcess.start(sandbox, "after-restart",
                sandbox.environment(hub.endpoint().toString(), Map.of()));
        person.at(imagine.awaitHealthy(START));
        JsonNode again = person.sameSeed(id);
        person.awaitDone(again.get("id").asText(), DRAW);
        assertThat(imageData(person.png(again.get("id").asText(), 0, 320, 256))).isEqualTo(imageData(first));
        assertThat(imagine.stderr()).doesNotContain("Exception");
        assertThat(sandbox.crashReports()).isEmpty();
    }

    @Test
    void theApi_pansAndZoomsOutADrawnPicture_andInpaintsIt_keepingEveryPixelOutsideTheRedrawnPart() throws Exception {
        imagine = ImagineProcess.start(sandbox, "redraw", sandbox.environment(hub.endpoint().toString(), Map.of()));
        URI playground = imagine.awaitHealthy(START);
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        PlaygroundClient person = new PlaygroundClient().at(playground);
        String id = person.draw("{\"prompt\": \"a lighthouse on a cliff\", \"seed\": 11, \"steps\": 2, "
                + "\"size\": \"256x256\"}").get("id").asText();
        person.awaitDone(id, DRAW);
        BufferedImage picture = decode(person.png(id, 0, 256, 256));

        // Pan right: the canvas grows by half the side; the picture stays where it was, its right 8 pixels redrawn
        // and the seam feathered by a blur of 8, so the left 200 columns are the picture itself.
        JsonNode pan = act(http, playground, id, "pan-right");
        assertThat(person.awaitDone(pan.get("id").asText(), DRAW).get("kind").asText()).isEqualTo("pan");
        byte[] panned = person.png(pan.get("id").asText(), 0, 384, 256);
        assertThat(new String(panned, StandardCharsets.ISO_8859_1)).contains("Outpaint: right");
        assertSamePixels(decode(panned), picture, (x, y) -> x < 200);

        JsonNode zoom = act(http, playground, id, "zoom-out-2");
        assertThat(person.awaitDone(zoom.get("id").asText(), DRAW).get("kind").asText()).isEqualTo("zoom-out");
        assertThat(new String(person.png(zoom.get("id").asText(), 0, 256, 256), StandardCharsets.ISO_8859_1))
                .contains("Outpaint: zoom-2").contains("Masked content: fill");

        // Inpaint the middle square of the picture: white is redrawn, black kept; the mask blur is 4, so everything
        // 32 pixels away from the square is the picture, pixel for pixel.
        HttpResponse<String> inpaint = upload(http, playground,
                Map.of("prompt", "a red door", "sourceJob", id, "steps", "2", "seed", "5"),
                "mask", "mask.png", "image/png", Pictures.mask(256, 256, 96, 96, 160, 160));
        assertThat(inpaint.statusCode()).as(inpaint.body()).isEqualTo(202);
        String inpaintId = new ObjectMapper().readTree(inpaint.body()).get("job").get("id").asText();
        assertThat(person.awaitDone(inpaintId, DRAW).get("kind").asText()).isEqualTo("inpaint");
        BufferedImage inpainted = decode(person.png(inpaintId, 0, 256, 256));
        assertSamePixels(inpainted, picture, (x, y) -> x < 64 || x >= 192 || y < 64 || y >= 192);
        assertThat(differingPixels(inpainted, picture)).as("the square was redrawn").isPositive();
        assertThat(imagine.stderr()).doesNotContain("Exception");
        assertThat(sandbox.crashReports()).isEmpty();
    }

    private interface Region {
        boolean contains(int x, int y);
    }

    private static void assertSamePixels(BufferedImage actual, BufferedImage expected, Region region) {
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                if (region.contains(x, y) && actual.getRGB(x, y) != expected.getRGB(x, y)) {
                    throw new AssertionError("pixel (" + x + ", " + y + ") changed: "
                            + Integer.toHexString(expected.getRGB(x, y)) + " became "
                            + Integer.toHexString(actual.getRGB(x, y)));
                }
            }
        }
    }

    private static int differingPixels(BufferedImage a, BufferedImage b) {
        int differing = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                differing += a.getRGB(x, y) != b.getRGB(x, y) ? 1 : 0;
            }
        }
        return differing;
    }

    private static BufferedImage decode(byte[] png) throws java.io.IOException {
        return ImageIO.read(new java.io.ByteArrayInputStream(png));
    }

    /** {@code POST /api/jobs} as multipart: the text fields, then one file. */
    private static HttpResponse<String> upload(HttpClient http, URI playground, Map<String, String> fields,
                                               String fileField, String fileName, String contentType, byte[] file)
            throws Exception {
        String boundary = "imagine-it-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (var field : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                    + "\"\r\n\r\n" + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField
                + "\"; filename=\"" + fileName + "\"\r\nContent-Type: " + contentType + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(playground.resolve("/api/jobs"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode act(HttpClient http, URI playground, String id, String action) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(playground.resolve("/api/jobs/" + id + "/"
                + action)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(action + ": " + answer.body()).isIn(200, 202);
        return new ObjectMapper().readTree(answer.body()).get("job");
    }

    /** The compressed pixels of a PNG (its IDAT chunk): equal for two PNGs of the same picture. */
    private static byte[] imageData(byte[] png) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(png);
        for (int offset = 8; offset < png.length; offset += buffer.getInt(offset) + 12) {
            if (new String(png, offset + 4, 4, StandardCharsets.ISO_8859_1).equals("IDAT")) {
                return java.util.Arrays.copyOfRange(png, offset + 8, offset + 8 + buffer.getInt(offset));
            }
        }
        throw new AssertionError("no IDAT");
    }

    private static void deleteRecursively(java.nio.file.Path root) throws java.io.IOException {
        if (!java.nio.file.Files.exists(root)) {
            return;
        }
        try (var walk = java.nio.file.Files.walk(root)) {
            for (java.nio.file.Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(path);
            }
        }
    }
}
