package dev.imagine.bot.ops;

import java.util.Locale;

/** A Prometheus histogram of seconds with fixed buckets; thread-safe. */
final class Histogram {
    private final double[] bounds;
    private final long[] counts;
    private double sum;
    private long count;

    Histogram(double... bounds) {
        this.bounds = bounds.clone();
        this.counts = new long[bounds.length];
    }

    synchronized void observe(double seconds) {
        for (int i = 0; i < bounds.length; i++) {
            if (seconds <= bounds[i]) {
                counts[i]++;
            }
        }
        sum += seconds;
        count++;
    }

    synchronized void write(StringBuilder out, String name, String labels) {
        String prefix = labels.isEmpty() ? "" : labels + ",";
        for (int i = 0; i < bounds.length; i++) {
            out.append(name).append("_bucket{").append(prefix).append("le=\"").append(format(bounds[i])).append("\"} ")
                    .append(counts[i]).append('\n');
        }
        out.append(name).append("_bucket{").append(prefix).append("le=\"+Inf\"} ").append(count).append('\n');
        String braces = labels.isEmpty() ? "" : "{" + labels + "}";
        out.append(name).append("_sum").append(braces).append(' ').append(format(sum)).append('\n');
        out.append(name).append("_count").append(braces).append(' ').append(count).append('\n');
    }

    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
