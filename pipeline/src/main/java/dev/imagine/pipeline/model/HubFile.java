package dev.imagine.pipeline.model;

import java.util.Objects;

/**
 * One file of a hub revision, as the tree API lists it.
 *
 * @param path    path inside the repository, with {@code /}
 * @param size    size of the file's content (for an LFS file, of the LFS object, not of its pointer)
 * @param gitOid  the git blob id: {@code sha1("blob " + size + "\0" + content)} for a file stored in git; for an
 *                LFS file the blob id of the pointer (not usable to check the content)
 * @param sha256  the LFS object id (sha256 of the content), or null for a file stored in git
 */
public record HubFile(String path, long size, String gitOid, String sha256) {

    public HubFile {
        Objects.requireNonNull(path, "path");
        if (size < 0) {
            throw new IllegalArgumentException("negative size for " + path);
        }
        if (gitOid == null && sha256 == null) {
            throw new IllegalArgumentException(path + " has neither a git oid nor an LFS sha256");
        }
    }

    public boolean isLfs() {
        return sha256 != null;
    }

    /** The hash the content must have: the LFS sha256, or the git blob sha1. */
    public String expectedHash() {
        return sha256 != null ? sha256 : gitOid;
    }

    /** "sha256" or "git blob sha1", for messages. */
    public String hashName() {
        return sha256 != null ? "sha256" : "git blob sha1";
    }
}
