package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.cache.CacheKey;
import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.PngParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pixels may be shared, text may not: two people whose prompts tokenize alike get one picture, and each sees only
 * their own prompt and seed, in every PNG the job service hands out and in the job itself.
 */
class CachedPicturePrivacyTest {
    static final Requester ALICE = new Requester(new User("discord", "1", "alice"), "900", "art", false);
    static final Requester BOB = new Requester(new User("telegram", "2", "bob"), "900", "art", false);
    static final String ALICES_PROMPT = "My Private Diary Entry";
    /** Tokenizes like Alice's (the fake tokenizer lower-cases, as CLIP's does). */
    static final String BOBS_PROMPT = "my private diary entry";

    @TempDir
    Path data;

    private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));
    private final TestGenerator generator = TestGenerator.fake();
    private final AtomicLong seeds = new AtomicLong(1000);
    private JobStore store;
    private RecordingSink sink;
    private JobService service;

    @BeforeEach
    void start() {
        store = MvJobStore.inMemory();
        service = startService();
    }

    private JobService startService() {
        sink = new RecordingSink();
        JobService started = JobService.builder(JobSettings.defaults("fake-model", "r1"), generator,
                        new FairShareQueue<>(QueueSettings.DEFAULTS, clock),
                        new ResultCache(1 << 20, data.resolve("results"), 1 << 20), store)
                .clocks(new JobClocks(clock, Ticker.SYSTEM, () -> 0L)).randomSeeds(seeds::incrementAndGet).build();
        started.registerSink("discord", sink);
        started.registerSink("telegram", sink);
        started.start();
        return started;
    }

    @AfterEach
    void stop() {
        generator.releaseAll();
        service.shutdown(Duration.ofSeconds(5));
        store.close();
    }

    private static Command.Imagine imagine(Requester who, String prompt, long seed, int count) {
        return new Command.Imagine(who, prompt, seed, null, null, null, count, null);
    }

    private Job generated(Requester who, String prompt, long seed, int count) throws InterruptedException {
        Job job = ((Reply.Accepted) service.handle(imagine(who, prompt, seed, count), "o")).job();
        sink.await("finished", job.id());
        return job;
    }

    private static String text(byte[] png) {
        return new String(png, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aCacheAnswer_carriesTheRequestersOwnPromptAndSeed_onTheSamePixels() throws Exception {
        Job alices = generated(ALICE, ALICES_PROMPT, 5, 2);
        List<byte[]> alicePngs = sink.await("finished", alices.id()).pngs();

        Reply.Finished bobs = (Reply.Finished) service.handle(imagine(BOB, BOBS_PROMPT, 5, 2), "o");

        assertThat(bobs.job().fromCache()).isTrue();
        assertThat(generator.generated).hasSize(1);
        assertThat(bobs.job().parameters().prompt()).isEqualTo(BOBS_PROMPT);
        assertThat(bobs.pngs()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(TestGenerator.describe(bobs.pngs().get(i))).isEqualTo("png:" + BOBS_PROMPT + ":" + (5 + i)
                    + ":4:512x512");
            assertThat(text(bobs.pngs().get(i))).doesNotContain(ALICES_PROMPT);
            assertThat(Pngs.imageData(bobs.pngs().get(i)))
                    .isEqualTo(Pngs.imageData(alicePngs.get(i)));
            assertThat(TestGenerator.describe(alicePngs.get(i))).isEqualTo("png:" + ALICES_PROMPT + ":" + (5 + i)
                    + ":4:512x512");
        }
    }

    @Test
    void identicalRequestsInFlight_thatDifferOnlyInText_eachGetTheirOwnText() throws Exception {
        generator.holdSteps();
        Job alices = ((Reply.Accepted) service.handle(imagine(ALICE, ALICES_PROMPT, 7, 1), "o")).job();
        Job bobs = ((Reply.Accepted) service.handle(imagine(BOB, BOBS_PROMPT, 7, 1), "o")).job();

        generator.releaseAll();

        byte[] alicePng = sink.await("finished", alices.id()).pngs().get(0);
        byte[] bobPng = sink.await("finished", bobs.id()).pngs().get(0);
        assertThat(generator.generated).hasSize(1);
        assertThat(TestGenerator.describe(alicePng)).isEqualTo("png:" + ALICES_PROMPT + ":7:4:512x512");
        assertThat(TestGenerator.describe(bobPng)).isEqualTo("png:" + BOBS_PROMPT + ":7:4:512x512");
        assertThat(text(bobPng)).doesNotContain(ALICES_PROMPT);
        assertThat(Pngs.imageData(bobPng)).isEqualTo(Pngs.imageData(alicePng));
        assertThat(store.find(bobs.id()).orElseThrow().parameters().prompt()).isEqualTo(BOBS_PROMPT);
    }

    @Test
    void longPromptsThatDifferOnlyAfterTheCut_eachEndWithTheirOwnTail() throws Exception {
        String head = "a lighthouse on a cliff at dusk, waves crashing below, seagulls, warm light, ";
        String alicesTail = "and my sister's name is Jane";
        String bobsTail = "and a secret only Bob knows";
        Job alices = generated(ALICE, head + alicesTail, 9, 1);

        Reply.Finished bobs = (Reply.Finished) service.handle(imagine(BOB, head + bobsTail, 9, 1), "o");

        assertThat(generator.tokenize(head + alicesTail).ids()).isEqualTo(generator.tokenize(head + bobsTail).ids());
        String bobsText = PngParameters.read(bobs.pngs().get(0)).orElseThrow();
        assertThat(bobsText).startsWith(head + bobsTail + "\n").doesNotContain(alicesTail);
        assertThat(service.images(bobs.job()).orElseThrow().get(0)).isEqualTo(bobs.pngs().get(0));
        assertThat(PngParameters.read(service.images(store.find(alices.id()).orElseThrow()).orElseThrow().get(0)).orElseThrow())
                .startsWith(head + alicesTail + "\n");
    }

    @Test
    void theImagesOfAJob_asTheApiServesThem_carryThatJobsOwnText() throws Exception {
        Job alices = generated(ALICE, ALICES_PROMPT, 11, 1);
        Job bobs = ((Reply.Finished) service.handle(imagine(BOB, BOBS_PROMPT, 11, 1), "o")).job();

        byte[] forBob = service.images(store.find(bobs.id()).orElseThrow()).orElseThrow().get(0);
        byte[] forAlice = service.images(store.find(alices.id()).orElseThrow()).orElseThrow().get(0);

        assertThat(TestGenerator.describe(forBob)).isEqualTo("png:" + BOBS_PROMPT + ":11:4:512x512");
        assertThat(TestGenerator.describe(forAlice)).isEqualTo("png:" + ALICES_PROMPT + ":11:4:512x512");
        assertThat(Pngs.imageData(forBob)).isEqualTo(Pngs.imageData(forAlice));
    }

    @Test
    void theCacheOnDisk_keepsThePictureWithoutAnyonesText_andAfterARestartServesEachTheirOwn() throws Exception {
        Job alices = generated(ALICE, ALICES_PROMPT, 13, 1);
        byte[] alicePng = sink.await("finished", alices.id()).pngs().get(0);
        List<Path> files;
        try (Stream<Path> listed = Files.list(data.resolve("results"))) {
            files = listed.toList();
        }
        assertThat(files).singleElement().satisfies(file -> {
            byte[] stored = Files.readAllBytes(file);
            assertThat(PngParameters.read(stored)).isEmpty();
            assertThat(text(stored)).doesNotContain("Diary", "diary", "Seed");
        });

        service.shutdown(Duration.ofSeconds(5));
        service = startService();
        Reply.Finished bobs = (Reply.Finished) service.handle(imagine(BOB, BOBS_PROMPT, 13, 1), "o");

        assertThat(bobs.job().fromCache()).isTrue();
        assertThat(TestGenerator.describe(bobs.pngs().get(0))).isEqualTo("png:" + BOBS_PROMPT + ":13:4:512x512");
        assertThat(Pngs.imageData(bobs.pngs().get(0))).isEqualTo(Pngs.imageData(alicePng));
    }

    @Test
    void aPictureCachedWithTextByAnEarlierVersion_isDeliveredWithTheRequestersTextOnly() throws Exception {
        Job alices = generated(ALICE, ALICES_PROMPT, 17, 1);
        CacheKey key = service.cacheKeys(alices.parameters()).get(0);
        byte[] withAlicesText = generator.pngFor(new GenerationRequest(ALICES_PROMPT, 17, 4, 8f, 512, 512, 1), 0);
        Files.write(data.resolve("results").resolve(key.digest() + ".png"), withAlicesText);
        service.shutdown(Duration.ofSeconds(5));
        service = startService();

        Reply.Finished bobs = (Reply.Finished) service.handle(imagine(BOB, BOBS_PROMPT, 17, 1), "o");

        assertThat(TestGenerator.describe(bobs.pngs().get(0))).isEqualTo("png:" + BOBS_PROMPT + ":17:4:512x512");
        assertThat(text(bobs.pngs().get(0))).doesNotContain(ALICES_PROMPT);
        assertThat(Pngs.imageData(bobs.pngs().get(0))).isEqualTo(Pngs.imageData(withAlicesText));
    }
}
