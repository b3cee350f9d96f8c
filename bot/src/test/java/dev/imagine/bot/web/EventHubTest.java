package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live event state is bounded: finished jobs are forgotten after a while, and there is a cap on jobs. */
class EventHubTest {
    static final User ALICE = new User("web", "aliceaaaaaaaaaaaaaaa", "you");

    @TempDir
    static Path data;

    private static TinyImagine imagine;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final InstantSource clock = now::get;

    @BeforeAll
    static void start() {
        imagine = TinyImagine.start(data, new WebSettings("127.0.0.1", 0, null));
    }

    @AfterAll
    static void stop() {
        imagine.close();
    }

    private static Job job(String id) {
        JobParameters parameters = new JobParameters("a cat", 1, 2, new ImageSize(256, 256), 8f, 1, Decoder.FULL);
        return Job.queued(id, ALICE, null, null, parameters, Instant.EPOCH, "web", null);
    }

    @Test
    void aFinishedJobsState_isForgottenAfterTheRetention_butKeptBeforeIt() {
        EventHub hub = new EventHub(imagine.jobs, clock, Duration.ofMinutes(10), 100);
        Job done = job("aaaaaaaaaa").running(Instant.EPOCH).done(Instant.EPOCH, List.of("k"), false, 0);
        hub.finished(done, List.of(), Duration.ofSeconds(1));
        hub.progress(job("bbbbbbbbbb"), 1, 2);

        now.set(now.get().plus(Duration.ofMinutes(9)));
        hub.tick();
        assertThat(hub.rememberedJobs()).isEqualTo(2);

        now.set(now.get().plus(Duration.ofMinutes(2)));
        hub.tick();
        assertThat(hub.rememberedJobs()).as("only the unfinished job is left").isEqualTo(1);
    }

    @Test
    void atMostMaxJobsAreRemembered_theLeastRecentlyTouchedGoFirst() {
        EventHub hub = new EventHub(imagine.jobs, clock, Duration.ofMinutes(10), 3);
        for (String id : List.of("aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc", "dddddddddd", "eeeeeeeeee")) {
            hub.progress(job(id), 1, 2);
        }

        assertThat(hub.rememberedJobs()).isEqualTo(3);
    }

    @Test
    void aSubscriberForAForgottenJob_getsItsStateFromTheStore() throws Exception {
        Person alice = new Person(imagine.base());
        Person.Answer accepted = alice.post("/api/jobs", "{\"prompt\":\"a quiet harbour\",\"seed\":3}");
        String id = accepted.json().getAsJsonObject("job").get("id").getAsString();
        alice.events(id);
        EventHub fresh = new EventHub(imagine.jobs, clock, Duration.ofMinutes(10), 100);

        try (EventHub.Subscription subscription = fresh.subscribe(imagine.jobs.job(id).orElseThrow())) {
            EventHub.Event first = subscription.next(Duration.ofSeconds(5)).orElseThrow();

            assertThat(first.name()).isEqualTo("finished");
            assertThat(first.data(ALICE).get("job").get("images")).hasSize(1);
        }
    }

    @Test
    void closingTheHub_endsOpenStreams() throws Exception {
        EventHub hub = new EventHub(imagine.jobs, clock, Duration.ofMinutes(10), 100);
        Job waiting = job("ffffffffff");
        hub.queued(waiting, 1, Duration.ZERO);
        EventHub.Subscription subscription = hub.subscribe(waiting);
        assertThat(subscription.next(Duration.ofSeconds(5)).orElseThrow().name()).isEqualTo("queued");

        hub.close();

        assertThat(EventHub.Subscription.isClosed(subscription.next(Duration.ofSeconds(5)).orElseThrow())).isTrue();
    }
}
