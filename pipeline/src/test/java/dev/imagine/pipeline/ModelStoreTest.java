package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.pipeline.ModelStoreException.Reason;
import dev.imagine.pipeline.VerifyReport.Status;
import dev.imagine.pipeline.model.FakeHub;
import dev.imagine.pipeline.model.FakeHub.Request;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model store against a fake hub on 127.0.0.1, through real HTTP and the real download code. */
class ModelStoreTest {
    static final String REPO = "test-org/tiny-onnx";
    static final String BIG = "unet/model.onnx_data";
    static final int BIG_SIZE = 300_000;
    static final List<String> PATTERNS = List.of("model_index.json", "scheduler/*", "tokenizer/*",
            "unet/model.onnx", BIG, "vae_decoder/*");

    @TempDir
    Path cache;

    FakeHub hub;
    FakeHub.Repo repo;
    final ModelRef ref = new ModelRef(REPO, "main", PATTERNS);

    @BeforeEach
    void startHub() throws IOException {
        hub = FakeHub.start().pageSize(3);
        repo = hub.repo(REPO)
                .file("model_index.json", json("{\"_class_name\": \"LatentConsistencyModelPipeline\"}"), false)
                .file("scheduler/scheduler_config.json", json("{\"num_train_timesteps\": 1000}"), false)
                .file("tokenizer/vocab.json", json("{\"a</w>\": 0}"), false)
                .file("tokenizer/merges.txt", json("#version: 0.2\na b\n"), false)
                .file("unet/model.onnx", random(3_000, 1), true)
                .file(BIG, random(BIG_SIZE, 2), true)
                .file("unet/diffusion_pytorch_model.safetensors", random(50_000, 3), true)
                .file("vae_decoder/model.onnx", random(20_000, 4), true)
                .file("vae_decoder/config.json", json("{\"scaling_factor\": 0.18215}"), false);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    ModelStore.Builder online() {
        return ModelStore.builder().cacheDir(cache).endpoint(hub.endpoint()).httpTimeout(Duration.ofSeconds(20));
    }

    ModelStore store() {
        return online().build();
    }

    // ------------------------------------------------------------------------------------- complete download

    @Test
    void pull_downloadsTheSelectedFilesVerifiesThemAndMarksTheFolderComplete() throws IOException {
        RecordingListener listener = new RecordingListener();
        Path folder = store().pull(ref, listener);

        assertThat(folder).isEqualTo(cache.resolve("test-org--tiny-onnx/snapshots/" + repo.commit()));
        for (FakeHub.FakeFile f : repo.files()) {
            if (!f.path().endsWith(".safetensors")) {
                assertThat(Files.readAllBytes(folder.resolve(f.path()))).as(f.path()).isEqualTo(f.content());
            }
        }
        assertThat(store().cached(ref)).contains(folder);
        assertThat(Files.readString(cache.resolve("test-org--tiny-onnx/refs/main")).strip()).isEqualTo(repo.commit());
        assertThat(store().list()).singleElement().satisfies(m -> {
            assertThat(m.repo()).isEqualTo(REPO);
            assertThat(m.commit()).isEqualTo(repo.commit());
            assertThat(m.revisions()).containsExactly("main");
            assertThat(m.complete()).isTrue();
            assertThat(m.files()).isEqualTo(8);
        });
        assertThat(listener.finished).isEqualTo(folder);
        assertThat(listener.lastTotal.get()).isEqualTo(listener.totalSize.get()).isPositive();
        assertThat(Files.exists(cache.resolve("test-org--tiny-onnx/incomplete/" + repo.commit() + "/" + BIG + ".part")))
                .isFalse();
    }

    @Test
    void pull_listsFilesThroughThePaginatedTreeApi() {
        store().pull(ref, DownloadListener.NONE);

        List<Request> trees = hub.requests().stream().filter(r -> r.path().contains("/tree/")).toList();
        assertThat(trees).hasSizeGreaterThan(3);
        assertThat(trees.getFirst().path()).isEqualTo("/api/models/" + REPO + "/tree/" + repo.commit());
        assertThat(trees.getFirst().query()).isEqualTo("recursive=true");
        assertThat(trees.get(1).query()).contains("cursor=3");
    }

    @Test
    void pull_withIncludePatterns_fetchesOnlyTheMatchingFiles() {
        Path folder = store().pull(ref, DownloadListener.NONE);

        assertThat(hub.downloadsOf("unet/diffusion_pytorch_model.safetensors")).isEmpty();
        assertThat(folder.resolve("unet/diffusion_pytorch_model.safetensors")).doesNotExist();
        assertThat(folder.resolve("vae_decoder/config.json")).exists();
    }

    @Test
    void pull_withAPatternThatMatchesNothing_namesRepoRevisionAndPattern() {
        ModelRef wrong = ref.withIncludePatterns(List.of("model_index.json", "text_encoder/model.onnx"));

        assertThatThrownBy(() -> store().pull(wrong, DownloadListener.NONE))
                .isInstanceOfSatisfying(ModelStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
                .hasMessageContaining(REPO).hasMessageContaining("revision main")
                .hasMessageContaining("text_encoder/model.onnx");
    }

    @Test
    void pull_sendsTheTokenToTheHubButNotToTheStorageHostItRedirectsTo() {
        hub.requireToken("hf_secret");
        store();
        online().token("hf_secret").build().pull(ref, DownloadListener.NONE);

        List<Request> storage = hub.requests().stream().filter(r -> r.server().equals("storage")).toList();
        List<Request> hubSide = hub.requests().stream().filter(r -> r.server().equals("hub")).toList();
        assertThat(storage).isNotEmpty().allSatisfy(r -> assertThat(r.header("Authorization")).isNull());
        assertThat(hubSide).isNotEmpty()
                .allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer hf_secret"));
        assertThat(hub.requests()).anySatisfy(r -> assertThat(r.status()).isEqualTo(302));
    }

    // ------------------------------------------------------------------------------------- resume

    @Test
    void pull_afterACutConnection_resumesWithRangeAndFetchesOnlyTheRest() throws IOException {
        hub.cutAfter(BIG, 100_000, 1);

        Path folder = store().pull(ref, DownloadListener.NONE);

        List<Request> downloads = hub.downloadsOf(BIG);
        assertThat(downloads).hasSize(2);
        assertThat(downloads.get(0).header("Range")).isNull();
        assertThat(downloads.get(0).bodyBytes()).isEqualTo(100_000);
        assertThat(downloads.get(1).header("Range")).isEqualTo("bytes=100000-");
        assertThat(downloads.get(1).status()).isEqualTo(206);
        assertThat(downloads.get(1).bodyBytes()).isEqualTo(BIG_SIZE - 100_000);
        assertThat(Files.readAllBytes(folder.resolve(BIG))).isEqualTo(repo.get(BIG).content());
    }

    @Test
    void pull_whenTheConnectionKeepsBreaking_failsKeepsThePartAndTheNextPullResumes() throws IOException {
        hub.cutAfter(BIG, 10_000, 4);
        ModelStore store = store();

        assertThatThrownBy(() -> store.pull(ref, DownloadListener.NONE))
                .isInstanceOfSatisfying(ModelStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE))
                .hasMessageContaining(BIG).hasMessageContaining("pull again to resume");
        Path snapshot = cache.resolve("test-org--tiny-onnx/snapshots/" + repo.commit());
        Path part = cache.resolve("test-org--tiny-onnx/incomplete/" + repo.commit() + "/" + BIG + ".part");
        assertThat(snapshot.resolve(BIG)).doesNotExist();
        assertThat(part).hasSize(40_000);
        assertThat(store.cached(ref)).isEmpty();
        assertThat(store.list()).singleElement().satisfies(m -> assertThat(m.complete()).isFalse());

        hub.clearRequests();
        store.pull(ref, DownloadListener.NONE);

        assertThat(hub.downloadsOf(BIG)).singleElement().satisfies(r -> {
            assertThat(r.header("Range")).isEqualTo("bytes=40000-");
            assertThat(r.bodyBytes()).isEqualTo(BIG_SIZE - 40_000);
        });
        assertThat(Files.readAllBytes(snapshot.resolve(BIG))).isEqualTo(repo.get(BIG).content());
        assertThat(part).doesNotExist();
    }

    @Test
    void pull_whenTheServerIgnoresTheRange_startsTheFileOver() throws IOException {
        hub.cutAfter(BIG, 100_000, 1).ignoreRange(true);

        Path folder = store().pull(ref, DownloadListener.NONE);

        List<Request> downloads = hub.downloadsOf(BIG);
        assertThat(downloads).hasSize(2);
        assertThat(downloads.get(1).header("Range")).isEqualTo("bytes=100000-");
        assertThat(downloads.get(1).status()).isEqualTo(200);
        assertThat(Files.readAllBytes(folder.resolve(BIG))).isEqualTo(repo.get(BIG).content());
    }

    // ------------------------------------------------------------------------------------- checksums

    @Test
    void pull_withCorruptedBytes_detectsThemDeletesTheFileAndDownloadsItAgain() throws IOException {
        hub.corrupt(BIG, 1).corrupt("model_index.json", 1);

        Path folder = store().pull(ref, DownloadListener.NONE);

        assertThat(hub.downloadsOf(BIG)).hasSize(2);
        assertThat(hub.downloadsOf("model_index.json")).hasSize(2);
        assertThat(Files.readAllBytes(folder.resolve(BIG))).isEqualTo(repo.get(BIG).content());
        assertThat(Files.readAllBytes(folder.resolve("model_index.json")))
                .isEqualTo(repo.get("model_index.json").content());
    }

    @Test
    void pull_withCorruptedBytesTwice_failsNamingTheFileAndBothHashesAndLeavesNoFile() {
        hub.corrupt(BIG, 2);
        ModelStore store = store();

        assertThatThrownBy(() -> store.pull(ref, DownloadListener.NONE))
                .isInstanceOfSatisfying(ModelStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH))
                .hasMessageContaining(BIG)
                .hasMessageContaining("expected sha256 " + repo.get(BIG).sha256())
                .hasMessageContaining("got ")
                .hasMessageContaining("deleted");
        assertThat(cache.resolve("test-org--tiny-onnx/snapshots/" + repo.commit() + "/" + BIG)).doesNotExist();
        assertThat(cache.resolve("test-org--tiny-onnx/incomplete/" + repo.commit() + "/" + BIG + ".part"))
                .doesNotExist();
        assertThat(store.cached(ref)).isEmpty();
    }

    // ------------------------------------------------------------------------------------- errors

    @Test
    void pull_ofAGatedRepoWithoutToken_saysToSetHfToken() {
        hub.requireToken("hf_right");

        assertThatThrownBy(() -> store().pull(ref, DownloadListener.NONE))
                .isInstanceOfSatisfying(ModelStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNAUTHORIZED))
                .hasMessageContaining("HTTP 401").hasMessageContaining(REPO)
                .hasMessageContaining("HF_TOKEN is not set");
    }

    @Test
    void pull_withATokenWithoutAccess_saysTheTokenIsSetButHasNoAccess() {
        hub.requireToken("hf_right");

        assertThatThrownBy(() -> online().token("hf_wrong").build().pull(ref, DownloadListener.NONE))
                .isInstanceOfSatisfying(ModelStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN))
                .hasMessageContaining("HTTP 403").hasMessageContaining(REPO)
                .hasMessageContaining("HF_TOKEN is set")
                .hasMessageNotContaining("hf_wrong");
    }

    @Test
    void pull_ofAMissingRepository_namesRepositoryAndRevision() {
        assertThatThrownBy(() -> store().pull(new ModelRef("nobody/nothing", "v2", List.of()), DownloadListener.NONE))
                .isInstanceOfSatisfying(ModelStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
                .hasMessageContaining("HTTP 404").hasMessageContaining("repository nobody/nothing")
                .hasMessageContaining("revision v2");
    }

    @Test
    void pull_ofAFileTheHubDoesNotServe_namesRepositoryRevisionAndFileAndLeavesNoHalfFile() {
        hub.missing("vae_decoder/model.onnx");

        assertThatThrownBy(() -> store().pull(ref, DownloadListener.NONE))
                .isInstanceOfSatisfying(ModelStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
                .hasMessageContaining("HTTP 404").hasMessageContaining("repository " + REPO)
                .hasMessageContaining("revision " + repo.commit()).hasMessageContaining("file vae_decoder/model.onnx");
        assertThat(cache.resolve("test-org--tiny-onnx/snapshots/" + repo.commit() + "/vae_decoder/model.onnx"))
                .doesNotExist();
        assertThat(store().cached(ref)).isEmpty();
    }

    @Test
    void pull_whenTheHubIsUnreachable_namesTheEndpointAndSuggestsHfEndpoint() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI dead = URI.create("http://127.0.0.1:" + closedPort);
        ModelStore store = ModelStore.builder().cacheDir(cache).endpoint(dead).build();

        assertThatThrownBy(() -> store.pull(ref, DownloadListener.NONE))
                .isInstanceOfSatisfying(ModelStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE))
                .hasMessageContaining(dead.toString()).hasMessageContaining("HF_ENDPOINT");
    }

    @Test
    void pull_withTooLittleFreeSpace_saysHowMuchIsNeededAndWhereBeforeDownloading() {
        ModelStore store = online().usableSpace(dir -> 1_000).build();

        assertThatThrownBy(() -> store.pull(ref, DownloadListener.NONE))
                .isInstanceOfSatisfying(ModelStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.DISK_FULL))
                .hasMessageContaining(cache.resolve("test-org--tiny-onnx").toString())
                .hasMessageContaining("only 1.0 kB is free")
                .hasMessageContaining("needs ");
        assertThat(hub.requests()).noneMatch(r -> r.path().startsWith("content:"));
    }

    // ------------------------------------------------------------------------------------- offline and cached

    @Test
    void pull_offlineWithNothingCached_saysWhatToFetchIntoWhichFolder_andMakesNoRequest() {
        ModelStore offline = online().offline(true).build();

        assertThatThrownBy(() -> offline.pull(ref, DownloadListener.NONE))
                .isInstanceOfSatisfying(ModelStoreException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NOT_CACHED);
                    assertThat(e.missing()).contains(new ModelStoreException.MissingModel(ref, cache, false));
                })
                .hasMessageContaining("HF_HUB_OFFLINE=1")
                .hasMessageContaining(REPO + "@main is not in the model cache at " + cache)
                .hasMessageNotContaining("java -jar");
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void pull_offlineWithACompleteCache_usesItWithoutAnyRequest() {
        Path folder = store().pull(ref, DownloadListener.NONE);
        hub.clearRequests();

        Path again = online().offline(true).build().pull(ref, DownloadListener.NONE);

        assertThat(again).isEqualTo(folder);
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void pull_ofACompletePinnedCommitOnline_usesTheCacheWithoutAnyRequest() {
        store().pull(ref, DownloadListener.NONE);
        hub.clearRequests();

        Path folder = store().pull(ref.withRevision(repo.commit()), DownloadListener.NONE);

        assertThat(folder).isEqualTo(cache.resolve("test-org--tiny-onnx/snapshots/" + repo.commit()));
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void pull_ofACachedBranchOnline_asksOnlyForTheCommit() {
        store().pull(ref, DownloadListener.NONE);
        hub.clearRequests();

        store().pull(ref, DownloadListener.NONE);

        assertThat(hub.requests()).singleElement()
                .satisfies(r -> assertThat(r.path()).isEqualTo("/api/models/" + REPO + "/revision/main"));
    }

    @Test
    void path_ofAModelNotCached_saysWhatToFetch() {
        assertThatThrownBy(() -> ModelStore.builder().cacheDir(cache).build().path(ModelRef.LCM_DREAMSHAPER_V7))
                .isInstanceOfSatisfying(ModelStoreException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NOT_CACHED);
                    assertThat(e.missing()).contains(
                            new ModelStoreException.MissingModel(ModelRef.LCM_DREAMSHAPER_V7, cache, false));
                })
                .hasMessageContaining(ModelRef.LCM_DREAMSHAPER_V7 + " is not in the model cache");
    }

    @Test
    void path_inTheDefaultCacheFolder_saysSo() {
        Path home = cache.resolve("home");
        ModelStore store = ModelStore.builder().environment(Map.of("HOME", home.toString())).build();

        assertThatThrownBy(() -> store.path(ModelRef.LCM_DREAMSHAPER_V7))
                .isInstanceOfSatisfying(ModelStoreException.class, e -> assertThat(e.missing()).contains(
                        new ModelStoreException.MissingModel(ModelRef.LCM_DREAMSHAPER_V7,
                                home.resolve(".cache/imagine/models"), true)));
    }

    // ------------------------------------------------------------------------------------- concurrency

    @Test
    void twoStoresPullingAtOnce_downloadEachFileOnce_andTheSecondWaitsForTheFirst() throws Exception {
        FakeHub.Gate gate = hub.gate(BIG);
        CountDownLatch secondWaits = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Path> first = threads.submit(() -> store().pull(ref, DownloadListener.NONE));
            assertThat(gate.arrived.await(30, TimeUnit.SECONDS)).isTrue();
            Future<Path> second = threads.submit(() -> store().pull(ref, new DownloadListener() {
                @Override
                public void onWaitingForLock(ModelRef r, Path lockFile) {
                    secondWaits.countDown();
                }
            }));
            assertThat(secondWaits.await(30, TimeUnit.SECONDS)).isTrue();
            gate.release();

            Path a = first.get(30, TimeUnit.SECONDS);
            Path b = second.get(30, TimeUnit.SECONDS);
            assertThat(b).isEqualTo(a);
        } finally {
            gate.release();
            threads.shutdownNow();
        }
        for (FakeHub.FakeFile f : repo.files()) {
            if (!f.path().endsWith(".safetensors")) {
                assertThat(hub.downloadsOf(f.path())).as(f.path()).hasSize(1);
            }
        }
        assertThat(store().verify(ref, false, DownloadListener.NONE).healthy()).isTrue();
    }

    // ------------------------------------------------------------------------------------- verify

    @Test
    void verify_detectsATamperedFileAndRepairsIt() throws IOException {
        Path folder = store().pull(ref, DownloadListener.NONE);
        Path onnx = folder.resolve("unet/model.onnx");
        byte[] tampered = Files.readAllBytes(onnx);
        tampered[10] ^= 1;
        Files.write(onnx, tampered);
        ModelStore store = store();

        VerifyReport found = store.verify(ref, false, DownloadListener.NONE);

        assertThat(found.healthy()).isFalse();
        assertThat(found.problems()).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo("unet/model.onnx");
            assertThat(c.status()).isEqualTo(Status.CORRUPT);
            assertThat(c.detail()).contains(repo.get("unet/model.onnx").sha256());
        });
        assertThat(store.cached(ref)).as("a damaged folder is no longer complete").isEmpty();

        VerifyReport repaired = store.verifyAll(true, DownloadListener.NONE);

        assertThat(repaired.healthy()).isTrue();
        assertThat(repaired.problems()).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(Status.REPAIRED));
        assertThat(Files.readAllBytes(onnx)).isEqualTo(repo.get("unet/model.onnx").content());
        assertThat(store.cached(ref)).contains(folder);
    }

    @Test
    void verify_withoutRepair_reportsAMissingFileAndLeavesItMissing() throws IOException {
        Path folder = store().pull(ref, DownloadListener.NONE);
        Files.delete(folder.resolve("tokenizer/merges.txt"));

        VerifyReport report = store().verifyAll(false, DownloadListener.NONE);

        assertThat(report.problems()).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo("tokenizer/merges.txt");
            assertThat(c.status()).isEqualTo(Status.MISSING);
        });
        assertThat(folder.resolve("tokenizer/merges.txt")).doesNotExist();
        assertThat(report.files()).hasSize(8);
    }

    @Test
    void pull_ofADamagedCachedFolder_downloadsOnlyWhatIsMissing() {
        Path folder = store().pull(ref, DownloadListener.NONE);
        assertThat(folder.resolve(BIG).toFile().delete()).isTrue();
        hub.clearRequests();

        store().pull(ref.withRevision(repo.commit()), DownloadListener.NONE);

        assertThat(hub.requests().stream().filter(r -> r.path().startsWith("content:")))
                .singleElement().satisfies(r -> assertThat(r.path()).isEqualTo("content:" + BIG));
    }

    // ------------------------------------------------------------------------------------- helpers

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static final class RecordingListener implements DownloadListener {
        final AtomicLong totalSize = new AtomicLong();
        final AtomicLong lastTotal = new AtomicLong();
        volatile Path finished;

        @Override
        public void onStart(ModelRef ref, String commit, int files, long total, long already) {
            totalSize.set(total);
        }

        @Override
        public void onBytes(String path, long fileBytes, long fileSize, long totalBytes, long total) {
            lastTotal.set(totalBytes);
        }

        @Override
        public void onFinish(Path folder) {
            finished = folder;
        }
    }
}
