package dev.imagine.bot.product;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.pipeline.model.FakeHub;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Stopping Imagine the ways a machine does (SIGTERM from {@code docker stop}, systemd or Ctrl-C; {@code kill -9} or a
 * power cut) while pictures wait and one is being drawn, then starting it again: no picture is lost, and none is
 * shown as failed because of the stop.
 */
class StopAndRestartIT {
    static final Duration START = Duration.ofSeconds(120);
    static final Duration DRAW = Duration.ofSeconds(180);
    /**
     * A picture the tiny model needs a while for (8 UNet steps at 512x512: about 1 s each on a busy machine, far less
     * on an idle one), so that a signal sent after its first step finds it inside ONNX Runtime.
     */
    static final String SLOW = "\"seed\": 7, \"steps\": 8, \"size\": \"512x512\"";
    /**
     * Four of {@link #SLOW} in one job: on an idle machine the tiny model draws a {@code SLOW} picture in well under a
     * second, so a stop with no grace could still find it finished; four take long enough that a signal sent after
     * the first step always finds steps left to do.
     */
    static final String SLOWEST = SLOW + ", \"count\": 4";
    static final String QUICK = "\"seed\": 9, \"steps\": 2, \"size\": \"256x256\"";

    FakeHub hub;
    Sandbox sandbox;
    ImagineProcess imagine;

    @BeforeEach
    void setUp(TestInfo test) {
        hub = TinyHub.start();
        sandbox = Sandbox.create(getClass().getSimpleName() + "/" + test.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (imagine != null) {
            imagine.close();
        }
        hub.close();
    }

    private URI start(String name) throws InterruptedException {
        imagine = ImagineProcess.start(sandbox, name, sandbox.environment(hub.endpoint().toString(), Map.of()));
        return imagine.awaitHealthy(START);
    }

    @Test
    void sigterm_whileAPictureIsDrawn_letsItFinishWithinTheGrace_andTheNextStartShowsItDone() throws Exception {
        sandbox.writeConfig(TinyHub.config(hub));
        PlaygroundClient person = new PlaygroundClient().at(start("before-sigterm"));
        String id = person.draw("{\"prompt\": \"a lighthouse at dusk\", " + SLOW + "}").get("id").asText();
        person.firstStep(id).get(DRAW.toSeconds(), TimeUnit.SECONDS);

        imagine.sigterm();

        assertThat(imagine.awaitExit(Duration.ofSeconds(90))).as("exit code of a graceful stop").isZero();
        String log = imagine.stderr();
        assertThat(log).contains("job " + id + " done").doesNotContain("job " + id + " failed")
                .doesNotContain("DefaultLogger").doesNotContain("SIGSEGV");
        assertThat(sandbox.crashReports()).isEmpty();

        person.at(start("after-sigterm"));
        assertThat(person.job(id).get("state").asText()).isEqualTo("done");
        person.png(id, 0, 512, 512);
    }

    @Test
    void sigterm_whenThePictureCannotFinishWithinTheGrace_keepsItForTheNextStart_whichDrawsIt() throws Exception {
        // No grace at all: the running picture stops after its current step whatever the machine's speed.
        sandbox.writeConfig(ProductTests.withKey(TinyHub.config(hub), "shutdown.grace", "0s"));
        PlaygroundClient person = new PlaygroundClient().at(start("before-sigterm"));
        String id = person.draw("{\"prompt\": \"a lighthouse at dusk\", " + SLOWEST + "}").get("id").asText();
        person.firstStep(id).get(DRAW.toSeconds(), TimeUnit.SECONDS);

        imagine.sigterm();

        assertThat(imagine.awaitExit(Duration.ofSeconds(90))).as("exit code of a graceful stop").isZero();
        assertThat(imagine.stderr()).contains("job " + id + " kept for the next start")
                .doesNotContain("job " + id + " failed").doesNotContain("DefaultLogger");
        assertThat(sandbox.crashReports()).isEmpty();

        person.at(start("after-sigterm"));
        assertThat(imagine.stderr()).contains("resumed 1 job");
        JsonNode done = person.awaitDone(id, DRAW);
        assertThat(done.has("message")).as("no failure text: %s", done).isFalse();
        for (int picture = 0; picture < 4; picture++) {
            person.png(id, picture, 512, 512);
        }
    }

    @Test
    void kill9_withPicturesWaitingAndOneDrawn_everyPictureCompletesAfterTheRestart_andSameSeedGivesTheSameBytes()
            throws Exception {
        sandbox.writeConfig(TinyHub.config(hub));
        URI playground = start("before-kill");
        PlaygroundClient heavy = new PlaygroundClient().at(playground);
        PlaygroundClient light = new PlaygroundClient().at(playground);
        // The heavy user's earlier picture: it costs their fair share several seconds of the machine.
        String earlier = heavy.draw("{\"prompt\": \"a red fox in the snow\", \"seed\": 1, \"steps\": 4,"
                + " \"size\": \"512x512\"}").get("id").asText();
        heavy.awaitDone(earlier, DRAW);
        byte[] earlierPicture = heavy.png(earlier, 0, 512, 512);

        String running = heavy.draw("{\"prompt\": \"a lighthouse at dusk\", " + SLOWEST + "}").get("id").asText();
        heavy.firstStep(running).get(DRAW.toSeconds(), TimeUnit.SECONDS);
        String waiting1 = light.draw("{\"prompt\": \"a boat\", " + QUICK + "}").get("id").asText();
        String waiting2 = light.draw("{\"prompt\": \"a castle\", " + QUICK + "}").get("id").asText();
        assertThat(light.job(waiting1).get("state").asText()).isEqualTo("queued");

        imagine.kill();
        imagine.awaitExit(Duration.ofSeconds(30));

        playground = start("after-kill");
        heavy.at(playground);
        light.at(playground);
        assertThat(imagine.stderr()).contains("resumed 3 jobs from the last run: 2 were waiting, 1 was running");
        JsonNode runningJob = heavy.awaitDone(running, DRAW);
        JsonNode first = light.awaitDone(waiting1, DRAW);
        light.awaitDone(waiting2, DRAW);
        heavy.png(running, 0, 512, 512);
        light.png(waiting1, 0, 256, 256);
        light.png(waiting2, 0, 256, 256);
        // The heavy user's usage survived the kill, so the light user's waiting picture went first although the
        // heavy user's was older (with the usage forgotten, the tie would have gone to the older one).
        assertThat(Instant.parse(first.get("startedAt").asText()))
                .isBefore(Instant.parse(runningJob.get("startedAt").asText()));

        JsonNode again = heavy.sameSeed(earlier);
        String againId = again.get("id").asText();
        heavy.awaitDone(againId, DRAW);
        assertThat(heavy.png(againId, 0, 512, 512)).isEqualTo(earlierPicture);
        assertThat(sandbox.crashReports()).isEmpty();
    }
}
