package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.JobSource;
import dev.imagine.bot.discord.FakeDiscord.Request;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.ReplyTexts;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.Engine;
import dev.imagine.bot.testing.Pictures;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.bot.testing.TinyModel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pictures as input on Discord, end to end: the real JDA client against {@link FakeDiscord}, whose CDN serves
 * attachments only at their signed URLs; real jobs on the tiny fixture model with its tiny upscaler.
 */
class DiscordPicturesEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;

    private FakeDiscord discord;
    private TestGenerator generator;
    private Engine running;
    private final AtomicLong seeds = new AtomicLong(1000);

    @BeforeEach
    void start() throws IOException {
        discord = new FakeDiscord();
        generator = TestGenerator.over(TinyModel.shared());
        running = new Engine(data, generator, QueueSettings.DEFAULTS, seeds::incrementAndGet);
        DiscordSettings settings = DiscordSettings.DEFAULTS.withEndpoints(discord.restUrl(), discord.gatewayUrl())
                .withProgressInterval(Duration.ZERO).withReadyTimeout(Duration.ofSeconds(15));
        running.open(new DiscordBot(FakeDiscord.TOKEN, settings, running.jobs(), data, discord.clock(),
                InteractionListener.DECISION_BUDGET));
        running.startWorking();
    }

    @AfterEach
    void stop() throws IOException {
        running.close();
        discord.close();
    }

    private Request awaitImage(String token) throws InterruptedException {
        Predicate<Request> edit = r -> r.is("PATCH", "/api/v10/webhooks/") && token.equals(r.token())
                && !r.files().isEmpty() && r.status() == 200;
        return discord.await(edit, WAIT, "the picture for " + token);
    }

    private Job jobOf(Request image) {
        String customId = image.payload().getArray("components").getObject(0).getArray("components")
                .getObject(0).getString("custom_id");
        return running.jobs().job(customId.substring(customId.indexOf(':') + 1)).orElseThrow();
    }

    private static BufferedImage decoded(Request image) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(image.files().get(0).bytes()));
    }

    private FakeDiscord.Shown privateAnswer(String token) throws InterruptedException {
        return discord.awaitMessage(token, m -> m.ephemeral && !m.loading && !m.deleted, WAIT,
                "a private answer");
    }

    @Test
    void imagineWithAnImageAttachment_downloadsItFromTheCdn_andDrawsFromIt_atTheStrengthGiven() throws Exception {
        String token = discord.slashWithAttachment(FakeDiscord.ALICE, "imagine", "holiday.jpg", "image/jpeg",
                Pictures.jpeg(320, 256), FakeDiscord.option("prompt", "a watercolour of it"),
                FakeDiscord.option("strength", 0.6), FakeDiscord.option("steps", 2));

        Request image = awaitImage(token);

        Job job = jobOf(image);
        assertThat(job.parameters().source().kind()).isEqualTo(JobSource.Kind.IMAGE_TO_IMAGE);
        assertThat(job.parameters().source().strength()).isEqualTo(0.6);
        assertThat(decoded(image).getWidth()).isEqualTo(320);
        assertThat(Pngs.settingsOf(Pngs.parametersOf(image.files().get(0).bytes())))
                .containsEntry("Denoising strength", "0.6");
        assertThat(discord.cdnRequests()).hasSize(1).allMatch(r -> r.status() == 200);
        DataObject embed = image.payload().getArray("embeds").getObject(0);
        assertThat(embed.toString()).contains("a picture, strength 0.6");
    }

    @Test
    void anAttachmentThatIsNoPicture_orTooLarge_isRefusedPrivately_withWhatIsAccepted() throws Exception {
        discord.boostedServer();
        String gif = discord.slashWithAttachment(FakeDiscord.ALICE, "imagine", "cat.gif", "image/gif",
                Pictures.gif(), FakeDiscord.option("prompt", "a fox"));
        String huge = discord.slashWithAttachment(FakeDiscord.ALICE, "imagine", "huge.png", "image/png",
                Arrays.copyOf(Pictures.png(64, 64), 21_000_000), FakeDiscord.option("prompt", "a fox"));
        String strengthAlone = discord.slash(FakeDiscord.ALICE, "imagine", FakeDiscord.option("prompt", "a fox"),
                FakeDiscord.option("strength", 0.5));

        assertThat(privateAnswer(gif).content).contains("a GIF, which is not accepted")
                .contains("PNG, JPEG and WebP");
        assertThat(privateAnswer(huge).content).contains("21.0 MB").contains("up to 20 MB");
        assertThat(privateAnswer(strengthAlone).content).contains("strength is for starting from a picture");
        assertThat(discord.cdnRequests()).as("the large file is never downloaded").hasSize(1);
        assertThat(running.jobs().queueLength()).isZero();
        assertThat(generator.generations).hasValue(0);
    }

    @Test
    void varyWithImagine_onAMessageWithAnImagePicture_drawsASubtleVariationOfItsPrompt() throws Exception {
        String first = discord.slash(FakeDiscord.ALICE, "imagine", FakeDiscord.option("prompt", "a lighthouse"),
                FakeDiscord.option("seed", 3L), FakeDiscord.option("steps", 2), FakeDiscord.option("size", "256x256"));
        Request posted = awaitImage(first);
        FakeDiscord.Shown shown = discord.originalOf(first);

        String vary = discord.messageCommand(FakeDiscord.BOB, SlashCommands.VARY_WITH_IMAGINE,
                discord.asPosted(shown));
        Request varied = awaitImage(vary);

        Job job = jobOf(varied);
        assertThat(job.parameters().prompt()).as("the prompt the PNG carries").isEqualTo("a lighthouse");
        assertThat(job.parameters().source().strength()).isEqualTo(0.35);
        assertThat(job.owner().id()).isEqualTo(FakeDiscord.BOB.id());
        assertThat(decoded(varied).getWidth()).isEqualTo(decoded(posted).getWidth());
    }

    @Test
    void varyWithImagine_onAPhotoWithoutADescription_orAMessageWithoutAPicture_saysWhatToDo() throws Exception {
        DataObject photo = discord.memberMessage(FakeDiscord.ALICE, "look at this",
                discord.attachment("photo.jpg", "image/jpeg", Pictures.jpeg(256, 256)));
        DataObject words = discord.memberMessage(FakeDiscord.ALICE, "just words");

        String onPhoto = discord.messageCommand(FakeDiscord.BOB, SlashCommands.VARY_WITH_IMAGINE, photo);
        String onWords = discord.messageCommand(FakeDiscord.BOB, SlashCommands.VARY_WITH_IMAGINE, words);

        assertThat(privateAnswer(onPhoto).content).contains("the prompt is empty");
        assertThat(privateAnswer(onWords).content).contains("has no picture to vary");
    }

    @Test
    void theButtonsUnderAPicture_varyAndUpscaleIt_andUpscaleWithoutAnUpscalerSaysSo() throws Exception {
        String first = discord.slash(FakeDiscord.ALICE, "imagine", FakeDiscord.option("prompt", "a red fox"),
                FakeDiscord.option("seed", 42L), FakeDiscord.option("steps", 2),
                FakeDiscord.option("size", "256x256"));
        String jobId = jobOf(awaitImage(first)).id();

        Request subtle = awaitImage(discord.click(FakeDiscord.BOB, "var:" + jobId));
        Request up = awaitImage(discord.click(FakeDiscord.BOB, "up:" + jobId));
        generator.withoutUpscaler();
        String refused = discord.click(FakeDiscord.BOB, "upd:" + jobId);

        assertThat(jobOf(subtle).parameters().source().strength()).isEqualTo(0.35);
        assertThat(jobOf(subtle).parameters().seed()).isNotEqualTo(42L);
        assertThat(decoded(up).getWidth()).isEqualTo(512);
        assertThat(Pngs.settingsOf(Pngs.parametersOf(up.files().get(0).bytes())))
                .containsEntry("Postprocess upscaler", "tiny-srvgg");
        assertThat(privateAnswer(refused).content).isEqualTo(ReplyTexts.NO_UPSCALER);
    }

    @Test
    void theZoomAndPanButtons_drawTheCanvasAroundThePicture_andTheResultHasEveryButtonAgain() throws Exception {
        String first = discord.slash(FakeDiscord.ALICE, "imagine", FakeDiscord.option("prompt", "a lighthouse"),
                FakeDiscord.option("seed", 42L), FakeDiscord.option("steps", 2),
                FakeDiscord.option("size", "256x256"));
        String jobId = jobOf(awaitImage(first)).id();

        Request zoomed = awaitImage(discord.click(FakeDiscord.BOB, "zoo:" + jobId));
        Request panned = awaitImage(discord.click(FakeDiscord.BOB, "pr:" + jobId));

        assertThat(decoded(zoomed).getWidth()).isEqualTo(256);
        assertThat(Pngs.settingsOf(Pngs.parametersOf(zoomed.files().get(0).bytes())))
                .containsEntry("Outpaint", "zoom-2").containsEntry("Outpaint padding", "left 64 top 64 right 64 bottom 64");
        assertThat(decoded(panned).getWidth()).as("half of 256 more on the right").isEqualTo(384);
        assertThat(decoded(panned).getHeight()).isEqualTo(256);
        assertThat(jobOf(panned).owner().id()).isEqualTo(FakeDiscord.BOB.id());
        assertThat(panned.payload().getArray("embeds").getObject(0).toString()).contains("Pan ➡");
        DataArray rows = panned.payload().getArray("components");
        assertThat(rows.length()).isEqualTo(3);
        assertThat(rows.getObject(2).getArray("components").getObject(0).getString("custom_id"))
                .isEqualTo("pl:" + jobOf(panned).id());
    }

    @Test
    void imagineWithAnImageAndAMask_inpaintsTheWhitePart_andKeepsTheRest() throws Exception {
        byte[] picture = Pictures.png(256, 256);
        String token = discord.slashWithPictureAndMask(FakeDiscord.ALICE, "imagine", picture,
                Pictures.mask(256, 256, 64, 64, 192, 192), FakeDiscord.option("prompt", "a red hat"),
                FakeDiscord.option("steps", 2));

        Request image = awaitImage(token);

        Job job = jobOf(image);
        assertThat(job.parameters().source().kind()).isEqualTo(JobSource.Kind.INPAINT);
        assertThat(discord.cdnRequests()).hasSizeGreaterThanOrEqualTo(2).allMatch(r -> r.status() == 200);
        BufferedImage result = decoded(image);
        BufferedImage source = ImageIO.read(new ByteArrayInputStream(picture));
        // Far from the mask (beyond its blur), the picture is pasted back exactly.
        assertThat(result.getRGB(5, 5)).isEqualTo(source.getRGB(5, 5));
        assertThat(result.getRGB(250, 250)).isEqualTo(source.getRGB(250, 250));
        assertThat(Pngs.settingsOf(Pngs.parametersOf(image.files().get(0).bytes()))).containsEntry("Mask blur", "4");
        assertThat(image.payload().getArray("embeds").getObject(0).toString()).contains("a picture and a mask");
    }
}
