package dev.imagine.pipeline.tokenizer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes DJL's Hugging Face tokenizers binding work without network access.
 *
 * <p>What DJL 0.38.0 does (read from {@code ai.djl.huggingface.tokenizers.jni.LibUtils} and {@code ai.djl.util}):
 * <ul>
 *   <li>The jar {@code ai.djl.huggingface:tokenizers:0.38.0} bundles the native library for linux-x86_64,
 *       linux-aarch64, osx-aarch64 and win-x86_64 under {@code native/lib/<os-arch>/cpu/} (tokenizers 0.21.0).
 *       On first use it is copied to {@code <cache>/0.21.0-0.38.0-<flavor>-<os-arch>/libtokenizers.so} and loaded
 *       from there with {@code System.load}; later runs load the cached copy.</li>
 *   <li>{@code <cache>} is {@code $ENGINE_CACHE_DIR/tokenizers}, else {@code $DJL_CACHE_DIR/tokenizers}, else
 *       {@code ~/.djl.ai/tokenizers} ({@code java.io.tmpdir/.djl.ai/tokenizers} when the home folder is not
 *       writable). Each name is read as an environment variable first, then as a system property.</li>
 *   <li>{@code RUST_LIBRARY_PATH} (environment or system property) points DJL at an already extracted
 *       {@code libtokenizers.so} (or its folder) and skips the copy.</li>
 *   <li>The flavor is {@code cpu} unless DJL detects a CUDA GPU: then it asks for a {@code cu122} build, which is
 *       not in the jar and is <b>downloaded</b> from publish.djl.ai. {@code RUST_FLAVOR=cpu} or
 *       {@code DJL_OFFLINE=true} / {@code -Dai.djl.offline=true} prevent that.</li>
 *   <li>Every {@code HuggingFaceTokenizer.newInstance} calls {@code Ec2Utils.callHome}: it queries the EC2 metadata
 *       address 169.254.169.254 (1 s time-outs) and, on EC2, sends a telemetry request. {@code OPT_OUT_TRACKING=true}
 *       or offline mode turn it off.</li>
 * </ul>
 * {@link #prepare()} therefore sets the system properties {@code RUST_FLAVOR=cpu} and {@code OPT_OUT_TRACKING=true}
 * unless the deployment already set them (an environment variable of the same name still wins inside DJL).
 */
final class DjlNativeLibrary {

    private static final Logger LOG = LoggerFactory.getLogger(DjlNativeLibrary.class);

    static final String RUST_FLAVOR = "RUST_FLAVOR";
    static final String OPT_OUT_TRACKING = "OPT_OUT_TRACKING";

    private static volatile boolean prepared;

    private DjlNativeLibrary() {}

    /** Sets DJL's offline-safe defaults once, before the first DJL tokenizer class is initialised. */
    static void prepare() {
        if (prepared) {
            return;
        }
        synchronized (DjlNativeLibrary.class) {
            if (prepared) {
                return;
            }
            setIfAbsent(RUST_FLAVOR, "cpu");
            setIfAbsent(OPT_OUT_TRACKING, "true");
            prepared = true;
        }
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getenv(name) == null && System.getProperty(name) == null) {
            System.setProperty(name, value);
            LOG.debug("DJL setting {} defaulted to {}", name, value);
        }
    }

    /** Explains a failure to load the native library to the person who has to fix it. */
    static String loadFailureHint() {
        return "DJL could not load its Hugging Face tokenizers native library. It extracts libtokenizers from the"
                + " ai.djl.huggingface:tokenizers jar to $DJL_CACHE_DIR/tokenizers (default ~/.djl.ai/tokenizers):"
                + " make that folder writable, set DJL_CACHE_DIR (environment variable or -D system property), or"
                + " point RUST_LIBRARY_PATH at an extracted libtokenizers; on a CUDA machine keep RUST_FLAVOR=cpu so"
                + " DJL does not try to download a GPU build";
    }
}
