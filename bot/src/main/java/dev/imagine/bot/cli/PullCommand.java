package dev.imagine.bot.cli;

import dev.imagine.pipeline.ModelRef;
import dev.imagine.pipeline.ModelStoreException;
import dev.imagine.pipeline.PipelineException;

/**
 * The command line that fetches a model. The pipeline says which model is missing and where it belongs
 * ({@link ModelStoreException#missing()}); naming the command that fetches it is the application's part.
 */
public final class PullCommand {
    static final String PULL = "java -jar bot/target/imagine.jar models pull";

    private PullCommand() {
    }

    /** "java -jar bot/target/imagine.jar models pull owner/name@revision [--all-files] [--cache-dir DIR]". */
    public static String of(ModelStoreException.MissingModel missing) {
        ModelRef model = missing.model();
        return PULL + " " + model + (model.selection() == ModelRef.Selection.ALL ? " --all-files" : "")
                + (missing.defaultCacheDir() ? "" : " --cache-dir " + missing.cacheDir());
    }

    /** The failure's message, and when a model must be fetched first, the command that does it. */
    public static String explain(PipelineException failure) {
        if (failure instanceof ModelStoreException store && store.missing().isPresent()) {
            return failure.getMessage() + " Fetch it with: " + of(store.missing().get());
        }
        return failure.getMessage();
    }
}
