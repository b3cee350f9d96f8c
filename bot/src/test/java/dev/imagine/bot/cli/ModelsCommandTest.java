package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.ModelStore;
import dev.imagine.pipeline.PipelineException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code imagine models} without a network: offline errors, listing, and where --cache-dir goes. */
class ModelsCommandTest {
    @TempDir
    Path cache;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicReference<Path> cacheDirSeen = new AtomicReference<>();

    private int run(String... args) {
        ModelsCommand command = new ModelsCommand(dir -> {
            cacheDirSeen.set(dir);
            return ModelStore.builder().cacheDir(dir == null ? cache : dir).offline(true).build();
        });
        return new CommandLine(command)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setExecutionExceptionHandler((e, cl, parsed) -> {
                    if (!(e instanceof PipelineException)) {
                        throw e;
                    }
                    cl.getErr().println("error: " + PullCommand.explain((PipelineException) e));
                    return 1;
                })
                .execute(args);
    }

    @Test
    void pull_offlineWithNothingCached_printsOneErrorLineNamingTheCommand() {
        int exit = run("pull");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: ")
                .contains("HF_HUB_OFFLINE=1")
                .contains("java -jar bot/target/imagine.jar models pull SimianLuo/LCM_Dreamshaper_v7@");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void pull_allFiles_asksForEveryFile_andTheCommandItNamesKeepsTheFlag() {
        int exit = run("pull", "--all-files", "someone/model@v1");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("models pull someone/model@v1 --all-files");
    }

    @Test
    void pull_withoutAllFiles_asksOnlyForThePipelineFiles() {
        assertThat(run("pull", "someone/model@v1")).isEqualTo(1);

        assertThat(err.toString()).contains("models pull someone/model@v1").doesNotContain("--all-files");
    }

    @Test
    void pull_help_explainsWhichFilesAreFetched() {
        assertThat(run("pull", "--help")).isZero();

        assertThat(out.toString().replaceAll("\\s+", " ")).contains("--all-files")
                .contains("Only the files the pipeline reads are fetched").contains("external data")
                .contains("PyTorch weights");
    }

    @Test
    void path_ofAModelNotCached_failsNamingThePullCommand() {
        int exit = run("path", "someone/model@v1");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("error: someone/model@v1 is not in the model cache")
                .contains("models pull someone/model@v1");
    }

    @Test
    void list_ofAnEmptyCache_saysSo() {
        assertThat(run("list")).isZero();

        assertThat(out.toString()).contains("no models in " + cache);
    }

    @Test
    void cacheDir_isAcceptedAfterTheSubcommand() {
        Path other = cache.resolve("other");

        assertThat(run("list", "--cache-dir", other.toString())).isZero();

        assertThat(cacheDirSeen.get()).isEqualTo(other);
        assertThat(out.toString()).contains("no models in " + other);
    }

    @Test
    void verify_ofAnEmptyCache_reportsNothingToCheck() {
        assertThat(run("--cache-dir", cache.toString(), "verify", "--no-repair")).isZero();

        assertThat(out.toString()).contains("0 file(s) checked");
    }

    @Test
    void progressBar_onATerminal_redrawsInPlaceWithBytesSpeedAndEta() {
        long[] now = {0};
        DownloadProgressBar bar = new DownloadProgressBar(new PrintWriter(err, true), true, () -> now[0]);
        bar.onStart(dev.imagine.pipeline.ModelRef.LCM_DREAMSHAPER_V7, "a".repeat(40), 2, 4_000_000, 0);
        now[0] = 1_000_000_000L;
        bar.onBytes("unet/model.onnx_data", 1_000_000, 3_000_000, 1_000_000, 4_000_000);
        now[0] = 1_050_000_000L;
        bar.onBytes("unet/model.onnx_data", 1_100_000, 3_000_000, 1_100_000, 4_000_000);
        bar.close();

        String text = err.toString();
        assertThat(text).contains("2 files, 4.0 MB")
                .contains("\r[######------------------]  25%  1.0 MB / 4.0 MB  1.0 MB/s  ETA 3s  unet/model.onnx_data")
                .doesNotContain("1.1 MB /");
    }

    @Test
    void progressBar_withoutATerminal_printsPlainLinesAtMostEveryFewSeconds() {
        long[] now = {0};
        DownloadProgressBar bar = new DownloadProgressBar(new PrintWriter(err, true), false, () -> now[0]);
        bar.onStart(dev.imagine.pipeline.ModelRef.LCM_DREAMSHAPER_V7, "a".repeat(40), 1, 10_000_000, 0);
        for (int second = 1; second <= 10; second++) {
            now[0] = second * 1_000_000_000L;
            bar.onBytes("unet/model.onnx", second * 900_000L, 10_000_000, second * 900_000L, 10_000_000);
        }

        String text = err.toString();
        assertThat(text).doesNotContain("\r");
        assertThat(text.lines().filter(l -> l.contains("ETA"))).hasSize(2);
        assertThat(DownloadProgressBar.duration(3725)).isEqualTo("1h 02m");
    }
}
