package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.model.FakeHub;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes pulling the same model at once: one downloads, the other waits on the file lock, no corruption. */
class ConcurrentPullAcrossProcessesTest {
    @TempDir
    Path cache;

    @Test
    void aSecondProcessPullingTheSameModel_waitsForTheLockAndUsesTheVerifiedFolder() throws Exception {
        try (FakeHub hub = FakeHub.start()) {
            FakeHub.Repo repo = hub.repo("test-org/two-processes")
                    .file("model_index.json", "{}".getBytes(StandardCharsets.UTF_8), false)
                    .file("unet/model.onnx", ModelStoreTest.random(200_000, 7), true);
            List<String> patterns = List.of("model_index.json", "unet/*");
            ModelRef ref = new ModelRef(repo.id(), "main", patterns);
            FakeHub.Gate gate = hub.gate("unet/model.onnx");
            ExecutorService thread = Executors.newSingleThreadExecutor();
            Process other = null;
            try {
                ModelStore store = ModelStore.builder().endpoint(hub.endpoint()).cacheDir(cache).build();
                Future<Path> first = thread.submit(() -> store.pull(ref, DownloadListener.NONE));
                assertThat(gate.arrived.await(30, TimeUnit.SECONDS)).isTrue();

                String java = ProcessHandle.current().info().command()
                        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                other = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        PullInAnotherProcess.class.getName(), hub.endpoint().toString(), cache.toString(),
                        ref.repo() + "@main", String.join(",", patterns))
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(),
                        StandardCharsets.UTF_8));
                List<String> lines = new ArrayList<>();
                CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> readUntil(out, "WAITING", lines));
                waiting.get(60, TimeUnit.SECONDS);
                gate.release();

                Path folder = first.get(60, TimeUnit.SECONDS);
                CompletableFuture<Void> done = CompletableFuture.runAsync(() -> readUntil(out, "DONE", lines));
                done.get(60, TimeUnit.SECONDS);
                assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(other.exitValue()).isZero();
                assertThat(lines.getLast()).isEqualTo("DONE " + folder);
                assertThat(hub.downloadsOf("unet/model.onnx")).hasSize(1);
                assertThat(hub.downloadsOf("model_index.json")).hasSize(1);
                assertThat(Files.readAllBytes(folder.resolve("unet/model.onnx")))
                        .isEqualTo(repo.get("unet/model.onnx").content());
                assertThat(store.verifyAll(false, DownloadListener.NONE).healthy()).isTrue();
            } finally {
                gate.release();
                thread.shutdownNow();
                if (other != null) {
                    other.destroyForcibly();
                }
            }
        }
    }

    private static void readUntil(BufferedReader out, String prefix, List<String> lines) {
        try {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith(prefix)) {
                    return;
                }
            }
            throw new IllegalStateException("the other process ended without printing " + prefix + ": " + lines);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
