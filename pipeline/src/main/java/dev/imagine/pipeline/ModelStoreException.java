package dev.imagine.pipeline;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A model could not be fetched, found or verified. The message says what went wrong and what the user can do about
 * it (set {@code HF_TOKEN}, free disk space, use a mirror through {@code HF_ENDPOINT}...); {@link #reason()} lets
 * callers react without parsing the message. When the model must be fetched first, {@link #missing()} says which and
 * where to, so that the application can name its own command for it.
 */
public class ModelStoreException extends PipelineException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure this is. */
    public enum Reason {
        /** HTTP 401: private or gated repository and no token, or a token the hub did not accept. */
        UNAUTHORIZED,
        /** HTTP 403: the token is valid but has no access (gated repository whose conditions were not accepted). */
        FORBIDDEN,
        /**
         * HTTP 404, no file of the revision matches an include pattern, the revision is not an ONNX export, or a
         * model refers to an external data file the revision does not have.
         */
        NOT_FOUND,
        /** Not enough free space in the cache folder. */
        DISK_FULL,
        /** A downloaded file did not have the size or hash the hub lists for it, twice. */
        CHECKSUM_MISMATCH,
        /** Offline ({@code HF_HUB_OFFLINE=1}), or asked for a path, and the model is not in the cache. */
        NOT_CACHED,
        /** The hub could not be reached: connection refused, unknown host, timeout. */
        UNREACHABLE,
        /** The hub answered something this client does not understand, or a server error. */
        HUB_ERROR,
        /** A local file operation failed. */
        IO
    }

    /**
     * A model that is not in the cache and has to be fetched ({@link ModelStore#pull}) before it can be used.
     *
     * @param cacheDir         the cache folder it must be fetched into
     * @param defaultCacheDir  whether that is the default folder ({@link ModelStore#defaultCacheDir}), which a
     *                         command line need not name
     */
    public record MissingModel(ModelRef model, Path cacheDir, boolean defaultCacheDir) {
        public MissingModel {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(cacheDir, "cacheDir");
        }
    }

    private final Reason reason;
    private final transient MissingModel missing;

    public ModelStoreException(Reason reason, String message) {
        this(reason, message, (Throwable) null);
    }

    public ModelStoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.missing = null;
    }

    /** A {@link Reason#NOT_CACHED} failure: {@code missing} must be fetched first. */
    public ModelStoreException(String message, MissingModel missing) {
        super(message);
        this.reason = Reason.NOT_CACHED;
        this.missing = Objects.requireNonNull(missing, "missing");
    }

    public Reason reason() {
        return reason;
    }

    /** The model to fetch before trying again, for a {@link Reason#NOT_CACHED} failure. */
    public Optional<MissingModel> missing() {
        return Optional.ofNullable(missing);
    }
}
