package dev.imagine.bot.cli;

import dev.imagine.pipeline.DownloadListener;
import dev.imagine.pipeline.ModelRef;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows a model download on stderr: on a terminal a bar redrawn in place (bytes, speed, time left, current file),
 * otherwise a plain progress line at most every {@value #PLAIN_EVERY_SECONDS} seconds, so logs stay readable.
 */
public final class DownloadProgressBar implements DownloadListener, AutoCloseable {
    static final int PLAIN_EVERY_SECONDS = 5;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 24;

    private final PrintWriter out;
    private final boolean interactive;
    private final LongSupplier nanoClock;
    private long startNanos;
    private long startBytes;
    private long lastDrawNanos = Long.MIN_VALUE;
    private boolean drawn;

    DownloadProgressBar(PrintWriter out, boolean interactive, LongSupplier nanoClock) {
        this.out = out;
        this.interactive = interactive;
        this.nanoClock = nanoClock;
    }

    public static DownloadProgressBar forStderr(PrintWriter err) {
        return new DownloadProgressBar(err, System.console() != null, System::nanoTime);
    }

    @Override
    public void onWaitingForLock(ModelRef ref, Path lockFile) {
        endLine();
        out.println("waiting for another download of " + ref + " to finish...");
        out.flush();
    }

    @Override
    public void onStart(ModelRef ref, String commit, int files, long totalBytes, long alreadyBytes) {
        startNanos = nanoClock.getAsLong();
        startBytes = alreadyBytes;
        if (files == 0) {
            return;
        }
        out.println("pulling " + ref + " (commit " + commit.substring(0, Math.min(12, commit.length())) + "): "
                + files + (files == 1 ? " file, " : " files, ") + size(totalBytes)
                + (alreadyBytes > 0 ? " (" + size(alreadyBytes) + " already downloaded, resuming)" : ""));
        out.flush();
    }

    @Override
    public void onBytes(String path, long fileBytes, long fileSize, long totalBytes, long totalSize) {
        long now = nanoClock.getAsLong();
        boolean last = totalBytes >= totalSize;
        long every = interactive ? REDRAW_NANOS : PLAIN_EVERY_SECONDS * 1_000_000_000L;
        if (!last && lastDrawNanos != Long.MIN_VALUE && now - lastDrawNanos < every) {
            return;
        }
        if (!interactive && last) {
            return;
        }
        lastDrawNanos = now;
        String stats = stats(now, totalBytes, totalSize) + "  " + path;
        if (interactive) {
            int filled = totalSize <= 0 ? WIDTH : (int) (WIDTH * Math.min(1.0, (double) totalBytes / totalSize));
            out.print("\r[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + stats + "   ");
            drawn = true;
        } else {
            out.println(stats);
        }
        out.flush();
    }

    @Override
    public void onFinish(Path folder) {
        endLine();
        out.flush();
    }

    @Override
    public void close() {
        endLine();
        out.flush();
    }

    String stats(long now, long done, long total) {
        double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
        double speed = Math.max(0, done - startBytes) / seconds;
        String percent = total <= 0 ? "100%" : String.format(Locale.ROOT, "%3d%%", (int) (100.0 * done / total));
        String eta = speed < 1 ? "--" : duration((long) Math.ceil((total - done) / speed));
        return percent + "  " + size(done) + " / " + size(total) + "  " + size((long) speed) + "/s  ETA " + eta;
    }

    private void endLine() {
        if (drawn) {
            out.println();
            drawn = false;
        }
    }

    static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh %02dm", seconds / 3600, (seconds % 3600) / 60);
    }
}
