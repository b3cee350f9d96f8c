package dev.imagine.pipeline.model;

import dev.imagine.pipeline.ModelStoreException;
import dev.imagine.pipeline.ModelStoreException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where cached models live on disk. One folder per repository, one immutable snapshot per commit:
 *
 * <pre>
 * &lt;cache&gt;/                                   default: $XDG_CACHE_HOME/imagine/models, else ~/.cache/imagine/models
 *   &lt;owner&gt;--&lt;name&gt;/                        e.g. SimianLuo--LCM_Dreamshaper_v7
 *     refs/&lt;revision&gt;                       text file: the commit sha a branch or tag resolved to
 *     snapshots/&lt;commit&gt;/...                the model folder the pipeline opens (hub paths kept as they are)
 *     manifests/&lt;commit&gt;.json               files, sizes, hashes, include patterns, "complete"
 *     incomplete/&lt;commit&gt;/&lt;path&gt;.part       partial downloads, resumed with HTTP Range
 *     locks/&lt;commit&gt;.lock                    exclusive file lock held while a snapshot is written
 * </pre>
 *
 * <p>A file enters {@code snapshots/} only by an atomic move after its size and hash were checked, so a file there
 * is never half written. A snapshot is complete only when its manifest says so; the manifest is written first with
 * {@code "complete": false} (so an interrupted pull can be verified and resumed) and replaced atomically with
 * {@code "complete": true} after the last file was verified. Snapshots are keyed by commit sha, so their content
 * never changes; branch names are only pointers in {@code refs/}.
 */
public final class ModelCache {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final String MANIFEST_SUFFIX = ".json";

    private final Path root;

    public ModelCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path repoDir(String repo) {
        return root.resolve(repo.replace("/", "--"));
    }

    public Path snapshot(String repo, String commit) {
        return repoDir(repo).resolve("snapshots").resolve(checkCommit(commit));
    }

    public Path manifestFile(String repo, String commit) {
        return repoDir(repo).resolve("manifests").resolve(checkCommit(commit) + MANIFEST_SUFFIX);
    }

    public Path lockFile(String repo, String commit) {
        return repoDir(repo).resolve("locks").resolve(checkCommit(commit) + ".lock");
    }

    /** The file {@code path} of a snapshot; refuses paths that would leave the folder. */
    public Path file(String repo, String commit, String path) {
        return inside(snapshot(repo, commit), path);
    }

    /** Where the partial download of {@code path} is kept. */
    public Path partFile(String repo, String commit, String path) {
        return inside(repoDir(repo).resolve("incomplete").resolve(checkCommit(commit)), path + ".part");
    }

    public Path refFile(String repo, String revision) {
        return inside(repoDir(repo).resolve("refs"), revision);
    }

    /** The commit a branch or tag pointed at when last pulled. */
    public Optional<String> readRef(String repo, String revision) {
        Path file = refFile(repo, revision);
        try {
            String commit = Files.readString(file, StandardCharsets.UTF_8).strip();
            return COMMIT.matcher(commit).matches() ? Optional.of(commit) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    public void writeRef(String repo, String revision, String commit) {
        if (revision.equals(commit)) {
            return;
        }
        writeAtomically(refFile(repo, revision), commit.getBytes(StandardCharsets.US_ASCII));
    }

    public Optional<Manifest> readManifest(String repo, String commit) {
        return readManifest(manifestFile(repo, commit));
    }

    private Optional<Manifest> readManifest(Path file) {
        try {
            return Optional.of(Manifest.fromJson(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring unreadable manifest {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    public void writeManifest(Manifest manifest) {
        writeAtomically(manifestFile(manifest.repo(), manifest.commit()),
                manifest.toJson().getBytes(StandardCharsets.UTF_8));
    }

    /** Every manifest in the cache, by folder name. */
    public List<Manifest> allManifests() {
        List<Manifest> all = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return all;
        }
        try (DirectoryStream<Path> repos = Files.newDirectoryStream(root, Files::isDirectory)) {
            List<Path> sorted = new ArrayList<>();
            repos.forEach(sorted::add);
            sorted.sort(null);
            for (Path repo : sorted) {
                Path manifests = repo.resolve("manifests");
                if (!Files.isDirectory(manifests)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(manifests, "*" + MANIFEST_SUFFIX)) {
                    List<Path> names = new ArrayList<>();
                    files.forEach(names::add);
                    names.sort(null);
                    names.forEach(f -> readManifest(f).ifPresent(all::add));
                }
            }
        } catch (IOException e) {
            throw new ModelStoreException(Reason.IO, "cannot read the model cache " + root + ": " + e.getMessage(), e);
        }
        return all;
    }

    /** Writes {@code bytes} to a temporary file next to {@code target} and moves it into place atomically. */
    public static void writeAtomically(Path target, byte[] bytes) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                Files.write(tmp, bytes);
                moveAtomically(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ModelStoreException(Reason.IO, "cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Moves {@code from} onto {@code to} atomically (replacing it), creating the parent folders. */
    public static void moveAtomically(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path inside(Path base, String relative) {
        if (relative.isEmpty() || relative.startsWith("/") || relative.contains("\\") || relative.contains("\0")) {
            throw new ModelStoreException(Reason.HUB_ERROR, "refusing the file name '" + relative + "'");
        }
        Path resolved = base.resolve(relative).normalize();
        if (!resolved.startsWith(base) || resolved.equals(base)) {
            throw new ModelStoreException(Reason.HUB_ERROR, "refusing the file name '" + relative
                    + "': it leaves the folder " + base);
        }
        return resolved;
    }

    private static String checkCommit(String commit) {
        if (!COMMIT.matcher(commit).matches()) {
            throw new ModelStoreException(Reason.HUB_ERROR, "'" + commit + "' is not a 40-hex commit sha");
        }
        return commit;
    }
}
