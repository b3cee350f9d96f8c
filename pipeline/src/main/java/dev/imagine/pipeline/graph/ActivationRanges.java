package dev.imagine.pipeline.graph;

import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The smallest and largest value each observed tensor took over the calibration runs. Not thread-safe: one
 * calibration fills it, then the quantizer reads it.
 */
public final class ActivationRanges {
    private final Map<String, float[]> ranges = new LinkedHashMap<>();

    /** Widens the range of {@code name} to cover {@code values} (NaN and infinities are ignored). */
    public void observe(String name, FloatBuffer values) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = values.position(), end = values.limit(); i < end; i++) {
            float v = values.get(i);
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        if (min > max) {
            return; // empty, or only NaN
        }
        if (Float.isInfinite(min) || Float.isInfinite(max)) {
            return;
        }
        observe(name, min, max);
    }

    public void observe(String name, float min, float max) {
        float[] range = ranges.get(name);
        if (range == null) {
            ranges.put(name, new float[] {min, max});
        } else {
            range[0] = Math.min(range[0], min);
            range[1] = Math.max(range[1], max);
        }
    }

    public boolean has(String name) {
        return ranges.containsKey(name);
    }

    public float min(String name) {
        return require(name)[0];
    }

    public float max(String name) {
        return require(name)[1];
    }

    private float[] require(String name) {
        float[] range = ranges.get(name);
        if (range == null) {
            throw new IllegalStateException("no calibrated range for tensor '" + name + "'");
        }
        return range;
    }

    public int size() {
        return ranges.size();
    }

    public Map<String, float[]> asMap() {
        return Collections.unmodifiableMap(ranges);
    }

    /** One line per tensor: name, min and max (exact float text), tab-separated. */
    public String toText() {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, float[]> entry : ranges.entrySet()) {
            text.append(entry.getKey()).append('\t').append(Float.toString(entry.getValue()[0])).append('\t')
                    .append(Float.toString(entry.getValue()[1])).append('\n');
        }
        return text.toString();
    }

    /** Reads what {@link #toText} wrote. */
    public static ActivationRanges parse(String text) {
        ActivationRanges ranges = new ActivationRanges();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t");
            if (fields.length != 3) {
                throw new IllegalArgumentException("not a range line: " + line);
            }
            ranges.observe(fields[0], Float.parseFloat(fields[1]), Float.parseFloat(fields[2]));
        }
        return ranges;
    }
}
