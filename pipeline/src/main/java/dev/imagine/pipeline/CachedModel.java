package dev.imagine.pipeline;

import java.nio.file.Path;
import java.util.List;

/**
 * One model snapshot in the cache.
 *
 * @param repo       hub repository id, {@code owner/name}
 * @param commit     the commit sha the files belong to
 * @param revisions  the branch or tag names that pointed at this commit when it was pulled (may be empty)
 * @param folder     the folder the pipeline opens
 * @param files      how many files the manifest lists
 * @param sizeBytes  their total size
 * @param complete   every file was downloaded and verified (the manifest marks it complete)
 */
public record CachedModel(String repo, String commit, List<String> revisions, Path folder, int files, long sizeBytes,
                          boolean complete) {
    public CachedModel {
        revisions = List.copyOf(revisions);
    }
}
