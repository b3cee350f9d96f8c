package dev.imagine.pipeline.model;

import dev.imagine.pipeline.CachedModel;
import dev.imagine.pipeline.DownloadListener;
import dev.imagine.pipeline.ModelRef;
import dev.imagine.pipeline.ModelStoreException;
import dev.imagine.pipeline.ModelStoreException.Reason;
import dev.imagine.pipeline.VerifyReport;
import dev.imagine.pipeline.VerifyReport.FileCheck;
import dev.imagine.pipeline.VerifyReport.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls, finds, lists and verifies model snapshots in a {@link ModelCache}. Behind {@code ModelStore}.
 *
 * <p>A pull of a commit sha whose snapshot is complete makes no request at all; so does any pull offline. A pull of
 * a branch or tag asks the hub for its commit (one request) and then does the same. Otherwise the snapshot's lock
 * is taken, the revision's files are listed and selected (by the include patterns, as the files the pipeline reads,
 * or all), free disk space is checked, and each missing file is downloaded (resuming a part left by an earlier
 * attempt), verified and moved into place. A file whose checksum is wrong is deleted and downloaded once more; a
 * second mismatch fails the pull. For the pipeline's files, the downloaded models are then read for external data
 * files the listing alone did not reveal, and those are fetched the same way. The manifest is marked complete last.
 */
public final class SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;
    private static final int CONNECT_ATTEMPTS_PER_FILE = 4;

    private final ModelCache cache;
    private final HubClient hub;
    private final boolean offline;
    private final ToLongFunction<Path> usableSpace;
    private final boolean defaultCacheDir;

    /**
     * @param hub          the hub client; used only when online
     * @param offline      {@code HF_HUB_OFFLINE}: never touch the network
     * @param usableSpace  free bytes for new files in a folder ({@code FileStore.getUsableSpace()} normally)
     * @param defaultCacheDir  whether the cache is the default folder (said when a model must be fetched first)
     */
    public SnapshotStore(ModelCache cache, HubClient hub, boolean offline, ToLongFunction<Path> usableSpace,
                         boolean defaultCacheDir) {
        this.cache = cache;
        this.hub = hub;
        this.offline = offline;
        this.usableSpace = usableSpace;
        this.defaultCacheDir = defaultCacheDir;
    }

    // ------------------------------------------------------------------------------------------- look-ups

    /** The complete snapshot for {@code ref}, found without the network (branches through {@code refs/}). */
    public Optional<Path> cached(ModelRef ref) {
        return localCommit(ref).flatMap(commit -> completeSnapshot(ref, commit));
    }

    private Optional<String> localCommit(ModelRef ref) {
        return ref.isPinned() ? Optional.of(ref.revision()) : cache.readRef(ref.repo(), ref.revision());
    }

    private Optional<Path> completeSnapshot(ModelRef ref, String commit) {
        Optional<Manifest> manifest = cache.readManifest(ref.repo(), commit);
        if (manifest.isEmpty() || !manifest.get().complete() || !manifest.get().covers(ref)) {
            return Optional.empty();
        }
        for (Manifest.Entry entry : manifest.get().files()) {
            Path file = cache.file(ref.repo(), commit, entry.path());
            try {
                if (!Files.isRegularFile(file) || Files.size(file) != entry.size()) {
                    LOG.warn("{} of {}@{} is missing or has the wrong size; the snapshot needs repair",
                            entry.path(), ref.repo(), commit);
                    return Optional.empty();
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.of(cache.snapshot(ref.repo(), commit));
    }

    /** The folder of {@code ref}, or an error that says how to fetch it. */
    public Path path(ModelRef ref) {
        return cached(ref).orElseThrow(() -> notCached(ref, ref + " is not in the model cache at " + cache.root()
                + " (or is incomplete)."));
    }

    public List<CachedModel> list() {
        List<CachedModel> models = new ArrayList<>();
        for (Manifest m : cache.allManifests()) {
            models.add(new CachedModel(m.repo(), m.commit(), m.revisions(), cache.snapshot(m.repo(), m.commit()),
                    m.files().size(), m.totalBytes(), m.complete()));
        }
        return models;
    }

    private ModelStoreException notCached(ModelRef ref, String message) {
        return new ModelStoreException(message,
                new ModelStoreException.MissingModel(ref, cache.root(), defaultCacheDir));
    }

    // ------------------------------------------------------------------------------------------- pull

    @SuppressWarnings("try") // the lock is held for the body
    public Path pull(ModelRef ref, DownloadListener listener) {
        if (ref.isPinned() || offline) {
            Optional<Path> hit = cached(ref);
            if (hit.isPresent()) {
                LOG.debug("{} is cached in {}", ref, hit.get());
                return hit.get();
            }
            if (offline) {
                throw notCached(ref, ref + " is not in the model cache at " + cache.root() + " (or is incomplete),"
                        + " and HF_HUB_OFFLINE=1 forbids downloading it: fetch it once with network access.");
            }
        }
        String commit = ref.isPinned() ? ref.revision() : hub.resolveCommit(ref.repo(), ref.revision());
        Optional<Path> hit = completeSnapshot(ref, commit);
        if (hit.isPresent()) {
            rememberRevision(ref, commit);
            return hit.get();
        }
        try (FolderLock lock = lock(ref, commit, listener)) {
            hit = completeSnapshot(ref, commit);
            if (hit.isPresent()) {
                LOG.info("{} was completed by another download in the meantime", ref);
                rememberRevision(ref, commit);
                return hit.get();
            }
            List<HubFile> listed = hub.listFiles(ref.repo(), commit);
            List<HubFile> selected = select(ref, commit, listed);
            Manifest manifest = cache.readManifest(ref.repo(), commit)
                    .map(m -> m.mergedWith(ref, selected))
                    .orElseGet(() -> Manifest.firstPull(ref, commit, selected));
            manifest = manifest.withComplete(false).withRevision(ref.isPinned() ? null : ref.revision());
            cache.writeManifest(manifest);
            ensureFiles(ref, commit, manifest.files().stream().map(Manifest.Entry::toHubFile).toList(), listener);
            if (ref.selection() == ModelRef.Selection.PIPELINE) {
                List<HubFile> more = PipelineFiles.externalData(ref, commit, cache.snapshot(ref.repo(), commit),
                        selected, listed);
                if (!more.isEmpty()) {
                    LOG.info("{}: the models keep weights in {} more file(s): {}", ref, more.size(),
                            more.stream().map(HubFile::path).toList());
                    manifest = manifest.mergedWith(ref, more).withComplete(false);
                    cache.writeManifest(manifest);
                    ensureFiles(ref, commit, more, listener);
                }
            }
            cache.writeManifest(manifest.withComplete(true));
            rememberRevision(ref, commit);
            Path folder = cache.snapshot(ref.repo(), commit);
            LOG.info("{} is complete and verified in {}", ref, folder);
            listener.onFinish(folder);
            return folder;
        }
    }

    private void rememberRevision(ModelRef ref, String commit) {
        if (!ref.isPinned()) {
            cache.writeRef(ref.repo(), ref.revision(), commit);
            cache.readManifest(ref.repo(), commit).ifPresent(m -> {
                Manifest updated = m.withRevision(ref.revision());
                if (updated != m) {
                    cache.writeManifest(updated);
                }
            });
        }
    }

    private FolderLock lock(ModelRef ref, String commit, DownloadListener listener) {
        Path lockFile = cache.lockFile(ref.repo(), commit);
        return FolderLock.acquire(lockFile, () -> {
            LOG.info("waiting for another download of {} to finish (lock {})", ref, lockFile);
            listener.onWaitingForLock(ref, lockFile);
        });
    }

    /** The listed files {@code ref} selects; with include patterns, every pattern must select something. */
    static List<HubFile> select(ModelRef ref, String commit, List<HubFile> listed) {
        switch (ref.selection()) {
            case ALL -> {
                return listed;
            }
            case PIPELINE -> {
                return PipelineFiles.select(ref, commit, listed);
            }
            case PATTERNS -> { }
        }
        List<Pattern> patterns = ref.includePatterns().stream().map(SnapshotStore::glob).toList();
        List<String> unmatched = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            Pattern p = patterns.get(i);
            if (listed.stream().noneMatch(f -> p.matcher(f.path()).matches())) {
                unmatched.add(ref.includePatterns().get(i));
            }
        }
        if (!unmatched.isEmpty()) {
            throw new ModelStoreException(Reason.NOT_FOUND, "not found on the hub: repository " + ref.repo()
                    + ", revision " + ref.revision() + (ref.revision().equals(commit) ? "" : " (commit " + commit + ")")
                    + ", file " + String.join(", ", unmatched) + ": no file of the revision matches. "
                    + "Is this the right repository and revision for an ONNX model?");
        }
        return listed.stream().filter(f -> patterns.stream().anyMatch(p -> p.matcher(f.path()).matches())).toList();
    }

    /** fnmatch-style glob, as huggingface_hub's allow_patterns: {@code *} matches anything including {@code /}. */
    static Pattern glob(String pattern) {
        String p = pattern.endsWith("/") ? pattern + "*" : pattern;
        StringBuilder regex = new StringBuilder();
        for (char c : p.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** Makes every file present and verified: checks what is there, downloads the rest. */
    private void ensureFiles(ModelRef ref, String commit, List<HubFile> files, DownloadListener listener) {
        List<HubFile> missing = new ArrayList<>();
        for (HubFile file : files) {
            Path target = cache.file(ref.repo(), commit, file.path());
            if (Files.isRegularFile(target)) {
                String problem = problemWith(target, file);
                if (problem == null) {
                    continue;
                }
                LOG.warn("{} in the cache is damaged ({}); deleting it and downloading it again", target, problem);
                delete(target);
            }
            missing.add(file);
        }
        download(ref, commit, missing, listener);
    }

    private void download(ModelRef ref, String commit, List<HubFile> files, DownloadListener listener) {
        long total = 0;
        long already = 0;
        Map<String, Long> onDisk = new HashMap<>();
        for (HubFile f : files) {
            total += f.size();
            long part = partSize(cache.partFile(ref.repo(), commit, f.path()));
            long kept = part <= f.size() ? part : 0;
            already += kept;
            onDisk.put(f.path(), kept);
        }
        checkFreeSpace(ref, total - already);
        listener.onStart(ref, commit, files.size(), total, already);
        if (!files.isEmpty()) {
            LOG.info("downloading {} file(s) of {} (commit {}): {} to fetch{}", files.size(), ref, commit,
                    bytes(total - already), already > 0 ? ", " + bytes(already) + " already there from before" : "");
        }
        FileDownloader downloader = new FileDownloader(hub, CONNECT_ATTEMPTS_PER_FILE);
        long[] done = {already};
        long[] lastLog = {System.nanoTime()};
        final long totalSize = total;
        for (HubFile file : files) {
            Path part = cache.partFile(ref.repo(), commit, file.path());
            listener.onFileStart(file.path(), file.size(), onDisk.get(file.path()));
            FileDownloader.Progress progress = bytesOnDisk -> {
                long previous = onDisk.put(file.path(), bytesOnDisk);
                done[0] += bytesOnDisk - previous;
                listener.onBytes(file.path(), bytesOnDisk, file.size(), done[0], totalSize);
                long now = System.nanoTime();
                if (now - lastLog[0] >= LOG_EVERY_NANOS) {
                    lastLog[0] = now;
                    LOG.info("downloading {}: {} of {} ({} of {} in total)", file.path(), bytes(bytesOnDisk),
                            bytes(file.size()), bytes(done[0]), bytes(totalSize));
                }
            };
            fetchVerified(ref, commit, file, part, downloader, progress);
            listener.onFileDone(file.path());
        }
    }

    /** Downloads one file; a checksum mismatch deletes it and tries once more, a second one fails. */
    private void fetchVerified(ModelRef ref, String commit, HubFile file, Path part, FileDownloader downloader,
                               FileDownloader.Progress progress) {
        for (int attempt = 1; ; attempt++) {
            try {
                downloader.download(ref.repo(), commit, file, part, progress);
                Path target = cache.file(ref.repo(), commit, file.path());
                ModelCache.moveAtomically(part, target);
                LOG.info("{} of {} downloaded and verified ({} {})", file.path(), ref, file.hashName(),
                        file.expectedHash());
                return;
            } catch (FileDownloader.ChecksumMismatchException e) {
                delete(part);
                progress.onDisk(0);
                if (attempt >= 2) {
                    throw new ModelStoreException(Reason.CHECKSUM_MISMATCH, "checksum mismatch for " + file.path()
                            + " of " + ref.repo() + "@" + commit + ", twice: expected " + file.hashName() + " "
                            + e.expected() + ", got " + e.actual() + ". The bad download was deleted. Something "
                            + "between the hub and this machine alters the data (a proxy?); try again later or set "
                            + "HF_ENDPOINT to a mirror.");
                }
                LOG.warn("checksum mismatch for {} of {}: expected {} {}, got {}; deleted the file, downloading it "
                        + "again", file.path(), ref, file.hashName(), e.expected(), e.actual());
            } catch (IOException e) {
                throw new ModelStoreException(Reason.IO, "cannot move " + part + " into the model folder: "
                        + e.getMessage(), e);
            }
        }
    }

    private void checkFreeSpace(ModelRef ref, long needed) {
        if (needed <= 0) {
            return;
        }
        Path dir = cache.repoDir(ref.repo());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ModelStoreException(Reason.IO, "cannot create the model cache folder " + dir + ": "
                    + e.getMessage(), e);
        }
        long free = usableSpace.applyAsLong(dir);
        if (free >= 0 && free < needed) {
            throw new ModelStoreException(Reason.DISK_FULL, "not enough disk space for " + ref + ": the download "
                    + "needs " + bytes(needed) + " (" + needed + " bytes) in " + dir + ", but only " + bytes(free)
                    + " is free there. Free " + bytes(needed - free) + " or choose another cache folder with "
                    + "--cache-dir.");
        }
    }

    // ------------------------------------------------------------------------------------------- verify

    /**
     * Re-hashes every file of {@code ref}'s snapshot (or of every snapshot when null) against its manifest. A
     * snapshot found damaged is marked incomplete; with {@code repair} its bad and missing files are downloaded
     * again and it is marked complete once all verify.
     */
    @SuppressWarnings("try") // the lock is held for the body
    public VerifyReport verify(ModelRef ref, boolean repair, DownloadListener listener) {
        List<Manifest> manifests;
        if (ref == null) {
            manifests = cache.allManifests();
        } else {
            Optional<Manifest> m = localCommit(ref).flatMap(c -> cache.readManifest(ref.repo(), c));
            if (m.isEmpty()) {
                throw notCached(ref, ref + " is not in the model cache at " + cache.root() + "; nothing to verify.");
            }
            manifests = List.of(m.get());
        }
        List<FileCheck> checks = new ArrayList<>();
        for (Manifest listed : manifests) {
            ModelRef pinned = new ModelRef(listed.repo(), listed.commit(), List.of(), ModelRef.Selection.ALL);
            try (FolderLock lock = lock(pinned, listed.commit(), listener)) {
                Manifest manifest = cache.readManifest(listed.repo(), listed.commit()).orElse(listed);
                checks.addAll(verifyOne(pinned, manifest, repair, listener));
            }
        }
        return new VerifyReport(checks);
    }

    private List<FileCheck> verifyOne(ModelRef pinned, Manifest manifest, boolean repair, DownloadListener listener) {
        String repo = manifest.repo();
        String commit = manifest.commit();
        List<FileCheck> checks = new ArrayList<>();
        List<HubFile> bad = new ArrayList<>();
        for (Manifest.Entry entry : manifest.files()) {
            HubFile file = entry.toHubFile();
            Path target = cache.file(repo, commit, entry.path());
            if (!Files.isRegularFile(target)) {
                checks.add(new FileCheck(repo, commit, entry.path(), Status.MISSING, "not in " + target));
                bad.add(file);
                continue;
            }
            String problem = problemWith(target, file);
            checks.add(new FileCheck(repo, commit, entry.path(), problem == null ? Status.OK : Status.CORRUPT,
                    problem == null ? "" : problem));
            if (problem != null) {
                bad.add(file);
            }
        }
        if (bad.isEmpty()) {
            if (!manifest.complete()) {
                cache.writeManifest(manifest.withComplete(true));
            }
            return checks;
        }
        LOG.warn("{}@{}: {} damaged or missing file(s)", repo, commit, bad.size());
        cache.writeManifest(manifest.withComplete(false));
        if (!repair) {
            return checks;
        }
        String cannot = offline ? "offline (HF_HUB_OFFLINE=1)" : null;
        List<FileCheck> result = new ArrayList<>();
        boolean allRepaired = true;
        for (FileCheck check : checks) {
            if (check.status() == Status.OK) {
                result.add(check);
                continue;
            }
            HubFile file = bad.stream().filter(f -> f.path().equals(check.path())).findFirst().orElseThrow();
            if (cannot != null) {
                result.add(new FileCheck(repo, commit, check.path(), Status.REPAIR_FAILED, check.detail()
                        + "; cannot download: " + cannot));
                allRepaired = false;
                continue;
            }
            try {
                delete(cache.file(repo, commit, file.path()));
                download(pinned, commit, List.of(file), listener);
                result.add(new FileCheck(repo, commit, check.path(), Status.REPAIRED, check.detail()
                        + "; downloaded again and verified"));
            } catch (ModelStoreException e) {
                result.add(new FileCheck(repo, commit, check.path(), Status.REPAIR_FAILED, check.detail() + "; "
                        + e.getMessage()));
                allRepaired = false;
            }
        }
        if (allRepaired) {
            cache.writeManifest(manifest.withComplete(true));
        }
        return result;
    }

    /** Null when {@code target} has the listed size and hash, else what differs. */
    private static String problemWith(Path target, HubFile file) {
        try {
            long size = Files.size(target);
            if (size != file.size()) {
                return "size " + size + " bytes, expected " + file.size();
            }
            String hash = Hashing.hashOf(target, file);
            return hash.equalsIgnoreCase(file.expectedHash()) ? null
                    : file.hashName() + " " + hash + ", expected " + file.expectedHash();
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private static long partSize(Path part) {
        try {
            return Files.exists(part) ? Files.size(part) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new ModelStoreException(Reason.IO, "cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    /** Human-readable size: 1.2 GB, 340 MB, 12 kB, 512 B (decimal units). */
    public static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(java.util.Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }
}
