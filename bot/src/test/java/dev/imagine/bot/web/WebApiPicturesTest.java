package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.imagine.bot.testing.Pictures;
import dev.imagine.bot.testing.Pngs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pictures as input through the JSON API, over real HTTP, drawn by the tiny fixture model with its tiny upscaler:
 * a multipart upload, an earlier job's picture by reference, and the Vary and Upscale routes.
 */
class WebApiPicturesTest {
    @RegisterExtension
    static final TinyImagineClass server = new TinyImagineClass();

    private static BufferedImage decoded(byte[] png) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    @Test
    void aMultipartUpload_drawsImageToImage_atThePicturesOwnSize_withTheStrengthGiven() throws Exception {
        Person alice = server.person();

        JsonObject job = alice.finished(alice.postMultipart("/api/jobs",
                Map.of("prompt", "a watercolour fox", "strength", "0.6", "steps", "2", "seed", "5"),
                Pictures.jpeg(320, 256), "photo.jpg"));

        assertThat(job.get("kind").getAsString()).isEqualTo("image-to-image");
        assertThat(job.get("strength").getAsDouble()).isEqualTo(0.6);
        assertThat(job.get("size").getAsString()).isEqualTo("320x256");
        byte[] png = alice.firstPicture(job);
        assertThat(decoded(png).getWidth()).isEqualTo(320);
        assertThat(Pngs.settingsOf(Pngs.parametersOf(png))).containsEntry("Denoising strength", "0.6")
                .containsKey("Init image hash");
    }

    @Test
    void anEarlierJobsPicture_byReference_isTheStart_andItsPromptIsUsedWhenNoneIsGiven() throws Exception {
        Person alice = server.person();
        JsonObject first = alice.finished(alice.post("/api/jobs", "{\"prompt\":\"a lighthouse\",\"seed\":3}"));

        JsonObject job = alice.finished(alice.post("/api/jobs", "{\"prompt\":\"\",\"sourceJob\":\""
                + first.get("id").getAsString() + "\",\"strength\":0.5}"));

        assertThat(job.get("kind").getAsString()).isEqualTo("image-to-image");
        assertThat(job.get("prompt").getAsString()).isEqualTo("a lighthouse");
        assertThat(job.get("sourceJobId").getAsString()).isEqualTo(first.get("id").getAsString());
    }

    @Test
    void aPictureThatIsNotAccepted_isA400SayingWhatIs_andNothingIsQueued() throws Exception {
        Person bob = server.person();
        int before = bob.get("/api/jobs").json().getAsJsonArray("jobs").size();

        Person.Answer gif = bob.postMultipart("/api/jobs", Map.of("prompt", "a fox"), Pictures.gif(), "a.png");
        Person.Answer bomb = bob.postMultipart("/api/jobs", Map.of("prompt", "a fox"),
                Pictures.pngClaiming(50_000, 50_000), "small.png");
        Person.Answer empty = bob.postMultipart("/api/jobs", Map.of("prompt", "a fox"), new byte[0], "empty.png");
        Person.Answer none = bob.postMultipart("/api/jobs", Map.of("prompt", "a fox"), null, null);
        Person.Answer strengthAlone = bob.post("/api/jobs", "{\"prompt\":\"a fox\",\"strength\":0.5}");

        assertThat(gif.status()).isEqualTo(400);
        assertThat(gif.error()).contains("a GIF, which is not accepted").contains("PNG, JPEG and WebP");
        assertThat(bomb.status()).isEqualTo(400);
        assertThat(bomb.error()).contains("50000x50000");
        assertThat(empty.error()).contains("the file is empty");
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.error()).contains("file field named image");
        assertThat(strengthAlone.status()).isEqualTo(400);
        assertThat(strengthAlone.error()).contains("strength is for a picture");
        assertThat(bob.get("/api/jobs").json().getAsJsonArray("jobs")).hasSize(before);
    }

    @Test
    void anUploadOverTwentyMegabytes_isA413SayingTheLimit() throws Exception {
        Person.Answer huge = server.person().postMultipart("/api/jobs", Map.of("prompt", "a fox"),
                java.util.Arrays.copyOf(Pictures.png(64, 64), 20_000_001), "huge.png");

        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.error()).contains("larger than 20 MB");
    }

    @Test
    void varyAndUpscaleRoutes_drawFromTheJobsPicture_theUpscalesAtTwiceItsSize() throws Exception {
        Person alice = server.person();
        JsonObject first = alice.finished(alice.post("/api/jobs", "{\"prompt\":\"a red fox\",\"seed\":42}"));
        String id = first.get("id").getAsString();

        JsonObject subtle = alice.finished(alice.post("/api/jobs/" + id + "/vary"));
        JsonObject strong = alice.finished(alice.post("/api/jobs/" + id + "/vary-strong"));
        JsonObject up = alice.finished(alice.post("/api/jobs/" + id + "/upscale"));
        JsonObject detailed = alice.finished(alice.post("/api/jobs/" + id + "/upscale-detailed"));

        assertThat(subtle.get("strength").getAsDouble()).isEqualTo(0.35);
        assertThat(strong.get("strength").getAsDouble()).isEqualTo(0.7);
        assertThat(subtle.get("seed").getAsLong()).isNotEqualTo(42L);
        assertThat(up.get("kind").getAsString()).isEqualTo("upscale");
        assertThat(detailed.get("kind").getAsString()).isEqualTo("upscale-detailed");
        assertThat(decoded(alice.firstPicture(up)).getWidth()).isEqualTo(512);
        byte[] detailedPng = alice.firstPicture(detailed);
        assertThat(decoded(detailedPng).getHeight()).isEqualTo(512);
        assertThat(Pngs.settingsOf(Pngs.parametersOf(detailedPng))).containsEntry("Denoising strength", "0.3")
                .containsEntry("SD upscale upscaler", "tiny-srvgg");
        assertThat(Pngs.settingsOf(Pngs.parametersOf(alice.firstPicture(up))))
                .containsEntry("Postprocess upscaler", "tiny-srvgg");
    }

    @Test
    void zoomOutAndPanRoutes_drawTheCanvas_andAMaskInpaintsAnUploadOrAnEarlierJobsPicture() throws Exception {
        Person alice = server.person();
        JsonObject first = alice.finished(alice.post("/api/jobs", "{\"prompt\":\"a red fox\",\"seed\":43,"
                + "\"size\":\"256x256\"}"));
        String id = first.get("id").getAsString();

        JsonObject zoom = alice.finished(alice.post("/api/jobs/" + id + "/zoom-out-1.5"));
        JsonObject pan = alice.finished(alice.post("/api/jobs/" + id + "/pan-left"));
        byte[] picture = Pictures.png(256, 256);
        JsonObject uploaded = alice.finished(alice.postMultipart("/api/jobs", Map.of("prompt", "a red hat",
                "steps", "2"), picture, "room.png", Pictures.mask(256, 256, 96, 96, 160, 160)));
        JsonObject overJob = alice.finished(alice.postMultipart("/api/jobs", Map.of("sourceJob", id,
                "strength", "0.5"), null, null, Pictures.mask(128, 128, 0, 0, 32, 32)));
        Person.Answer black = alice.postMultipart("/api/jobs", Map.of("sourceJob", id), null, null,
                Pictures.mask(256, 256, 0, 0, 0, 0));
        Person.Answer maskAlone = alice.postMultipart("/api/jobs", Map.of("prompt", "x"), null, null,
                Pictures.mask(256, 256, 0, 0, 8, 8));

        assertThat(zoom.get("kind").getAsString()).isEqualTo("zoom-out");
        assertThat(pan.get("kind").getAsString()).isEqualTo("pan");
        assertThat(pan.get("size").getAsString()).isEqualTo("384x256");
        assertThat(Pngs.settingsOf(Pngs.parametersOf(alice.firstPicture(pan)))).containsEntry("Outpaint", "left");
        assertThat(uploaded.get("kind").getAsString()).isEqualTo("inpaint");
        BufferedImage drawn = decoded(alice.firstPicture(uploaded));
        BufferedImage source = decoded(picture);
        assertThat(drawn.getRGB(3, 250)).as("far from the mask, the upload itself").isEqualTo(source.getRGB(3, 250));
        assertThat(overJob.get("prompt").getAsString()).isEqualTo("a red fox");
        assertThat(overJob.get("strength").getAsDouble()).isEqualTo(0.5);
        assertThat(overJob.get("sourceJobId").getAsString()).isEqualTo(id);
        assertThat(black.status()).isEqualTo(400);
        assertThat(black.error()).contains("black everywhere");
        assertThat(maskAlone.status()).isEqualTo(400);
        assertThat(maskAlone.error()).contains("a mask paints over a picture");
    }
}
