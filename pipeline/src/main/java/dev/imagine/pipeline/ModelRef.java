package dev.imagine.pipeline;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A model on a Hugging Face–style hub: a repository, a revision and the files to fetch.
 *
 * @param repo             {@code owner/name}
 * @param revision         a branch or tag name, or a 40-hex commit sha. A sha pins the files: a complete cached
 *                         folder for a sha is used without touching the network.
 * @param includePatterns  with {@link Selection#PATTERNS}, which files to fetch, as glob patterns over the repository
 *                         paths in the manner of huggingface_hub's {@code allow_patterns} ({@code *} and {@code ?},
 *                         where {@code *} also matches {@code /}); each pattern must match at least one file. Empty
 *                         with the other selections.
 * @param selection        how the files to fetch are chosen
 */
public record ModelRef(String repo, String revision, List<String> includePatterns, Selection selection) {

    /** How a pull chooses the files of the revision to fetch. */
    public enum Selection {
        /** The files matching {@link #includePatterns()}. */
        PATTERNS,
        /**
         * The files the pipeline reads from a repository in the optimum ONNX layout: {@code model_index.json}, the
         * {@code scheduler/} and {@code tokenizer/} files, and for each network ({@code text_encoder},
         * {@code unet}, {@code vae_decoder}, {@code vae_encoder}, or a {@code model.onnx} at the top) its
         * {@code model.onnx}, the external data files that model refers to, and its {@code config.json}. PyTorch,
         * Flax and TensorFlow weights, other ONNX variants, READMEs and pictures are left on the hub. A repository
         * without such an ONNX file is refused with a message that says how to export one.
         */
        PIPELINE,
        /** Every file of the revision ({@code models pull --all-files}). */
        ALL
    }

    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /** The branch used when a reference names none. */
    public static final String DEFAULT_BRANCH = "main";

    /**
     * The default model: the ONNX export in {@code SimianLuo/LCM_Dreamshaper_v7}, pinned to a commit, with only the
     * files the pipeline reads (no safetensors or PyTorch weights).
     */
    public static final ModelRef LCM_DREAMSHAPER_V7 = new ModelRef("SimianLuo/LCM_Dreamshaper_v7",
            "a85df6a8bd976cdd08b4fd8f3b73f229c9e54df5",
            List.of("model_index.json",
                    "scheduler/scheduler_config.json",
                    "tokenizer/*",
                    "text_encoder/model.onnx", "text_encoder/config.json",
                    "unet/model.onnx", "unet/model.onnx_data", "unet/config.json",
                    "vae_decoder/model.onnx", "vae_decoder/config.json",
                    "vae_encoder/model.onnx", "vae_encoder/config.json"));

    /**
     * The optional fast decoder: TAESD exported to ONNX in the optimum layout ({@code vae_decoder/model.onnx},
     * {@code vae_encoder/model.onnx}). Only the decoder folder is fetched. Another repository with the same layout
     * can be used through {@link #parse}.
     */
    public static final ModelRef TAESD = new ModelRef("deinferno/taesd-onnx", DEFAULT_BRANCH,
            List.of("vae_decoder/model.onnx", "vae_decoder/*"));

    /**
     * The default picture classifier: {@code Falconsai/nsfw_image_detection} (ViT-base 224x224, labels normal and
     * nsfw, Apache-2.0) as exported to ONNX by onnx-community, pinned to a commit, with only the FP32 model and its
     * two JSON files (not the quantized variants beside it). See {@code ImageClassifier}.
     */
    public static final ModelRef NSFW_CLASSIFIER = new ModelRef("onnx-community/nsfw_image_detection-ONNX",
            "1ceb3c7fe1e9f3f2507e6df577437f23a9149fd5",
            List.of("config.json", "preprocessor_config.json", "onnx/model.onnx"));

    /**
     * A reference that fetches the files matching {@code includePatterns}, or every file when there are none (the
     * meaning include patterns had before {@link Selection} existed).
     */
    public ModelRef(String repo, String revision, List<String> includePatterns) {
        this(repo, revision, includePatterns, includePatterns.isEmpty() ? Selection.ALL : Selection.PATTERNS);
    }

    public ModelRef {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(selection, "selection");
        if (!REPO_ID.matcher(repo).matches() || repo.contains("..")) {
            throw new IllegalArgumentException("'" + repo + "' is not a hub repository id; expected owner/name, "
                    + "for example " + "SimianLuo/LCM_Dreamshaper_v7");
        }
        if (revision.isBlank() || revision.contains("..") || revision.startsWith("/") || revision.contains("\\")) {
            throw new IllegalArgumentException("'" + revision + "' is not a usable revision of " + repo
                    + "; expected a branch, a tag or a 40-hex commit sha");
        }
        includePatterns = List.copyOf(includePatterns);
        for (String p : includePatterns) {
            if (p.isBlank()) {
                throw new IllegalArgumentException("an include pattern of " + repo + " is empty");
            }
        }
        if ((selection == Selection.PATTERNS) == includePatterns.isEmpty()) {
            throw new IllegalArgumentException(selection == Selection.PATTERNS
                    ? "no include patterns for " + repo + "; give at least one, or select the pipeline's files"
                    : "include patterns are used only with Selection.PATTERNS, not " + selection);
        }
    }

    /**
     * Reads {@code owner/name} or {@code owner/name@revision}. A well-known repository ({@link #LCM_DREAMSHAPER_V7},
     * {@link #TAESD}, {@link #NSFW_CLASSIFIER}) keeps its include patterns, and its pinned revision when none is
     * given; any other repository gets the files the pipeline reads ({@link Selection#PIPELINE}) of {@code main}
     * unless a revision is given.
     */
    public static ModelRef parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        String text = spec.strip();
        int at = text.indexOf('@');
        String repo = at < 0 ? text : text.substring(0, at);
        String revision = at < 0 ? null : text.substring(at + 1);
        if (revision != null && revision.isEmpty()) {
            throw new IllegalArgumentException("'" + spec + "': nothing after '@'; expected owner/name@revision");
        }
        for (ModelRef known : List.of(LCM_DREAMSHAPER_V7, TAESD, NSFW_CLASSIFIER)) {
            if (known.repo.equalsIgnoreCase(repo)) {
                return known.withRevision(revision == null ? known.revision : revision);
            }
        }
        return new ModelRef(repo, revision == null ? DEFAULT_BRANCH : revision, List.of(), Selection.PIPELINE);
    }

    /** The same repository and revision with other include patterns (none: every file). */
    public ModelRef withIncludePatterns(List<String> patterns) {
        return new ModelRef(repo, revision, patterns);
    }

    /** The same repository and revision, every file of it ({@code --all-files}). */
    public ModelRef withAllFiles() {
        return new ModelRef(repo, revision, List.of(), Selection.ALL);
    }

    /** The same repository and file selection at another revision. */
    public ModelRef withRevision(String otherRevision) {
        return new ModelRef(repo, otherRevision, includePatterns, selection);
    }

    /** True when the revision is a full commit sha (the files can never change). */
    public boolean isPinned() {
        return COMMIT.matcher(revision).matches();
    }

    /** {@code owner/name@revision}, the form {@link #parse} reads and the CLI prints. */
    @Override
    public String toString() {
        return repo + "@" + revision;
    }
}
