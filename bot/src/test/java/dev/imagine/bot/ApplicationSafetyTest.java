package dev.imagine.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.config.ConfigException;
import dev.imagine.bot.config.ConfigLoader;
import dev.imagine.bot.config.ImagineConfig;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.job.Reply;
import dev.imagine.bot.safety.PictureClassifier;
import dev.imagine.bot.safety.SafetyCheck;
import dev.imagine.pipeline.DownloadListener;
import dev.imagine.pipeline.GeneratedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The picture classifier as the application loads it: from a folder, from the hub cache, or not at all. */
class ApplicationSafetyTest {
    static final Path TINY_MODEL = ApplicationTest.TINY_MODEL;
    static final Path TINY_CLASSIFIER = ApplicationTest.TINY_CLASSIFIER;

    @TempDir
    Path data;

    private ImagineConfig config(String safety) {
        return ConfigLoader.parse("data:\n  dir: " + data + "\nweb:\n  enabled: false\nmodel:\n  cache-dir: "
                + data.resolve("models") + "\nsafety:\n" + safety, "test.yaml");
    }

    @Test
    void start_withAClassifierFolder_loadsIt_andItChecksAPictureTheApplicationDrew() throws Exception {
        try (Application application = Application.start(config("  classifier-folder: " + TINY_CLASSIFIER + "\n"
                + "  threshold: 0.3\n"), TINY_MODEL, Map.of(), () -> DownloadListener.NONE)) {
            application.startWorking();
            Reply reply = application.jobs().handle(new Command.Imagine(Requester.direct(new User("web", "u1", "you")),
                    "a lighthouse", 3L, 1, new ImageSize(256, 256), 8f, 1, null), "origin");
            String jobId = ((Reply.Accepted) reply).job().id();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (application.jobs().job(jobId).orElseThrow().state() != JobState.DONE
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            byte[] png = application.jobs().images(application.jobs().job(jobId).orElseThrow()).orElseThrow().get(0);
            GeneratedImage image = new GeneratedImage(3L, 256, 256, png);

            PictureClassifier classifier = application.pictureClassifier().orElseThrow();
            SafetyCheck check = classifier.check(image);

            assertThat(classifier.name()).isEqualTo(TINY_CLASSIFIER.toString());
            assertThat(check.label()).isEqualTo("nsfw");
            assertThat(check.threshold()).isEqualTo(0.3);
            assertThat(check.score()).isBetween(0f, 1f);
            assertThat(check.flagged()).isEqualTo(check.score() > 0.3);
            assertThat(classifier.check(png)).isEqualTo(check);
        }
    }

    @Test
    void theApplicationsEngine_judgesEveryPictureWithTheLoadedClassifier_andHoldsBackWhatThePolicyRefuses()
            throws Exception {
        // Threshold 0: every picture is flagged (its score is above 0), so the policy decides.
        try (Application application = Application.start(config("  classifier-folder: " + TINY_CLASSIFIER + "\n"
                + "  threshold: 0\n  policy: refuse\n"), TINY_MODEL, Map.of(), () -> DownloadListener.NONE)) {
            application.startWorking();
            Reply reply = application.jobs().handle(new Command.Imagine(Requester.direct(new User("web", "u1", "you")),
                    "a lighthouse", 3L, 1, new ImageSize(256, 256), 8f, 1, null), "origin");
            String jobId = ((Reply.Accepted) reply).job().id();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (application.jobs().job(jobId).orElseThrow().state() != JobState.DONE
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            Job done = application.jobs().job(jobId).orElseThrow();

            assertThat(done.screening()).isNotNull();
            assertThat(done.screening().classifier()).isEqualTo(TINY_CLASSIFIER.toString());
            assertThat(done.screening().policy()).isEqualTo("refuse");
            assertThat(done.screening().pictures()).singleElement()
                    .satisfies(v -> assertThat(v.flagged()).isTrue());
            assertThat(done.shownCount()).isZero();
            assertThat(application.jobs().images(done)).hasValueSatisfying(images -> assertThat(images).isEmpty());
            assertThat(Files.list(data.resolve("audit")).toList()).as("the audit log, apart from the app log")
                    .singleElement().satisfies(f -> assertThat(Files.readString(f)).contains("\"withheld\"")
                            .contains(jobId).doesNotContain("lighthouse"));
        }
    }

    @Test
    void start_withoutAClassifier_andPolicyAllow_hasNone() {
        try (Application application = Application.start(config("  classifier:\n  policy: allow\n"), TINY_MODEL,
                Map.of(), () -> DownloadListener.NONE)) {
            assertThat(application.pictureClassifier()).isEmpty();
        }
    }

    @Test
    void start_whenTheHubClassifierIsNotCachedAndTheHubIsOff_failsSayingHowToFetchItOrTurnItOff() {
        ImagineConfig defaults = config("  policy: spoiler\n");

        assertThatThrownBy(() -> Application.start(defaults, TINY_MODEL, Map.of("HF_HUB_OFFLINE", "1"),
                () -> DownloadListener.NONE))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("the picture classifier onnx-community/nsfw_image_detection-ONNX@"
                        + "1ceb3c7fe1e9f3f2507e6df577437f23a9149fd5 (safety.classifier) is not available: ")
                .hasMessageContaining("models pull onnx-community/nsfw_image_detection-ONNX@1ceb3c7fe1e9f3f2507e6df577437f23a9149fd5")
                .hasMessageNotContaining("..")
                .hasMessageEndingWith("1ceb3c7fe1e9f3f2507e6df577437f23a9149fd5 --cache-dir " + data.resolve("models")
                        + ". To start without a classifier, set safety.classifier: \"\" and "
                        + "safety.policy: allow in config.yaml; safety.classifier-folder can name a local copy instead.");
        assertThat(data.resolve("jobs.mv")).as("nothing was opened").doesNotExist();
    }

    @Test
    void start_withALabelTheClassifierDoesNotHave_failsNamingItsLabels_andLeavesNothingOpen() throws Exception {
        ImagineConfig config = config("  classifier-folder: " + TINY_CLASSIFIER + "\n  label: porn\n");

        assertThatThrownBy(() -> Application.start(config, TINY_MODEL, Map.of(), () -> DownloadListener.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("its labels are normal, nsfw");
        assertThat(Files.exists(data.resolve("jobs.mv"))).isFalse();
    }
}
