package dev.imagine.pipeline.model;

import dev.imagine.pipeline.ModelRef;
import dev.imagine.pipeline.ModelStoreException;
import dev.imagine.pipeline.ModelStoreException.Reason;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which files of a repository in the optimum ONNX layout the pipeline reads ({@link ModelRef.Selection#PIPELINE}).
 * Chosen in two steps: from the listing, {@code model_index.json}, every file of {@code scheduler/} and
 * {@code tokenizer/}, and for each network folder its {@code model.onnx}, {@code config.json} and the external data
 * files named after the model ({@code model.onnx_data}, {@code model.onnx.data}, {@code weights.pb}); then, once the
 * models are on disk, any other file a model's tensors are stored in ({@link OnnxExternalData}).
 */
final class PipelineFiles {
    /** The networks of an SD/LCM export, and "" for a repository holding one model at its top (a lone decoder). */
    static final List<String> NETWORKS = List.of("text_encoder", "unet", "vae_decoder", "vae_encoder", "");
    static final String MODEL = "model.onnx";
    private static final List<String> DATA_BESIDE_MODEL = List.of("model.onnx_data", "model.onnx.data", "weights.pb");
    private static final List<String> SUPPORT_FOLDERS = List.of("scheduler/", "tokenizer/");

    private PipelineFiles() {
    }

    /**
     * The files of {@code listed} the pipeline reads, as far as the listing tells.
     *
     * @throws ModelStoreException when the revision holds no network's {@code model.onnx}: it is not an ONNX export
     */
    static List<HubFile> select(ModelRef ref, String commit, List<HubFile> listed) {
        Map<String, HubFile> byPath = new LinkedHashMap<>();
        listed.forEach(f -> byPath.put(f.path(), f));
        List<String> models = NETWORKS.stream().map(PipelineFiles::modelOf).filter(byPath::containsKey).toList();
        if (models.isEmpty()) {
            throw notAnOnnxExport(ref, commit, listed);
        }
        List<HubFile> selected = new ArrayList<>();
        for (HubFile f : listed) {
            if (wanted(f.path(), models)) {
                selected.add(f);
            }
        }
        return selected;
    }

    private static boolean wanted(String path, List<String> models) {
        if (path.equals("model_index.json")) {
            return true;
        }
        for (String folder : SUPPORT_FOLDERS) {
            if (path.startsWith(folder) && path.indexOf('/', folder.length()) < 0) {
                return true;
            }
        }
        for (String model : models) {
            String folder = model.substring(0, model.length() - MODEL.length());
            if (path.equals(model) || path.equals(folder + "config.json")
                    || DATA_BESIDE_MODEL.stream().anyMatch(name -> path.equals(folder + name))) {
                return true;
            }
        }
        return false;
    }

    private static String modelOf(String network) {
        return network.isEmpty() ? MODEL : network + "/" + MODEL;
    }

    /**
     * The listed files that the models among {@code selected}, now in {@code snapshot}, keep their tensors in and
     * that are not selected yet.
     *
     * @throws ModelStoreException when a model refers to a file the revision does not have, or outside the repository
     */
    static List<HubFile> externalData(ModelRef ref, String commit, Path snapshot, List<HubFile> selected,
                                      List<HubFile> listed) {
        Map<String, HubFile> byPath = new LinkedHashMap<>();
        listed.forEach(f -> byPath.put(f.path(), f));
        Set<String> have = selected.stream().map(HubFile::path).collect(Collectors.toSet());
        List<HubFile> more = new ArrayList<>();
        for (HubFile model : selected) {
            if (!model.path().endsWith(MODEL) || !NETWORKS.contains(networkOf(model.path()))) {
                continue;
            }
            String folder = model.path().substring(0, model.path().length() - MODEL.length());
            Set<String> locations;
            try {
                locations = OnnxExternalData.locations(snapshot.resolve(model.path()));
            } catch (IOException e) {
                throw new ModelStoreException(Reason.HUB_ERROR, model.path() + " of " + ref.repo() + "@" + commit
                        + " is not a readable ONNX model (" + e.getMessage() + "). Is this an ONNX export?", e);
            }
            for (String location : locations) {
                String path = Path.of(folder.isEmpty() ? "." : folder).resolve(location).normalize().toString()
                        .replace('\\', '/');
                HubFile file = byPath.get(path);
                if (path.startsWith("..") || Path.of(location).isAbsolute() || file == null) {
                    throw new ModelStoreException(Reason.NOT_FOUND, model.path() + " of " + ref.repo() + "@" + commit
                            + " keeps weights in '" + location + "', which the repository does not have. The export"
                            + " is incomplete; export it again (optimum-cli export onnx) or pull another revision.");
                }
                if (have.add(path)) {
                    more.add(file);
                }
            }
        }
        return more;
    }

    private static String networkOf(String modelPath) {
        int slash = modelPath.lastIndexOf('/');
        return slash < 0 ? "" : modelPath.substring(0, slash);
    }

    private static ModelStoreException notAnOnnxExport(ModelRef ref, String commit, List<HubFile> listed) {
        List<String> weights = listed.stream().map(HubFile::path)
                .filter(p -> p.endsWith(".safetensors") || p.endsWith(".bin") || p.endsWith(".ckpt")).limit(3)
                .toList();
        return new ModelStoreException(Reason.NOT_FOUND, ref.repo() + "@" + ref.revision()
                + (ref.revision().equals(commit) ? "" : " (commit " + commit + ")") + " is not an ONNX export: it has"
                + " no model.onnx in text_encoder/, unet/, vae_decoder/ or vae_encoder/"
                + (weights.isEmpty() ? "" : " (it holds " + String.join(", ", weights) + (weights.size() == 3
                ? ", ..." : "") + ")")
                + ". Imagine runs ONNX models only. Export it with optimum (pip install optimum-onnx): "
                + "optimum-cli export onnx --model " + ref.repo() + " " + ref.repo().replace('/', '-') + "-onnx/"
                + " and set model.folder (or --model) to that folder, or pull a repository that has an ONNX export.");
    }
}
