package dev.imagine.pipeline;

import java.util.List;

/**
 * What {@link ModelStore#verify} found: one entry per file of every model checked.
 *
 * @param files the checked files, in manifest order
 */
public record VerifyReport(List<FileCheck> files) {

    /** The state of one file after the check (and the repair, when asked for). */
    public enum Status {
        /** Size and hash match the manifest. */
        OK,
        /** The file is not there. */
        MISSING,
        /** Its size or hash differs from the manifest. */
        CORRUPT,
        /** It was missing or corrupt and has been downloaded again and verified. */
        REPAIRED,
        /** It was missing or corrupt and the repair failed ({@link FileCheck#detail()} says why). */
        REPAIR_FAILED
    }

    /**
     * @param repo    hub repository id
     * @param commit  snapshot commit
     * @param path    file path inside the model folder
     * @param status  what was found
     * @param detail  expected and actual size or hash for a bad file, the error of a failed repair; empty when OK
     */
    public record FileCheck(String repo, String commit, String path, Status status, String detail) {
    }

    public VerifyReport {
        files = List.copyOf(files);
    }

    /** True when every file is {@link Status#OK} or {@link Status#REPAIRED}. */
    public boolean healthy() {
        return files.stream().allMatch(f -> f.status() == Status.OK || f.status() == Status.REPAIRED);
    }

    /** The files that were not OK when checked (repaired or not). */
    public List<FileCheck> problems() {
        return files.stream().filter(f -> f.status() != Status.OK).toList();
    }
}
