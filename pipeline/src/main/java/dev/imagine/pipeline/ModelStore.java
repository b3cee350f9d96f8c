package dev.imagine.pipeline;

import dev.imagine.pipeline.model.HubClient;
import dev.imagine.pipeline.model.ModelCache;
import dev.imagine.pipeline.model.SnapshotStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The local store of models fetched from a Hugging Face–style hub: the first {@link #pull} downloads a model's
 * files (those its {@link ModelRef} selects: by default only what the pipeline reads from an ONNX export), verifies
 * each against the hub's sha256 (or git blob id) and marks the folder complete; afterwards the folder is used without
 * the network. Downloads resume after an interruption, and two processes pulling the same model at
 * once wait for each other instead of writing the same files.
 *
 * <p>Settings, as {@code huggingface_hub} reads them in {@link #fromEnvironment}: {@code HF_ENDPOINT} (default
 * {@value #DEFAULT_ENDPOINT}; a mirror or another hub), {@code HF_TOKEN} (sent as {@code Authorization: Bearer} to
 * the hub only, never logged), {@code HF_HUB_OFFLINE=1} (never touch the network). The cache folder defaults to
 * {@code $XDG_CACHE_HOME/imagine/models}, else {@code $HOME/.cache/imagine/models}; its layout is described in
 * {@link ModelCache}.
 *
 * <pre>{@code
 * ModelStore store = ModelStore.fromEnvironment(null);
 * Path folder = store.pull(ModelRef.LCM_DREAMSHAPER_V7, DownloadListener.NONE);
 * }</pre>
 */
public final class ModelStore {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    private final Path cacheDir;
    private final URI endpoint;
    private final boolean offline;
    private final boolean hasToken;
    private final SnapshotStore store;

    private ModelStore(Builder b) {
        this.cacheDir = b.cacheDir;
        this.endpoint = b.endpoint;
        this.offline = b.offline;
        this.hasToken = b.token != null;
        HubClient hub = new HubClient(b.endpoint, b.token, b.timeout);
        this.store = new SnapshotStore(new ModelCache(b.cacheDir), hub, b.offline, b.usableSpace, !b.explicitCacheDir);
    }

    /**
     * A store configured from the environment ({@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE},
     * {@code XDG_CACHE_HOME}, {@code HOME}).
     *
     * @param cacheDirOrNull the cache folder, or null for the default
     */
    public static ModelStore fromEnvironment(Path cacheDirOrNull) {
        Builder builder = builder().environment(System.getenv());
        if (cacheDirOrNull != null) {
            builder.cacheDir(cacheDirOrNull);
        }
        return builder.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The verified folder of {@code ref}, downloading what is missing. A pinned (commit sha) reference whose folder
     * is complete, or any reference when offline, makes no network request.
     *
     * @throws ModelStoreException with a message saying what to do (set HF_TOKEN, free disk space...); when the model
     *                             must be fetched with the network first, {@link ModelStoreException#missing()}
     *                             says which
     */
    public Path pull(ModelRef ref, DownloadListener listener) {
        return store.pull(Objects.requireNonNull(ref, "ref"), listener == null ? DownloadListener.NONE : listener);
    }

    /** The complete cached folder of {@code ref}, found without the network; empty if it must be pulled. */
    public Optional<Path> cached(ModelRef ref) {
        return store.cached(Objects.requireNonNull(ref, "ref"));
    }

    /**
     * The folder the pipeline will use for {@code ref}.
     *
     * @throws ModelStoreException when it is not cached; {@link ModelStoreException#missing()} says what to fetch
     */
    public Path path(ModelRef ref) {
        return store.path(Objects.requireNonNull(ref, "ref"));
    }

    /** Every snapshot in the cache, complete or not. */
    public List<CachedModel> list() {
        return store.list();
    }

    /**
     * Re-hashes every file of {@code ref}'s cached snapshot; with {@code repair}, downloads the bad and missing ones
     * again. A damaged snapshot is no longer reported complete, so the next {@link #pull} repairs it as well.
     */
    public VerifyReport verify(ModelRef ref, boolean repair, DownloadListener listener) {
        return store.verify(Objects.requireNonNull(ref, "ref"), repair,
                listener == null ? DownloadListener.NONE : listener);
    }

    /** {@link #verify(ModelRef, boolean, DownloadListener)} for every snapshot in the cache. */
    public VerifyReport verifyAll(boolean repair, DownloadListener listener) {
        return store.verify(null, repair, listener == null ? DownloadListener.NONE : listener);
    }

    public Path cacheDir() {
        return cacheDir;
    }

    public URI endpoint() {
        return endpoint;
    }

    public boolean offline() {
        return offline;
    }

    /** Whether a hub token is set (the token itself is not readable). */
    public boolean hasToken() {
        return hasToken;
    }

    @Override
    public String toString() {
        return "ModelStore[" + cacheDir + ", " + endpoint + (offline ? ", offline" : "")
                + (hasToken ? ", token set" : "") + "]";
    }

    /**
     * The cache folder used when none is given: {@code $XDG_CACHE_HOME/imagine/models}, else
     * {@code ~/.cache/imagine/models}, where {@code ~} is {@code $HOME} as in a shell (the JVM's {@code user.home}
     * comes from the password database and ignores {@code HOME}; it is used only when {@code HOME} is unset).
     */
    public static Path defaultCacheDir(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg) : homeFolder(env).resolve(".cache");
        return base.resolve("imagine").resolve("models");
    }

    private static Path homeFolder(Map<String, String> env) {
        String home = env.get("HOME");
        return home != null && !home.isBlank() && Path.of(home).isAbsolute()
                ? Path.of(home) : Path.of(System.getProperty("user.home"));
    }

    /** Settings of a {@link ModelStore}; each has a default, and {@link #build()} checks them. */
    public static final class Builder {
        private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");

        private Path cacheDir = defaultCacheDir(System.getenv());
        private boolean explicitCacheDir;
        private URI endpoint = URI.create(DEFAULT_ENDPOINT);
        private String token;
        private boolean offline;
        private Duration timeout = Duration.ofSeconds(30);
        private ToLongFunction<Path> usableSpace = Builder::usableSpaceOf;

        private Builder() {
        }

        /**
         * Applies {@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE} (1, ON, YES or TRUE) and the
         * default cache folder from {@code XDG_CACHE_HOME} or {@code HOME} found in {@code env}.
         */
        public Builder environment(Map<String, String> env) {
            cacheDir = defaultCacheDir(env);
            explicitCacheDir = false;
            String e = env.get("HF_ENDPOINT");
            if (e != null && !e.isBlank()) {
                endpoint(URI.create(e.strip()));
            }
            String t = env.get("HF_TOKEN");
            token = t == null || t.isBlank() ? null : t.strip();
            String o = env.get("HF_HUB_OFFLINE");
            offline = o != null && TRUE.contains(o.strip().toUpperCase(Locale.ROOT));
            return this;
        }

        /** The cache folder; a relative path is refused (it would depend on the working directory). */
        public Builder cacheDir(Path dir) {
            Objects.requireNonNull(dir, "dir");
            if (!dir.isAbsolute()) {
                dir = dir.toAbsolutePath();
            }
            this.cacheDir = dir.normalize();
            this.explicitCacheDir = true;
            return this;
        }

        public Builder endpoint(URI hub) {
            Objects.requireNonNull(hub, "hub");
            if (hub.getScheme() == null || !(hub.getScheme().equals("http") || hub.getScheme().equals("https"))
                    || hub.getHost() == null) {
                throw new IllegalArgumentException("HF_ENDPOINT '" + hub + "' is not an http(s) URL such as "
                        + DEFAULT_ENDPOINT);
            }
            this.endpoint = hub;
            return this;
        }

        /** The hub access token, or null for none. */
        public Builder token(String accessToken) {
            this.token = accessToken == null || accessToken.isBlank() ? null : accessToken.strip();
            return this;
        }

        public Builder offline(boolean value) {
            this.offline = value;
            return this;
        }

        /** Connect and read timeout of each HTTP request (default 30 s). */
        public Builder httpTimeout(Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("the HTTP timeout must be positive, got " + value);
            }
            this.timeout = value;
            return this;
        }

        /**
         * How free space is measured before a download (default: {@code FileStore.getUsableSpace()} of the cache
         * folder); a test replaces it to simulate a full disk. A negative answer means unknown.
         */
        public Builder usableSpace(ToLongFunction<Path> probe) {
            this.usableSpace = Objects.requireNonNull(probe, "probe");
            return this;
        }

        public ModelStore build() {
            return new ModelStore(this);
        }

        private static long usableSpaceOf(Path dir) {
            try {
                return Files.getFileStore(dir).getUsableSpace();
            } catch (IOException e) {
                return -1;
            }
        }
    }
}
