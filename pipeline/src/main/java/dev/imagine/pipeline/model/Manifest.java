package dev.imagine.pipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.imagine.pipeline.ModelRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a cached snapshot holds: every file with its size and hash as the hub listed it, the include patterns it
 * was pulled with, and whether it is complete. Stored as JSON in {@code manifests/<commit>.json} (see
 * {@link ModelCache}); {@code complete} becomes true only after every file was verified, and the manifest is
 * always replaced atomically.
 *
 * @param format           layout version, {@value #FORMAT}
 * @param repo             {@code owner/name}
 * @param commit           the commit sha
 * @param revisions        branch or tag names pulled at this commit
 * @param includePatterns  the union of the patterns pulled; empty, unless {@code pipelineFiles}, means every file
 *                         of the revision
 * @param pipelineFiles    the files the pipeline reads were pulled ({@link ModelRef.Selection#PIPELINE}); absent
 *                         (false) in manifests written before that selection existed
 * @param complete         every listed file is present and was verified
 * @param files            the files
 */
public record Manifest(int format, String repo, String commit, List<String> revisions, List<String> includePatterns,
                       boolean pipelineFiles, boolean complete, List<Entry> files) {

    public static final int FORMAT = 1;

    /**
     * @param path    path inside the snapshot folder
     * @param size    bytes
     * @param gitOid  git blob id (null if unknown)
     * @param sha256  LFS sha256 (null for a file stored in git)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String path, long size, String gitOid, String sha256) {
        public HubFile toHubFile() {
            return new HubFile(path, size, gitOid, sha256);
        }

        public static Entry of(HubFile f) {
            return new Entry(f.path(), f.size(), f.gitOid(), f.sha256());
        }
    }

    public Manifest {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(commit, "commit");
        revisions = List.copyOf(revisions == null ? List.of() : revisions);
        includePatterns = List.copyOf(includePatterns == null ? List.of() : includePatterns);
        files = List.copyOf(files == null ? List.of() : files);
    }

    /** @throws dev.imagine.pipeline.PipelineException when {@code json} is no manifest */
    public static Manifest fromJson(String json) {
        return JsonFiles.parse(json.getBytes(StandardCharsets.UTF_8), Manifest.class, "the model manifest");
    }

    public String toJson() {
        return JsonFiles.write(this);
    }

    public long totalBytes() {
        return files.stream().mapToLong(Entry::size).sum();
    }

    public Manifest withComplete(boolean value) {
        return new Manifest(format, repo, commit, revisions, includePatterns, pipelineFiles, value, files);
    }

    public Manifest withRevision(String revision) {
        if (revision == null || revision.equals(commit) || revisions.contains(revision)) {
            return this;
        }
        List<String> more = new ArrayList<>(revisions);
        more.add(revision);
        return new Manifest(format, repo, commit, more, includePatterns, pipelineFiles, complete, files);
    }

    /** A manifest of a first pull of {@code ref} at {@code commit}, not yet complete. */
    public static Manifest firstPull(ModelRef ref, String commit, List<HubFile> selected) {
        return new Manifest(FORMAT, ref.repo(), commit, List.of(), ref.includePatterns(),
                ref.selection() == ModelRef.Selection.PIPELINE, false, selected.stream().map(Entry::of).toList());
    }

    /** Whether every file of the revision was pulled. */
    public boolean allFiles() {
        return includePatterns.isEmpty() && !pipelineFiles;
    }

    /** True when a pull of {@code ref} needs no file this manifest does not list. */
    public boolean covers(ModelRef ref) {
        if (allFiles()) {
            return true;
        }
        return switch (ref.selection()) {
            case ALL -> false;
            case PIPELINE -> pipelineFiles;
            case PATTERNS -> Set.copyOf(includePatterns).containsAll(ref.includePatterns());
        };
    }

    /** This manifest extended by another pull of the same commit: files and selections are united. */
    public Manifest mergedWith(ModelRef ref, List<HubFile> selected) {
        Map<String, Entry> byPath = new LinkedHashMap<>();
        files.forEach(e -> byPath.put(e.path(), e));
        selected.forEach(f -> byPath.put(f.path(), Entry.of(f)));
        List<String> united;
        boolean pipeline;
        if (allFiles() && !files.isEmpty() || ref.selection() == ModelRef.Selection.ALL) {
            united = List.of();
            pipeline = false;
        } else {
            Set<String> set = new LinkedHashSet<>(includePatterns);
            set.addAll(ref.includePatterns());
            united = List.copyOf(set);
            pipeline = pipelineFiles || ref.selection() == ModelRef.Selection.PIPELINE;
        }
        return new Manifest(FORMAT, repo, commit, revisions, united, pipeline, false, List.copyOf(byPath.values()));
    }
}
