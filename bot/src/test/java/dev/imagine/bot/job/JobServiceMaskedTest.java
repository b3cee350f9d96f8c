package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Action;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.JobSource;
import dev.imagine.bot.command.OutpaintMode;
import dev.imagine.bot.command.PictureInput;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.testing.Pictures;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.Outpaint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zoom out, pan and inpaint, once for every platform: the buttons under a picture and /imagine with a mask, planned
 * before a pixel is touched, charged their real work in the queue, drawn by the pipeline's masked generation,
 * labelled with what was done, and still drawn the same after a restart.
 */
class JobServiceMaskedTest {
    static final User ALICE = new User("web", "1", "alice");
    static final User BOB = new User("web", "2", "bob");
    static final Requester ALICE_HERE = Requester.direct(ALICE);
    static final Requester BOB_HERE = Requester.direct(BOB);

    @TempDir
    Path data;

    private final TestGenerator generator = TestGenerator.fake().withUpscaler();
    private ServiceFixture fixture;
    private JobStore store;
    private RecordingSink sink;
    private JobService service;

    @BeforeEach
    void start() {
        fixture = ServiceFixture.onDisk(data, "web");
        store = fixture.store();
        startService();
    }

    private void startService() {
        service = fixture.start(generator).service();
        sink = fixture.sink();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private Job drawn(Reply reply) throws InterruptedException {
        assertThat(reply).isInstanceOf(Reply.Accepted.class);
        Job job = ((Reply.Accepted) reply).job();
        sink.await("finished", job.id());
        return store.find(job.id()).orElseThrow();
    }

    private static String refusal(Reply reply) {
        assertThat(reply).isInstanceOf(Reply.Refused.class);
        return ((Reply.Refused) reply).message();
    }

    private Job first() throws InterruptedException {
        return drawn(service.handle(new Command.Imagine(ALICE_HERE, "a lighthouse", 42L, 4, new ImageSize(512, 384),
                null, 2, null), "o"));
    }

    private static Command.Inpaint inpaint(String prompt, PictureInput picture, byte[] mask, Double strength) {
        return new Command.Inpaint(new Command.Imagine(ALICE_HERE, prompt, 7L, null, null, null, null, null, picture,
                strength), new PictureInput.Upload(mask));
    }

    @Test
    void zoomOutAndPan_drawTheFirstPictureOnTheCanvasThePlanSays_withItsPromptAndSeed() throws Exception {
        Job first = first();

        Job zoom = drawn(service.handle(new Command.Outpaint(BOB_HERE, first.id(), OutpaintMode.ZOOM_OUT_2), "o"));
        GenerationRequest zoomed = generator.generated.getLast();
        Job pan = drawn(service.handle(new Command.Outpaint(BOB_HERE, first.id(), OutpaintMode.PAN_RIGHT), "o"));
        GenerationRequest panned = generator.generated.getLast();

        assertThat(zoom.owner()).isEqualTo(BOB);
        assertThat(zoom.sourceJobId()).isEqualTo(first.id());
        assertThat(zoom.parameters().seed()).isEqualTo(42L);
        assertThat(zoom.parameters().prompt()).isEqualTo("a lighthouse");
        assertThat(zoom.parameters().count()).isEqualTo(1);
        assertThat(zoom.parameters().size()).isEqualTo(new ImageSize(512, 384));
        assertThat(zoomed.isInpainting()).isTrue();
        assertThat(zoomed.strength()).isEqualTo(GenerationRequest.DEFAULT_OUTPAINT_STRENGTH);
        assertThat(zoomed.inpainting().maskBlur()).isEqualTo(GenerationRequest.OUTPAINT_MASK_BLUR);
        Outpaint done = zoomed.inpainting().outpaint();
        assertThat(done.mode()).isEqualTo(Outpaint.Mode.ZOOM_2);
        assertThat(done.left()).isEqualTo(128);
        assertThat(done.top()).isEqualTo(96);
        // The fake's size step is 64: half of 512 is 256 more on the right.
        assertThat(pan.parameters().size()).isEqualTo(new ImageSize(768, 384));
        assertThat(panned.width()).isEqualTo(768);
        assertThat(panned.inpainting().outpaint().right()).isEqualTo(256);
        assertThat(panned.inpainting().outpaint().sourceHash()).isEqualTo(zoom.parameters().source().picture());

        Map<String, String> text = Pngs.settingsOf(Pngs.parametersOf(service.images(pan).orElseThrow().get(0)));
        assertThat(text).containsEntry("Outpaint", "right").containsEntry("Mask blur", "8")
                .containsEntry("Outpaint padding", "left 0 top 0 right 256 bottom 0")
                .containsEntry("Denoising strength", "0.8")
                .containsEntry("Outpaint source hash", zoom.parameters().source().picture().substring(0, 16));
    }

    @Test
    void zoomingAOneStepPicture_runsTwoSteps_soThatItsStrengthRunsOne() throws Exception {
        Job quick = drawn(service.handle(new Command.Imagine(ALICE_HERE, "a sketch", 5L, 1, new ImageSize(512, 512),
                null, null, null), "o"));

        Job zoom = drawn(service.handle(new Command.Outpaint(ALICE_HERE, quick.id(), OutpaintMode.ZOOM_OUT_1_5), "o"));

        assertThat(zoom.parameters().steps()).isEqualTo(2);
        assertThat(generator.generated.getLast().denoisingSteps()).isEqualTo(1);
    }

    @Test
    void everyActionUnderAPicture_isReady_andZoomAndPanAreAmongThem() {
        assertThat(Action.UNDER_A_PICTURE).allMatch(Action::ready)
                .contains(Action.ZOOM_OUT_1_5, Action.ZOOM_OUT_2, Action.PAN_LEFT, Action.PAN_RIGHT, Action.PAN_UP,
                        Action.PAN_DOWN);
        assertThat(Action.ZOOM_OUT_1_5.command(ALICE_HERE, "j1"))
                .isEqualTo(new Command.Outpaint(ALICE_HERE, "j1", OutpaintMode.ZOOM_OUT_1_5));
        assertThat(Action.ofCode("pd")).contains(Action.PAN_DOWN);
        assertThat(Action.ofCode("zoo")).contains(Action.ZOOM_OUT_2);
    }

    @Test
    void aPanAtTheLargestSide_staysThere_andAPictureLargerThanThatIsRefusedPolitely() throws Exception {
        Job wide = drawn(service.handle(new Command.Imagine(ALICE_HERE, "a coast", 1L, 4, new ImageSize(1024, 512),
                null, null, null), "o"));

        Job pan = drawn(service.handle(new Command.Outpaint(ALICE_HERE, wide.id(), OutpaintMode.PAN_LEFT), "o"));
        Job up = drawn(service.handle(new Command.Upscale(ALICE_HERE, wide.id(), false), "o"));
        Reply tooLarge = service.handle(new Command.Outpaint(ALICE_HERE, up.id(), OutpaintMode.ZOOM_OUT_1_5), "o");

        assertThat(pan.parameters().size()).isEqualTo(new ImageSize(1024, 512));
        assertThat(generator.generated.getLast().inpainting().outpaint().left()).isEqualTo(512);
        assertThat(refusal(tooLarge)).contains("2048x1024").contains("upscaled from");
    }

    @Test
    void inpaint_keepsTheMaskFittedToThePicture_andRedrawsItsWhitePart_atStrengthOneByDefault() throws Exception {
        byte[] photo = Pictures.png(512, 512);
        // The mask at half the size: scaled to the picture, as diffusers does.
        byte[] mask = Pictures.mask(256, 256, 64, 64, 192, 192);

        Job job = drawn(service.handle(inpaint("a red hat", new PictureInput.Upload(photo), mask, null), "o"));

        JobSource source = job.parameters().source();
        assertThat(source.kind()).isEqualTo(JobSource.Kind.INPAINT);
        assertThat(source.strength()).isEqualTo(1.0);
        GenerationRequest asked = generator.generated.getLast();
        assertThat(asked.isInpainting()).isTrue();
        assertThat(asked.inpainting().mask().width()).isEqualTo(512);
        assertThat(asked.inpainting().mask().value(256, 256)).isEqualTo(255);
        assertThat(asked.inpainting().mask().value(10, 10)).isZero();
        assertThat(asked.inpainting().maskBlur()).isEqualTo(GenerationRequest.DEFAULT_MASK_BLUR);
        Map<String, String> text = Pngs.settingsOf(Pngs.parametersOf(service.images(job).orElseThrow().get(0)));
        assertThat(text).containsEntry("Mask blur", "4").containsEntry("Denoising strength", "1.0")
                .containsEntry("Mask hash", asked.inpainting().mask().pixelHash().substring(0, 16))
                .containsEntry("Init image hash", source.picture().substring(0, 16));
    }

    @Test
    void inpaintOverAnEarlierJobsPicture_usesItsPrompt_whenNoneIsGiven() throws Exception {
        Job first = first();

        Job job = drawn(service.handle(inpaint(null, new PictureInput.OfJob(first.id(), 1),
                Pictures.mask(512, 384, 0, 0, 100, 100), 0.75), "o"));

        assertThat(job.parameters().prompt()).isEqualTo("a lighthouse");
        assertThat(job.sourceJobId()).isEqualTo(first.id());
        assertThat(job.parameters().source().strength()).isEqualTo(0.75);
        assertThat(generator.generated.getLast().denoisingSteps()).isEqualTo(3);
    }

    @Test
    void badMasks_areRefusedSayingWhatToChange_andNothingIsQueued() throws Exception {
        byte[] photo = Pictures.png(512, 512);

        String black = refusal(service.handle(inpaint("x", new PictureInput.Upload(photo),
                Pictures.mask(512, 512, 0, 0, 0, 0), null), "o"));
        String proportions = refusal(service.handle(inpaint("x", new PictureInput.Upload(photo),
                Pictures.mask(512, 256, 0, 0, 10, 10), null), "o"));
        String gif = refusal(service.handle(inpaint("x", new PictureInput.Upload(photo), Pictures.gif(), null),
                "o"));
        String weak = refusal(service.handle(inpaint("x", new PictureInput.Upload(photo),
                Pictures.mask(512, 512, 0, 0, 10, 10), 0.1), "o"));

        assertThat(black).isEqualTo(ReplyTexts.MASK_ALL_BLACK);
        assertThat(proportions).contains("512x256").contains("proportions");
        assertThat(gif).startsWith("I can't use that mask").contains("PNG, JPEG and WebP");
        assertThat(weak).contains("runs none of the 4 steps").contains("at least 0.25");
        assertThat(service.queueLength()).isZero();
    }

    @Test
    void zoomPanAndInpaint_costTheirStepsAndTheEncoderTwice() {
        JobParameters ordinary = new JobParameters("a fox", 1, 4, new ImageSize(512, 512), 8f, 1, Decoder.FULL);
        JobParameters zoom = ordinary.withSource(new JobSource(JobSource.Kind.OUTPAINT, "h", 0.8, null, "zoom-2"));
        JobParameters pan = new JobParameters("a fox", 1, 4, new ImageSize(768, 512), 8f, 1, Decoder.FULL)
                .withSource(new JobSource(JobSource.Kind.OUTPAINT, "h", 0.8, null, "right"));
        JobParameters inpaint = ordinary.withSource(new JobSource(JobSource.Kind.INPAINT, "h", 1.0, "m", null));

        // int(4 x 0.8) = 3 steps, and diffusers encodes the picture and the masked picture.
        assertThat(WorkUnits.of(zoom)).isEqualTo(3 + 2.0);
        assertThat(WorkUnits.of(pan)).isEqualTo((3 + 2.0) * 1.5);
        assertThat(WorkUnits.of(inpaint)).isEqualTo(4 + 2.0);
    }

    @Test
    void afterARestart_zoomPanAndInpaintJobsAreDrawnTheSame_fromWhatTheJobStoreKept() throws Exception {
        Job first = first();
        Job zoom = drawn(service.handle(new Command.Outpaint(BOB_HERE, first.id(), OutpaintMode.ZOOM_OUT_1_5), "o"));
        Job painted = drawn(service.handle(inpaint("a red hat", new PictureInput.Upload(Pictures.png(512, 512)),
                Pictures.mask(512, 512, 100, 100, 300, 300), null), "o"));
        GenerationRequest zoomBefore = generator.generated.get(generator.generated.size() - 2);
        GenerationRequest paintedBefore = generator.generated.getLast();
        service.shutdown(Duration.ofSeconds(5));
        java.nio.file.Files.walk(data.resolve("results")).sorted(java.util.Comparator.reverseOrder())
                .forEach(p -> p.toFile().delete());
        generator.generated.clear();
        startService();

        Job zoomAgain = drawn(service.handle(new Command.Replay(ALICE_HERE, zoom.id()), "o"));
        Job paintedAgain = drawn(service.handle(new Command.Replay(ALICE_HERE, painted.id()), "o"));

        assertThat(zoomAgain.fromCache()).isFalse();
        assertThat(zoomAgain.parameters().source()).isEqualTo(zoom.parameters().source());
        assertThat(paintedAgain.parameters().source()).isEqualTo(painted.parameters().source());
        GenerationRequest zoomAfter = generator.generated.get(0);
        GenerationRequest paintedAfter = generator.generated.get(1);
        assertThat(zoomAfter.source().pixelHash()).isEqualTo(zoomBefore.source().pixelHash());
        assertThat(zoomAfter.inpainting().mask().pixelHash()).isEqualTo(zoomBefore.inpainting().mask().pixelHash());
        assertThat(paintedAfter.inpainting().mask()).isEqualTo(paintedBefore.inpainting().mask());
        assertThat(paintedAfter.source().pixelHash()).isEqualTo(paintedBefore.source().pixelHash());
        // And its buttons still work on the result.
        drawn(service.handle(new Command.Outpaint(ALICE_HERE, paintedAgain.id(), OutpaintMode.PAN_DOWN), "o"));
    }
}
