package dev.imagine.bot.product;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's first command, {@code java -jar bot/target/imagine.jar}, as a new user runs it: the shipped config.yaml
 * in the current folder (only the model pointed at the fake hub's tiny model, and the port), nothing in the cache, no
 * --model, no cache folder set.
 */
class FirstStartIT {
    static final Duration START = Duration.ofSeconds(120);

    @RegisterExtension
    final TinyHubSandbox run = new TinyHubSandbox();

    @Test
    void readmeFirstCommand_downloadsTheModelIntoTheUsersCache_drawsAPicture_andStartsAgainOfflineFromTheCache()
            throws Exception {
        ImagineProcess imagine = run.start("first-start", Map.of());
        URI playground = imagine.awaitHealthy(START);

        String commit = TinyHub.modelCommit(run.hub());
        assertThat(run.sandbox().modelCache()
                .resolve("imagine-test--tiny-lcm/snapshots/" + commit + "/unet/model.onnx")).isRegularFile();
        assertThat(run.sandbox().modelCache().resolve("deinferno--taesd-onnx")).isDirectory();
        assertThat(run.sandbox().dataFolder().resolve("jobs.mv")).isRegularFile();

        PlaygroundClient person = new PlaygroundClient().at(playground);
        JsonNode job = person.draw("{\"prompt\": \"a lighthouse at dusk\", \"seed\": 42, \"steps\": 2,"
                + " \"size\": \"256x256\"}");
        String id = job.get("id").asText();
        person.awaitDone(id, Duration.ofSeconds(120));
        byte[] picture = person.png(id, 0, 256, 256);
        JsonNode fast = person.draw("{\"prompt\": \"a lighthouse at dusk\", \"seed\": 42, \"steps\": 2,"
                + " \"size\": \"256x256\", \"decoder\": \"fast\"}");
        person.awaitDone(fast.get("id").asText(), Duration.ofSeconds(120));
        assertThat(person.png(fast.get("id").asText(), 0, 256, 256)).isNotEqualTo(picture);

        imagine.sigterm();
        assertThat(imagine.awaitExit(Duration.ofSeconds(60))).as("exit code of a graceful stop").isZero();
        run.hub().clearRequests();

        imagine = run.start("offline-restart", Map.of("HF_HUB_OFFLINE", "1"));
        person.at(imagine.awaitHealthy(START));
        assertThat(run.hub().requests()).as("requests to the hub").isEmpty();
        assertThat(person.job(id).get("state").asText()).isEqualTo("done");
        assertThat(person.png(id, 0, 256, 256)).isEqualTo(picture);
        assertThat(imagine.stderr()).doesNotContain("Exception");
        assertThat(run.sandbox().crashReports()).isEmpty();
    }

    @Test
    void aSecondStart_whileImagineRuns_exitsNonZeroWithOneLineSayingTheJobStoreIsInUse() throws Exception {
        Map<String, String> environment = run.environment(Map.of());
        ImagineProcess imagine = run.start("first", Map.of());
        URI playground = imagine.awaitHealthy(START);

        try (ImagineProcess second = ImagineProcess.start(run.sandbox(), "second", environment)) {
            assertThat(second.awaitExit(START)).isNotZero();
            String stderr = second.stderr();
            assertThat(stderr.lines().filter(line -> line.startsWith("error: ")).toList()).singleElement()
                    .asString().contains("cannot open the job store").contains("another Imagine process");
            assertThat(stderr).doesNotContain("unexpected failure").doesNotContainPattern("(?m)^\\s+at \\S+\\(");
        }
        assertThat(new PlaygroundClient().at(playground).draw("{\"prompt\": \"still here\", \"steps\": 1,"
                + " \"size\": \"256x256\"}").get("state").asText()).isIn("queued", "running", "done");
    }

    @Test
    void firstStartOffline_withAnEmptyCache_exitsNonZeroWithOneLineNamingModelsPull() throws Exception {
        ImagineProcess imagine = run.start("offline-first-start", Map.of("HF_HUB_OFFLINE", "1"));

        int exit = imagine.awaitExit(START);

        assertThat(exit).isNotZero();
        String stderr = imagine.stderr();
        String pull = "java -jar bot/target/imagine.jar models pull " + TinyHub.MODEL_REPO + "@"
                + TinyHub.modelCommit(run.hub());
        assertThat(stderr.lines().filter(line -> line.contains("models pull")).toList())
                .singleElement().asString().startsWith("error: ").contains(pull).contains("HF_HUB_OFFLINE=1");
        assertThat(stderr).doesNotContain("unexpected failure").doesNotContainPattern("(?m)^\\s+at \\S+\\(")
                .doesNotContain("Exception");
        assertThat(imagine.stdout()).isEmpty();
        assertThat(run.hub().requests()).isEmpty();
        assertThat(run.sandbox().crashReports()).isEmpty();
        assertThat(Files.exists(run.sandbox().modelCache().resolve("imagine-test--tiny-lcm/snapshots"))).isFalse();
    }
}
