package dev.imagine.bot.cli;

import dev.imagine.pipeline.ProgressListener;
import java.io.PrintWriter;

/**
 * Shows generation progress on stderr: a bar redrawn in place on a terminal, one line per step otherwise (so logs
 * and CI output stay readable).
 */
final class ProgressBar implements ProgressListener, AutoCloseable {
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final String label;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private boolean drawn;

    ProgressBar(PrintWriter out, String label, boolean interactive) {
        this.out = out;
        this.label = label;
        this.interactive = interactive;
    }

    static ProgressBar forStderr(PrintWriter err, String label) {
        return new ProgressBar(err, label, System.console() != null && System.getenv("CI") == null);
    }

    @Override
    public void onProgress(Progress progress) {
        if (progress.stage() != Progress.Stage.STEP_DONE) {
            return;
        }
        int done = progress.step();
        int total = progress.totalSteps();
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        double perStep = elapsed / Math.max(1, done);
        String stats = String.format("step %d/%d  %.1f s/step  %.0f s left", done, total, perStep,
                perStep * (total - done));
        if (interactive) {
            int filled = (int) Math.round(WIDTH * (double) done / total);
            out.print("\r" + label + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + stats + "  ");
            drawn = true;
        } else {
            out.println(label + ": " + stats);
        }
        out.flush();
    }

    void finish() {
        if (drawn) {
            out.println();
            drawn = false;
        }
        out.flush();
    }

    @Override
    public void close() {
        finish();
    }
}
