package dev.imagine.bot.cli;

import dev.imagine.pipeline.CachedModel;
import dev.imagine.pipeline.ModelRef;
import dev.imagine.pipeline.ModelStore;
import dev.imagine.pipeline.ModelStoreException;
import dev.imagine.pipeline.VerifyReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code imagine models}: fetch models from the Hugging Face hub into the local cache and look after them.
 * Settings come from the environment: {@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE}.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"Download models from the Hugging Face hub into the local cache, list, verify and locate them.",
                "Environment: HF_ENDPOINT (hub or mirror, default https://huggingface.co), HF_TOKEN (for gated or "
                        + "private repositories), HF_HUB_OFFLINE=1 (never use the network)."},
        subcommands = {ModelsCommand.Pull.class, ModelsCommand.ListModels.class, ModelsCommand.Verify.class,
                ModelsCommand.PathOf.class})
public final class ModelsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--cache-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Model cache folder (default: $XDG_CACHE_HOME/imagine/models or ~/.cache/imagine/models).")
    Path cacheDir;

    private final Function<Path, ModelStore> stores;

    public ModelsCommand() {
        this(ModelStore::fromEnvironment);
    }

    /** @param stores makes the store from the {@code --cache-dir} value (null when not given) */
    ModelsCommand(Function<Path, ModelStore> stores) {
        this.stores = stores;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    ModelStore store() {
        return stores.apply(cacheDir == null ? null : cacheDir.toAbsolutePath());
    }

    static ModelRef refOf(String model) {
        return model == null ? ModelRef.LCM_DREAMSHAPER_V7 : ModelRef.parse(model);
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = {"Download a model (default: the LCM Dreamshaper v7 ONNX files), verify every file and print "
                    + "its folder. An interrupted download resumes where it stopped.",
                    "Only the files the pipeline reads are fetched: model_index.json, scheduler/, tokenizer/, and for "
                            + "text_encoder, unet, vae_decoder and vae_encoder their model.onnx with its external data "
                            + "and config.json. PyTorch weights and other files stay on the hub unless --all-files."})
    static final class Pull implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "REPO[@REVISION]",
                description = "Hub repository, optionally with a branch, tag or commit (default: the LCM Dreamshaper "
                        + "v7 ONNX files at a pinned commit).")
        String model;

        @Option(names = "--all-files", negatable = false,
                description = "Download every file of the revision, PyTorch weights included.")
        boolean allFiles;

        @Override
        public Integer call() {
            ModelStore store = parent.store();
            ModelRef ref = allFiles ? refOf(model).withAllFiles() : refOf(model);
            Path folder;
            try (DownloadProgressBar bar = DownloadProgressBar.forStderr(spec.commandLine().getErr())) {
                folder = store.pull(ref, bar);
            }
            spec.commandLine().getOut().println(folder);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the cached models: repository, commit, size, and whether every file was verified.")
    static final class ListModels implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ModelStore store = parent.store();
            PrintWriter out = spec.commandLine().getOut();
            List<CachedModel> models = store.list();
            if (models.isEmpty()) {
                out.println("no models in " + store.cacheDir());
                return 0;
            }
            for (CachedModel m : models) {
                out.printf("%-40s %-12s %10s %4d files  %-10s %s%s%n", m.repo(), m.commit().substring(0, 12),
                        DownloadProgressBar.size(m.sizeBytes()), m.files(),
                        m.complete() ? "verified" : "incomplete",
                        m.revisions().isEmpty() ? "" : "(" + String.join(", ", m.revisions()) + ") ", m.folder());
            }
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Re-hash every cached file against the hub's checksums and download bad or missing files "
                    + "again.")
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "REPO[@REVISION]",
                description = "Only this model (default: every cached model).")
        String model;

        @Option(names = "--no-repair", negatable = false, description = "Only report; download nothing.")
        boolean noRepair;

        @Override
        public Integer call() {
            ModelStore store = parent.store();
            PrintWriter out = spec.commandLine().getOut();
            VerifyReport report;
            try (DownloadProgressBar bar = DownloadProgressBar.forStderr(spec.commandLine().getErr())) {
                report = model == null ? store.verifyAll(!noRepair, bar)
                        : store.verify(ModelRef.parse(model), !noRepair, bar);
            }
            for (VerifyReport.FileCheck c : report.problems()) {
                out.printf("%-13s %s@%s %s: %s%n", c.status(), c.repo(), c.commit().substring(0, 12), c.path(),
                        c.detail());
            }
            long ok = report.files().stream().filter(f -> f.status() == VerifyReport.Status.OK).count();
            out.printf("%d file(s) checked: %d ok, %d with problems%n", report.files().size(), ok,
                    report.problems().size());
            if (!report.healthy()) {
                throw new ModelStoreException(ModelStoreException.Reason.CHECKSUM_MISMATCH,
                        report.problems().stream().filter(c -> c.status() != VerifyReport.Status.REPAIRED).count()
                                + " cached file(s) are damaged or missing" + (noRepair
                                ? "; run 'models verify' without --no-repair to download them again"
                                : " and could not be repaired (see above)"));
            }
            return 0;
        }
    }

    @Command(name = "path", mixinStandardHelpOptions = true,
            description = "Print the folder the pipeline uses for a model (default: the LCM Dreamshaper v7 ONNX files).")
    static final class PathOf implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "REPO[@REVISION]", description = "Hub repository[@revision].")
        String model;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(parent.store().path(refOf(model)));
            return 0;
        }
    }
}
