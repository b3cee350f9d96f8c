package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.JobSource;
import dev.imagine.bot.command.PictureInput;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.command.Variation;
import dev.imagine.bot.testing.Pictures;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.UpscaleRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pictures as input, once for every platform: /imagine with a picture (uploaded or an earlier job's), Vary (subtle,
 * strong) and Upscale (2x, detailed) under a picture; checked, kept in the job store, drawn by the pipeline, labelled
 * with AUTOMATIC1111's keys, and still there after a restart.
 */
class JobServicePicturesTest {
    static final User ALICE = new User("web", "1", "alice");
    static final User BOB = new User("web", "2", "bob");
    static final Requester ALICE_HERE = Requester.direct(ALICE);
    static final Requester BOB_HERE = Requester.direct(BOB);

    @TempDir
    Path data;

    private TestGenerator generator = TestGenerator.fake().withUpscaler();
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

    private static Command.Imagine imagine(String prompt, PictureInput picture, Double strength) {
        return new Command.Imagine(ALICE_HERE, prompt, 7L, null, null, null, null, null, picture, strength);
    }

    private Job accepted(Reply reply) {
        assertThat(reply).isInstanceOf(Reply.Accepted.class);
        return ((Reply.Accepted) reply).job();
    }

    private Job drawn(Reply reply) throws InterruptedException {
        Job job = accepted(reply);
        sink.await("finished", job.id());
        return store.find(job.id()).orElseThrow();
    }

    private static String refusal(Reply reply) {
        assertThat(reply).isInstanceOf(Reply.Refused.class);
        return ((Reply.Refused) reply).message();
    }

    @Test
    void imagineWithAPicture_drawsImageToImage_atThePicturesSizeRoundedDown_withTheDefaultStrength()
            throws Exception {
        byte[] photo = Pictures.png(700, 530);

        Job job = drawn(service.handle(imagine("a red fox", new PictureInput.Upload(photo), null), "o"));

        JobSource source = job.parameters().source();
        assertThat(source.kind()).isEqualTo(JobSource.Kind.IMAGE_TO_IMAGE);
        assertThat(source.strength()).isEqualTo(GenerationRequest.DEFAULT_STRENGTH);
        // The fake pipeline's size step is 64, as SD 1.5's exported UNet: 700x530 draws at 640x512.
        assertThat(job.parameters().size()).isEqualTo(new ImageSize(640, 512));
        GenerationRequest asked = generator.generated.getLast();
        assertThat(asked.isImageToImage()).isTrue();
        assertThat(asked.source().pixelHash()).isEqualTo(source.picture());
        assertThat(asked.strength()).isEqualTo(0.5);
        byte[] png = service.images(job).orElseThrow().get(0);
        Map<String, String> settings = Pngs.settingsOf(Pngs.parametersOf(png));
        assertThat(settings).containsEntry("Denoising strength", "0.5")
                .containsEntry("Init image hash", source.picture().substring(0, 16));
    }

    @Test
    void imagineWithAPicture_andAStrength_usesIt_andRefusesOneThatLeavesTooFewScheduleSteps() throws Exception {
        byte[] photo = Pictures.png(512, 512);

        Job job = drawn(service.handle(imagine("a red fox", new PictureInput.Upload(photo), 0.8), "o"));
        String tooWeak = refusal(service.handle(imagine("a red fox", new PictureInput.Upload(photo), 0.05), "o"));
        String zero = refusal(service.handle(imagine("a red fox", new PictureInput.Upload(photo), 0.0), "o"));

        assertThat(job.parameters().source().strength()).isEqualTo(0.8);
        assertThat(tooWeak).contains("strength 0.05 leaves 2 of LCM's 50 schedule points, fewer than the 4 steps")
                .contains("at least 0.08");
        assertThat(zero).contains("above 0 and at most 1");
    }

    @Test
    void aPictureThatIsNotAcceptable_isRefusedWithTheDecodersWords_andNothingIsQueued() {
        byte[][] bad = {new byte[0], Pictures.gif(), "<svg xmlns='http://www.w3.org/2000/svg'/>".getBytes(),
                Pictures.pngClaiming(50_000, 50_000), java.util.Arrays.copyOf(Pictures.png(300, 300), 200)};

        for (byte[] file : bad) {
            String message = refusal(service.handle(imagine("a fox", new PictureInput.Upload(file), null), "o"));
            assertThat(message).startsWith("I can't use that picture: ").contains("PNG, JPEG and WebP");
        }
        assertThat(service.queueLength()).isZero();
        assertThat(service.jobsOf(ALICE, 10)).isEmpty();
        assertThat(generator.generations.get()).isZero();
    }

    @Test
    void imagineWithAPngAndNoWords_drawsThePromptThePictureCarries() throws Exception {
        Job first = drawn(service.handle(new Command.Imagine(ALICE_HERE, "a lighthouse at dusk", 3L, null, null, null,
                null, null), "o"));
        byte[] png = service.images(first).orElseThrow().get(0);

        Job again = drawn(service.handle(imagine("", new PictureInput.Upload(png), null), "o"));

        assertThat(again.parameters().prompt()).isEqualTo("a lighthouse at dusk");
    }

    @Test
    void imagineFromAnEarlierJobsPicture_byReference_startsFromThatPicture() throws Exception {
        Job first = drawn(service.handle(new Command.Imagine(BOB_HERE, "a boat", 3L, null, null, null, null, null),
                "o"));

        Job job = drawn(service.handle(imagine("a boat at night", new PictureInput.OfJob(first.id(), 0), 0.6), "o"));

        assertThat(job.sourceJobId()).isEqualTo(first.id());
        assertThat(job.parameters().prompt()).isEqualTo("a boat at night");
        assertThat(job.parameters().source().strength()).isEqualTo(0.6);
        assertThat(generator.generated.getLast().source().pixelHash()).isEqualTo(job.parameters().source().picture());
        assertThat(refusal(service.handle(imagine("x", new PictureInput.OfJob("zzzzzzzzzz", 0), null), "o")))
                .contains("can't find that picture");
        assertThat(refusal(service.handle(imagine("x", new PictureInput.OfJob(first.id(), 3), null), "o")))
                .contains("no longer kept");
    }

    @Test
    void varySubtleAndStrong_drawTheFirstPictureAgainWithANewSeed_atStrengths035And07() throws Exception {
        Job first = drawn(service.handle(new Command.Imagine(ALICE_HERE, "a red fox", 42L, 4, null, null, 2, null),
                "o"));

        Job subtle = drawn(service.handle(new Command.Vary(BOB_HERE, first.id(), Variation.SUBTLE), "o"));
        Job strong = drawn(service.handle(new Command.Vary(BOB_HERE, first.id(), Variation.STRONG), "o"));

        for (Job vary : new Job[] {subtle, strong}) {
            assertThat(vary.owner()).isEqualTo(BOB);
            assertThat(vary.sourceJobId()).isEqualTo(first.id());
            assertThat(vary.parameters().prompt()).isEqualTo("a red fox");
            assertThat(vary.parameters().seed()).isNotEqualTo(42L);
            assertThat(vary.parameters().count()).isEqualTo(1);
            assertThat(vary.parameters().size()).isEqualTo(first.parameters().size());
        }
        assertThat(subtle.parameters().source().strength()).isEqualTo(0.35);
        assertThat(strong.parameters().source().strength()).isEqualTo(0.7);
        // The first picture of the set, as it was delivered.
        assertThat(subtle.parameters().source().picture()).isEqualTo(dev.imagine.pipeline.PictureDecoder.DEFAULT
                .decode(service.images(first).orElseThrow().get(0)).pixelHash());
    }

    @Test
    void upscale_isTwiceTheSize_writesTheUpscalerIntoThePng_andTheDetailedOneItsStrength() throws Exception {
        Job first = drawn(service.handle(new Command.Imagine(ALICE_HERE, "a red fox", 42L, 4, new ImageSize(512, 384),
                null, null, null), "o"));

        Job plain = drawn(service.handle(new Command.Upscale(BOB_HERE, first.id(), false), "o"));
        Job detailed = drawn(service.handle(new Command.Upscale(BOB_HERE, first.id(), true), "o"));

        assertThat(plain.parameters().size()).isEqualTo(new ImageSize(1024, 768));
        assertThat(detailed.parameters().source().kind()).isEqualTo(JobSource.Kind.UPSCALE_DETAILED);
        assertThat(generator.upscaled).extracting(UpscaleRequest::kind)
                .containsExactly(UpscaleRequest.Kind.X2, UpscaleRequest.Kind.X2_DETAILED);
        assertThat(generator.upscaled.get(1).strength()).isEqualTo(0.3);
        assertThat(generator.upscaled.get(1).steps()).isEqualTo(2);
        Map<String, String> plainText = Pngs.settingsOf(Pngs.parametersOf(service.images(plain).orElseThrow()
                .get(0)));
        Map<String, String> detailedText = Pngs.settingsOf(Pngs.parametersOf(service.images(detailed).orElseThrow()
                .get(0)));
        assertThat(plainText).containsEntry("Postprocess upscaler", "fake-upscaler").containsEntry("Size", "1024x768")
                .containsKey("Init image hash");
        assertThat(detailedText).containsEntry("Denoising strength", "0.3")
                .containsEntry("SD upscale upscaler", "fake-upscaler");
        assertThat(Pngs.promptOf(service.images(detailed).orElseThrow().get(0))).isEqualTo("a red fox");
    }

    @Test
    void upscale_withoutAnUpscaler_saysSoPolitely_andVaryWithoutAnEncoderToo() throws Exception {
        Job first = drawn(service.handle(new Command.Imagine(ALICE_HERE, "a red fox", 42L, null, null, null, null,
                null), "o"));
        service.shutdown(Duration.ofSeconds(5));
        generator = TestGenerator.fake().withoutImageToImage();
        startService();

        Reply upscale = service.handle(new Command.Upscale(ALICE_HERE, first.id(), true), "o");
        Reply vary = service.handle(new Command.Vary(ALICE_HERE, first.id(), Variation.STRONG), "o");

        assertThat(((Reply.Refused) upscale).reason()).isEqualTo(Reply.Refused.Reason.NOT_AVAILABLE);
        assertThat(refusal(upscale)).isEqualTo(ReplyTexts.NO_UPSCALER).contains("model.upscaler-folder");
        assertThat(refusal(vary)).isEqualTo(ReplyTexts.NO_IMAGE_TO_IMAGE);
        assertThat(service.queueLength()).isZero();
    }

    @Test
    void aDetailedUpscale_costsInTheQueueWhatItsTilesCost_manyOrdinaryPictures() {
        JobParameters ordinary = new JobParameters("a fox", 1, 4, new ImageSize(512, 512), 8f, 1,
                dev.imagine.bot.command.Decoder.FULL);
        JobParameters variation = ordinary.withSource(new JobSource(JobSource.Kind.IMAGE_TO_IMAGE, "h", 0.35));
        JobParameters plain = new JobParameters("a fox", 1, 4, new ImageSize(1024, 1024), 8f, 1,
                dev.imagine.bot.command.Decoder.FULL).withSource(new JobSource(JobSource.Kind.UPSCALE, "h", 1));
        JobParameters detailed = new JobParameters("a fox", 1, 2, new ImageSize(1024, 1024), 8f, 1,
                dev.imagine.bot.command.Decoder.FULL).withSource(
                new JobSource(JobSource.Kind.UPSCALE_DETAILED, "h", 0.3));

        assertThat(WorkUnits.of(ordinary)).isEqualTo(4.0);
        assertThat(WorkUnits.of(variation)).isEqualTo(5.0);
        assertThat(WorkUnits.of(plain)).isEqualTo(0.5);
        // 9 tiles of 512x512 (1024 = 3 tiles overlapping by 64), each 2 steps + encoder + decoder.
        assertThat(WorkUnits.of(detailed)).isEqualTo(0.5 + 9 * 5.0);
        assertThat(WorkUnits.of(detailed) / WorkUnits.of(ordinary)).isGreaterThan(10);
    }

    @Test
    void theCacheKey_holdsTheSourcePictureAndTheStrength() throws Exception {
        byte[] photo = Pictures.png(512, 512);
        byte[] other = Pictures.png(512, 520);

        Job a = drawn(service.handle(imagine("a fox", new PictureInput.Upload(photo), 0.5), "o"));
        Job b = drawn(service.handle(imagine("a fox", new PictureInput.Upload(photo), 0.6), "o"));
        Job c = drawn(service.handle(imagine("a fox", new PictureInput.Upload(other), 0.5), "o"));
        Reply again = service.handle(imagine("a fox", new PictureInput.Upload(photo), 0.5), "o");

        assertThat(a.resultKeys()).doesNotContainAnyElementsOf(b.resultKeys()).doesNotContainAnyElementsOf(
                c.resultKeys());
        assertThat(again).isInstanceOf(Reply.Finished.class);
        assertThat(((Reply.Finished) again).job().resultKeys()).isEqualTo(a.resultKeys());
    }

    @Test
    void afterARestart_aPictureJobsButtonsStillWork_fromTheSourceKeptInTheJobStore() throws Exception {
        byte[] photo = Pictures.png(512, 512);
        Job first = drawn(service.handle(imagine("a fox", new PictureInput.Upload(photo), 0.5), "o"));
        byte[] before = Pngs.imageData(service.images(first).orElseThrow().get(0));
        Job up = drawn(service.handle(new Command.Upscale(ALICE_HERE, first.id(), false), "o"));
        service.shutdown(Duration.ofSeconds(5));
        // A new process, and a cache that forgot everything.
        java.nio.file.Files.walk(data.resolve("results")).sorted(java.util.Comparator.reverseOrder())
                .forEach(p -> p.toFile().delete());
        startService();

        Job replay = drawn(service.handle(new Command.Replay(BOB_HERE, first.id()), "o"));
        Job upAgain = drawn(service.handle(new Command.Replay(BOB_HERE, up.id()), "o"));

        assertThat(replay.fromCache()).isFalse();
        assertThat(replay.parameters().source()).isEqualTo(first.parameters().source());
        assertThat(Pngs.imageData(service.images(replay).orElseThrow().get(0))).isEqualTo(before);
        assertThat(upAgain.parameters().size()).isEqualTo(new ImageSize(1024, 1024));
    }

    @Test
    void aPictureJobWaitingWhenImagineStopped_isDrawnAfterTheRestart_fromItsKeptPicture() throws Exception {
        generator.hold();
        Job running = accepted(service.handle(new Command.Imagine(BOB_HERE, "bob runs", 1L, null, null, null, null,
                null), "o"));
        assertThat(generator.held.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Job waiting = accepted(service.handle(imagine("a fox", new PictureInput.Upload(Pictures.png(512, 512)),
                0.5), "o"));
        Thread stop = new Thread(() -> service.shutdown(Duration.ZERO));
        stop.start();
        sink.await("notice", waiting.id());
        generator.open();
        stop.join(10_000);
        generator.releaseAll();
        generator.generated.clear();

        startService();

        sink.await("finished", waiting.id());
        sink.await("finished", running.id());
        assertThat(generator.generated).filteredOn(GenerationRequest::isImageToImage)
                .extracting(request -> request.source().pixelHash())
                .containsExactly(waiting.parameters().source().picture());
    }
}
