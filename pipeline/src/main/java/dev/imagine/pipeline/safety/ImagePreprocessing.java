package dev.imagine.pipeline.safety;

import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.model.JsonFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What transformers' {@code ViTImageProcessor} does to a picture before the classifier sees it, read from a
 * {@code preprocessor_config.json}: resize to {@code size} through Pillow ({@link PillowResize}, on the 8-bit
 * pixels), rescale ({@code x * rescale_factor} in double precision, then to float), normalise
 * ({@code (x - mean) / std} in float), and lay the channels out first. Keys that are absent take
 * {@code ViTImageProcessor}'s defaults (224x224, bilinear, 1/255, mean and std 0.5).
 *
 * @param resample  null when {@code do_resize} is false
 */
record ImagePreprocessing(int height, int width, PillowResize.Filter resample, boolean rescale, double rescaleFactor,
                          boolean normalize, float[] mean, float[] std) {

    /** Steps of other image processors that this class does not do; a config asking for them is refused. */
    private static final List<String> UNSUPPORTED_STEPS = List.of("do_center_crop", "do_pad", "do_reduce_labels");
    private static final Set<String> UNSUPPORTED_SIZE_KEYS = Set.of("shortest_edge", "longest_edge",
            "max_height", "max_width");

    ImagePreprocessing {
        mean = mean.clone();
        std = std.clone();
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values, one per channel");
        }
    }

    static ImagePreprocessing read(Path file) {
        return fromJson(JsonFiles.readObject(file), file.toString());
    }

    static ImagePreprocessing fromJson(Map<String, Object> json, String where) {
        for (String step : UNSUPPORTED_STEPS) {
            if (Boolean.TRUE.equals(json.get(step))) {
                throw new PipelineException(where + ": '" + step + "' is true, a step this classifier runner does not "
                        + "do; it runs what ViTImageProcessor does (resize, rescale, normalize)");
            }
        }
        boolean resize = flag(json, "do_resize", true, where);
        int[] size = size(json.get("size"), where);
        PillowResize.Filter filter = resize
                ? PillowResize.Filter.ofPillowNumber(JsonFiles.intValue(json, "resample", 2, Path.of(where)), where)
                : null;
        double factor = JsonFiles.doubleValue(json, "rescale_factor", 1.0 / 255, Path.of(where));
        return new ImagePreprocessing(size[0], size[1], filter, flag(json, "do_rescale", true, where), factor,
                flag(json, "do_normalize", true, where), perChannel(json.get("image_mean"), "image_mean", where),
                perChannel(json.get("image_std"), "image_std", where));
    }

    private static boolean flag(Map<String, Object> json, String key, boolean fallback, String where) {
        Object value = json.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw new PipelineException(where + ": '" + key + "' must be true or false, got " + value);
    }

    /** {@code {"height": h, "width": w}}, a single number for a square, or {@code [h, w]}; as get_size_dict reads it. */
    private static int[] size(Object value, String where) {
        if (value == null) {
            return new int[] {224, 224};
        }
        if (value instanceof Number n) {
            return new int[] {positive(n, "size", where), positive(n, "size", where)};
        }
        if (value instanceof List<?> list && list.size() == 2 && list.get(0) instanceof Number h
                && list.get(1) instanceof Number w) {
            return new int[] {positive(h, "size", where), positive(w, "size", where)};
        }
        if (value instanceof Map<?, ?> map && map.get("height") instanceof Number h
                && map.get("width") instanceof Number w) {
            return new int[] {positive(h, "size.height", where), positive(w, "size.width", where)};
        }
        if (value instanceof Map<?, ?> map && map.keySet().stream().anyMatch(UNSUPPORTED_SIZE_KEYS::contains)) {
            throw new PipelineException(where + ": 'size' is " + value + "; a ViT-style classifier resizes to an "
                    + "exact {\"height\": h, \"width\": w}, and resizing by the shorter or longer edge is not supported");
        }
        throw new PipelineException(where + ": 'size' must be {\"height\": h, \"width\": w}, got " + value);
    }

    private static int positive(Number n, String key, String where) {
        double d = n.doubleValue();
        if (d != Math.rint(d) || d < 1 || d > 4096) {
            throw new PipelineException(where + ": '" + key + "' must be a whole number of pixels from 1 to 4096, got "
                    + n);
        }
        return (int) d;
    }

    /** A value per channel: three numbers, or one number for all three; default 0.5 (IMAGENET_STANDARD_MEAN/STD). */
    private static float[] perChannel(Object value, String key, String where) {
        if (value == null) {
            return new float[] {0.5f, 0.5f, 0.5f};
        }
        if (value instanceof Number n) {
            return new float[] {n.floatValue(), n.floatValue(), n.floatValue()};
        }
        if (value instanceof List<?> list && list.size() == 3 && list.stream().allMatch(Number.class::isInstance)) {
            float[] out = new float[3];
            for (int i = 0; i < 3; i++) {
                out[i] = ((Number) list.get(i)).floatValue();
            }
            return out;
        }
        throw new PipelineException(where + ": '" + key + "' must be three numbers (one per RGB channel), got "
                + value);
    }

    /** The side lengths of the tensor this produces for a {@code width x height} picture. */
    int outputHeight(int pictureHeight) {
        return resample == null ? pictureHeight : height;
    }

    int outputWidth(int pictureWidth) {
        return resample == null ? pictureWidth : width;
    }

    /**
     * The classifier's {@code pixel_values} for one picture: [3, H, W] floats, channels first.
     *
     * @param rgb interleaved 8-bit RGB, {@code width * height * 3} bytes, row by row
     */
    float[] pixelValues(byte[] rgb, int pictureWidth, int pictureHeight) {
        byte[] pixels = rgb;
        int w = pictureWidth;
        int h = pictureHeight;
        if (resample != null) {
            pixels = PillowResize.resize(rgb, pictureWidth, pictureHeight, width, height, resample);
            w = width;
            h = height;
        }
        int plane = w * h;
        float[] out = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                int v = pixels[p * 3 + c] & 0xff;
                // numpy: uint8 -> float64 * factor -> float32 (rescale); then float32 (x - mean) / std (normalize)
                float x = rescale ? (float) (v * rescaleFactor) : v;
                out[c * plane + p] = normalize ? (x - mean[c]) / std[c] : x;
            }
        }
        return out;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImagePreprocessing p && height == p.height && width == p.width && resample == p.resample
                && rescale == p.rescale && rescaleFactor == p.rescaleFactor && normalize == p.normalize
                && Arrays.equals(mean, p.mean) && Arrays.equals(std, p.std);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mean) * 31 + Arrays.hashCode(std) + height * 7 + width;
    }

    @Override
    public String toString() {
        return (resample == null ? "no resize" : "resize to " + width + "x" + height + " (" + resample + ")")
                + (rescale ? ", rescale x" + rescaleFactor : "")
                + (normalize ? ", normalize mean " + Arrays.toString(mean) + " std " + Arrays.toString(std) : "");
    }
}
