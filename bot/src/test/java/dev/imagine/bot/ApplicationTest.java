package dev.imagine.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.config.ConfigLoader;
import dev.imagine.bot.config.ImagineConfig;
import dev.imagine.bot.job.Adapter;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.job.Reply;
import dev.imagine.bot.job.ReplySink;
import dev.imagine.bot.web.HealthReport;
import dev.imagine.pipeline.DownloadListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wired application with the small fixture model: it starts, serves jobs, keeps them on disk, and stops. */
class ApplicationTest {
    static final Path TINY_MODEL = Path.of("../pipeline/src/test/resources/reference/tiny-lcm").toAbsolutePath()
            .normalize();

    static final Path TINY_TAESD = Path.of("../pipeline/src/test/resources/reference/tiny-taesd").toAbsolutePath()
            .normalize();

    static final Path TINY_CLASSIFIER = Path.of("../pipeline/src/test/resources/reference/tiny-vit-classifier")
            .toAbsolutePath().normalize();

    /** The default classifier comes from the hub, which tests cannot reach: they use the tiny one. */
    static final String TINY_SAFETY = "safety:\n  classifier-folder: " + TINY_CLASSIFIER + "\n";

    @TempDir
    Path data;

    private ImagineConfig config() {
        return ConfigLoader.parse("data:\n  dir: " + data + "\nweb:\n  enabled: false\nshutdown:\n  grace: 10s\n"
                + TINY_SAFETY, "test.yaml");
    }

    @Test
    void start_withAModelFolder_servesJobs_keepsThemOnDisk_andCountsThemInTheMetrics() throws Exception {
        String jobId;
        try (Application application = Application.start(config(), TINY_MODEL, Map.of(),
                () -> DownloadListener.NONE)) {
            application.startWorking();
            Reply reply = application.jobs().handle(new Command.Imagine(Requester.direct(new User("web", "u1", "you")),
                    "a lighthouse", 3L, 1, new ImageSize(256, 256), 8f, 1, null), "origin");
            jobId = ((Reply.Accepted) reply).job().id();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (application.jobs().job(jobId).orElseThrow().state() != JobState.DONE
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(application.jobs().job(jobId).orElseThrow().state()).isEqualTo(JobState.DONE);
            assertThat(application.metrics().scrape()).contains("imagine_jobs_total{outcome=\"done\",platform=\"web\"} 1.0");
            assertThat(application.model().id()).isEqualTo(TINY_MODEL.toString());
            assertThat(application.model().revision()).startsWith("local-");
        }

        assertThat(Files.exists(data.resolve("jobs.mv"))).isTrue();
        assertThat(Files.list(data.resolve("results")).count()).isEqualTo(1);
        try (Application again = Application.start(config(), TINY_MODEL, Map.of(), () -> DownloadListener.NONE)) {
            assertThat(again.jobs().job(jobId)).get().extracting(job -> job.state()).isEqualTo(JobState.DONE);
            assertThat(again.jobs().images(again.jobs().job(jobId).orElseThrow())).isPresent();
        }
    }

    /** An adapter that notes what the job service was doing when it was started and closed. */
    private static final class WatchingAdapter implements Adapter {
        private final JobService jobs;
        private final String failure;
        volatile boolean connected;
        volatile String seenAtClose;

        WatchingAdapter(JobService jobs, String failure) {
            this.jobs = jobs;
            this.failure = failure;
        }

        @Override
        public String platform() {
            return "watching";
        }

        @Override
        public void start() {
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            connected = true;
        }

        @Override
        public ReplySink sink() {
            return LOG_ONLY;
        }

        @Override
        public boolean connected() {
            return connected;
        }

        @Override
        public String readyLine() {
            return "watching";
        }

        @Override
        public void close() {
            seenAtClose = "admitting=" + jobs.admitting();
            connected = false;
        }
    }

    private static final ReplySink LOG_ONLY = new ReplySink() {
        @Override
        public void queued(Job job, int position, Duration eta) {
        }

        @Override
        public void started(Job job) {
        }

        @Override
        public void progress(Job job, int step, int totalSteps) {
        }

        @Override
        public void finished(Job job, List<byte[]> pngs, Duration elapsed) {
        }

        @Override
        public void failed(Job job, String message) {
        }

        @Override
        public void cancelled(Job job, String reason) {
        }

        @Override
        public void notice(Job job, String message) {
        }
    };

    @Test
    void health_isTheRealStateOfEachPart_andTheAdaptersCloseAfterTheJobServiceDrained() {
        Application application = Application.start(config(), TINY_MODEL, Map.of(), () -> DownloadListener.NONE);
        WatchingAdapter adapter = new WatchingAdapter(application.jobs(), null);
        application.open(() -> adapter);
        application.startWorking();

        HealthReport up = application.health();
        adapter.connected = false;
        HealthReport adapterDown = application.health();
        adapter.connected = true;
        application.close();
        HealthReport stopped = application.health();

        assertThat(up).isEqualTo(new HealthReport(true, true, false, Map.of("watching", true)));
        assertThat(up.status()).isEqualTo(HealthReport.OK);
        assertThat(adapterDown.status()).isEqualTo(HealthReport.UNHEALTHY);
        assertThat(adapter.seenAtClose).as("closed after the drain began, so it could still tell people")
                .isEqualTo("admitting=false");
        assertThat(stopped.modelLoaded()).isFalse();
        assertThat(stopped.draining()).isTrue();
        assertThat(stopped.adapters()).isEqualTo(Map.of("watching", false));
        assertThat(stopped.status()).isEqualTo(HealthReport.DRAINING);
    }

    @Test
    void anAdapterThatCannotStart_stopsStartUpWithItsMessage_andTheCloseReleasesEverything() {
        Application application = Application.start(config(), TINY_MODEL, Map.of(), () -> DownloadListener.NONE);
        WatchingAdapter adapter = new WatchingAdapter(application.jobs(), "port 8080 is taken");

        assertThatThrownBy(() -> application.open(() -> adapter)).isInstanceOf(StartupException.class)
                .hasMessage("port 8080 is taken");
        application.close();

        assertThat(adapter.seenAtClose).isNotNull();
        // The job store was released: another start on the same data folder opens it.
        Application.start(config(), TINY_MODEL, Map.of(), () -> DownloadListener.NONE).close();
    }

    @Test
    void modelStore_withoutACacheFolderInTheConfig_usesTheDefaultCacheFolder() {
        // The shipped config.yaml leaves model.cache-dir empty: the README's first command takes this path.
        ImagineConfig shipped = ConfigLoader.parse("model:\n  cache-dir:\n", "config.yaml");

        assertThat(ModelLoader.modelStore(shipped, Map.of("HOME", "/home/someone")).cacheDir())
                .isEqualTo(Path.of("/home/someone/.cache/imagine/models"));
        assertThat(ModelLoader.modelStore(shipped, Map.of("XDG_CACHE_HOME", "/var/cache/someone")).cacheDir())
                .isEqualTo(Path.of("/var/cache/someone/imagine/models"));
        assertThat(ModelLoader.modelStore(ConfigLoader.parse("model:\n  cache-dir: " + data + "\n", "config.yaml"),
                Map.of("HOME", "/home/someone")).cacheDir()).isEqualTo(data);
    }

    @Test
    void start_withAFastDecoderFolder_servesDecoderFast_andWithoutOneRefusesIt() throws Exception {
        ImagineConfig withTaesd = ConfigLoader.parse("data:\n  dir: " + data + "\nweb:\n  enabled: false\nmodel:\n"
                + "  fast-decoder-folder: " + TINY_TAESD + "\n" + TINY_SAFETY, "test.yaml");
        Command.Imagine fast = new Command.Imagine(Requester.direct(new User("web", "u1", "you")), "a lighthouse", 3L,
                1, new ImageSize(256, 256), 8f, 1, dev.imagine.bot.command.Decoder.FAST);
        try (Application application = Application.start(withTaesd, TINY_MODEL, Map.of(), () -> DownloadListener.NONE)) {
            application.startWorking();
            Reply reply = application.jobs().handle(fast, "origin");
            assertThat(reply).isInstanceOf(Reply.Accepted.class);
            String jobId = ((Reply.Accepted) reply).job().id();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (application.jobs().job(jobId).orElseThrow().state() != JobState.DONE
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(application.jobs().job(jobId).orElseThrow().state()).isEqualTo(JobState.DONE);
        }

        // With --model and no fast decoder folder nothing is fetched, and decoder: fast is refused politely.
        try (Application application = Application.start(config(), TINY_MODEL, Map.of(), () -> DownloadListener.NONE)) {
            Reply reply = application.jobs().handle(fast, "origin");
            assertThat(((Reply.Refused) reply).message()).contains("fast decoder is not installed");
        }
    }

    @Test
    void precisionInt8_inTheConfig_loadsTheInt8Unet_andKeysItsPicturesApartFromFp32Ones(@TempDir Path models)
            throws Exception {
        Path model = copyOf(TINY_MODEL, models.resolve("tiny-lcm"));
        ImagineConfig int8 = ConfigLoader.parse("data:\n  dir: " + data + "\nweb:\n  enabled: false\nmodel:\n"
                + "  precision: int8\n" + TINY_SAFETY, "test.yaml");
        Command.Imagine lighthouse = new Command.Imagine(Requester.direct(new User("web", "u1", "you")),
                "a lighthouse", 3L, 1, new ImageSize(256, 256), 8f, 1, null);

        Job drawnInt8;
        try (Application application = Application.start(int8, model, Map.of(), () -> DownloadListener.NONE)) {
            assertThat(application.jobs().precisions()).containsExactly(dev.imagine.bot.command.Precision.INT8);
            application.startWorking();
            drawnInt8 = awaitDone(application, application.jobs().handle(lighthouse, "origin"));
            assertThat(drawnInt8.parameters().precision()).isEqualTo(dev.imagine.bot.command.Precision.INT8);
            byte[] png = application.jobs().images(drawnInt8).orElseThrow().get(0);
            assertThat(dev.imagine.pipeline.PngParameters.read(png)).get(
                    org.assertj.core.api.InstanceOfAssertFactories.STRING).contains("UNet precision: int8");
        }
        try (var copies = Files.list(model.resolve("unet/.imagine-int8"))) {
            assertThat(copies.filter(copy -> Files.isRegularFile(copy.resolve("complete")))).hasSize(1);
        }
        try (Application fp32 = Application.start(config(), model, Map.of(), () -> DownloadListener.NONE)) {
            assertThat(fp32.jobs().precisions()).containsExactly(dev.imagine.bot.command.Precision.FP32);
            fp32.startWorking();
            // The same request in an fp32 process is drawn anew: the int8 picture in the cache is not its.
            Reply reply = fp32.jobs().handle(lighthouse, "origin");
            assertThat(reply).isInstanceOf(Reply.Accepted.class);
            Job drawnFp32 = awaitDone(fp32, reply);
            assertThat(drawnFp32.resultKeys()).doesNotContainAnyElementsOf(drawnInt8.resultKeys());
            // Same seed under the int8 picture, now that only fp32 is loaded, draws with the configured UNet.
            Job replayed = awaitDone(fp32, fp32.jobs().handle(new Command.Replay(lighthouse.requester(),
                    drawnInt8.id()), "origin"));
            assertThat(replayed.parameters().precision()).isEqualTo(dev.imagine.bot.command.Precision.FP32);
            assertThat(replayed.resultKeys()).isEqualTo(drawnFp32.resultKeys());
        }
    }

    @Test
    void decoderPrecisionInt8_inTheConfig_decodesWithTheInt8Decoder_andKeysItsPicturesApartFromTheFp32Decoders(
            @TempDir Path models) throws Exception {
        Path model = copyOf(TINY_MODEL, models.resolve("tiny-lcm"));
        ImagineConfig int8 = ConfigLoader.parse("data:\n  dir: " + data + "\nweb:\n  enabled: false\nmodel:\n"
                + "  decoder-precision: int8\n" + TINY_SAFETY, "test.yaml");
        Command.Imagine lighthouse = new Command.Imagine(Requester.direct(new User("web", "u1", "you")),
                "a lighthouse", 4L, 1, new ImageSize(256, 256), 8f, 1, null);

        Job drawnInt8;
        byte[] int8Picture;
        try (Application application = Application.start(int8, model, Map.of(), () -> DownloadListener.NONE)) {
            application.startWorking();
            drawnInt8 = awaitDone(application, application.jobs().handle(lighthouse, "origin"));
            int8Picture = application.jobs().images(drawnInt8).orElseThrow().get(0);
            assertThat(dev.imagine.pipeline.PngParameters.read(int8Picture)).get(
                    org.assertj.core.api.InstanceOfAssertFactories.STRING).contains("VAE decoder precision: int8")
                    .doesNotContain("UNet precision");
        }
        try (var copies = Files.list(model.resolve("vae_decoder/.imagine-int8"))) {
            assertThat(copies.filter(copy -> Files.isRegularFile(copy.resolve("complete")))).hasSize(1);
        }
        try (Application fp32 = Application.start(config(), model, Map.of(), () -> DownloadListener.NONE)) {
            fp32.startWorking();
            // The same request with the fp32 decoder is drawn anew: the int8 decoder's picture is not its.
            Reply reply = fp32.jobs().handle(lighthouse, "origin");
            assertThat(reply).isInstanceOf(Reply.Accepted.class);
            Job drawnFp32 = awaitDone(fp32, reply);
            assertThat(drawnFp32.resultKeys()).doesNotContainAnyElementsOf(drawnInt8.resultKeys());
            byte[] fp32Picture = fp32.jobs().images(drawnFp32).orElseThrow().get(0);
            assertThat(dev.imagine.pipeline.PngParameters.withoutText(fp32Picture))
                    .isNotEqualTo(dev.imagine.pipeline.PngParameters.withoutText(int8Picture));
        }
    }

    @Test
    void comparePrecision_loadsBothUnets_andAnInt8RequestMeetsThePicturesKeptWhileInt8WasTheWholeProcesss(
            @TempDir Path models) throws Exception {
        Path model = copyOf(TINY_MODEL, models.resolve("tiny-lcm"));
        Command.Imagine lighthouse = new Command.Imagine(Requester.direct(new User("web", "u1", "you")),
                "a lighthouse", 5L, 1, new ImageSize(256, 256), 8f, 1, null);
        Job drawnInt8;
        try (Application int8 = Application.start(ConfigLoader.parse("data:\n  dir: " + data + "\nweb:\n"
                + "  enabled: false\nmodel:\n  precision: int8\n" + TINY_SAFETY, "test.yaml"), model, Map.of(),
                () -> DownloadListener.NONE)) {
            int8.startWorking();
            drawnInt8 = awaitDone(int8, int8.jobs().handle(lighthouse, "origin"));
        }

        ImagineConfig both = ConfigLoader.parse("data:\n  dir: " + data + "\nweb:\n  enabled: false\nmodel:\n"
                + "  compare-precision: true\n" + TINY_SAFETY, "test.yaml");
        try (Application application = Application.start(both, model, Map.of(), () -> DownloadListener.NONE)) {
            assertThat(application.jobs().precisions()).containsExactly(dev.imagine.bot.command.Precision.FP32,
                    dev.imagine.bot.command.Precision.INT8);
            application.startWorking();
            Reply int8 = application.jobs().handle(lighthouse.withPrecision(dev.imagine.bot.command.Precision.INT8),
                    "origin");
            assertThat(int8).isInstanceOf(Reply.Finished.class);
            assertThat(((Reply.Finished) int8).job().resultKeys()).isEqualTo(drawnInt8.resultKeys());
            Job fp32 = awaitDone(application, application.jobs().handle(lighthouse, "origin"));
            assertThat(fp32.parameters().precision()).isEqualTo(dev.imagine.bot.command.Precision.FP32);
            assertThat(fp32.resultKeys()).doesNotContainAnyElementsOf(drawnInt8.resultKeys());
        }
        // The int8 copy made by the first start was loaded again, not made twice.
        try (var copies = Files.list(model.resolve("unet/.imagine-int8"))) {
            assertThat(copies.toList()).hasSize(1);
        }
    }

    private static Path copyOf(Path from, Path to) throws java.io.IOException {
        try (var files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        return to;
    }

    /** The job of an accepted (or cached) reply once it is done; a bounded wait, not a measure of speed. */
    private static Job awaitDone(Application application, Reply reply) {
        Job job = switch (reply) {
            case Reply.Accepted accepted -> accepted.job();
            case Reply.Finished finished -> finished.job();
            default -> throw new AssertionError("expected a job, got " + reply);
        };
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (application.jobs().job(job.id()).orElseThrow().state() != JobState.DONE
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20); // polling the real worker, not standing in for a clock
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        Job done = application.jobs().job(job.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.DONE);
        return done;
    }
}
