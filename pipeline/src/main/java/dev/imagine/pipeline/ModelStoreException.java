package dev.imagine.pipeline;

/**
 * A model could not be fetched, found or verified. The message says what went wrong and what the user can do about
 * it (set {@code HF_TOKEN}, free disk space, run {@code models pull}, use a mirror through {@code HF_ENDPOINT}...);
 * {@link #reason()} lets callers react without parsing the message.
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

    private final Reason reason;

    public ModelStoreException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ModelStoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
