package dev.imagine.pipeline.upscale;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.model.JsonFiles;
import dev.imagine.pipeline.onnx.OnnxModel;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.onnx.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A super-resolution network in ONNX (Real-ESRGAN's {@code realesr-general-x4v3}, SRVGGNetCompact): RGB in [0, 1]
 * [1, 3, h, w] to [1, 3, s*h, s*w]. Pixels go in as {@code x / 255} and come out as {@code round(clamp(y, 0, 1) * 255)},
 * Real-ESRGAN's own inference without pre-padding. Large pictures run in tiles with {@value #TILE_PAD} pixels of real
 * neighbourhood on each side: a network of at most that many 3x3 convolutions (realesr-general-x4v3 has 34) sees the
 * same pixels as in one run, so tiles change nothing but memory.
 */
public final class SuperResolution implements AutoCloseable {
    static final int TILE_PAD = 40;
    /** Inputs up to this many pixels a side run in one piece (about 1 GB of activations at 64 features). */
    public static final int DEFAULT_TILE = 512;

    private final OrtEnvironment env;
    private final OnnxModel model;
    private final String input;
    private final String output;
    private final String name;
    private int scale; // learnt from the first run unless config.json says it

    private SuperResolution(OrtEnvironment env, OnnxModel model, String name, int scale) {
        this.env = env;
        this.model = model;
        this.name = name;
        this.scale = scale;
        if (model.inputNames().size() != 1 || model.outputNames().size() != 1) {
            throw new PipelineException(model.file() + " has inputs " + model.inputNames() + " and outputs "
                    + model.outputNames() + "; a super-resolution network has one image in and one image out");
        }
        this.input = model.inputNames().get(0);
        this.output = model.outputNames().get(0);
        if (model.input(input).rank() != 4) {
            throw new PipelineException(model.file() + ": input '" + input + "' is " + model.input(input)
                    + "; expected an image [batch, 3, height, width]");
        }
    }

    /**
     * Loads a folder with {@code model.onnx} (and optionally {@code config.json} with {@code "scale"} and
     * {@code "name"}), or an {@code .onnx} file.
     */
    public static SuperResolution load(OrtEnvironment env, Path given, SessionSettings settings) {
        Path file = Files.isRegularFile(given) ? given : given.resolve("model.onnx");
        if (!Files.isRegularFile(file)) {
            throw new PipelineException("no upscaler at " + given + ": expected model.onnx in it (Real-ESRGAN's "
                    + "realesr-general-x4v3 converted by tools/upscaler/convert.py) or the path of an .onnx file");
        }
        Path config = file.resolveSibling("config.json");
        int scale = 0;
        String name = stem(Files.isRegularFile(given) ? given : given.toAbsolutePath().normalize());
        if (Files.isRegularFile(config)) {
            Map<String, Object> json = JsonFiles.readObject(config);
            scale = JsonFiles.intValue(json, "scale", 0, config);
            if (json.get("name") instanceof String configured && !configured.isBlank()) {
                name = configured;
            }
        }
        String chosen = name;
        int configured = scale;
        return OnnxModel.loadInto(env, file, settings, model -> new SuperResolution(env, model, chosen, configured));
    }

    private static String stem(Path path) {
        String file = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        return file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
    }

    /** The network's name for the PNG parameters ({@code Postprocess upscaler}). */
    public String name() {
        return name;
    }

    /** The factor, known after the first run when config.json does not say it (0 until then). */
    public int scale() {
        return scale;
    }

    /** Upscales interleaved RGB; tiles of {@link #DEFAULT_TILE}. @return {scale * w} x {scale * h} RGB */
    public byte[] upscale(byte[] rgb, int width, int height) {
        return upscale(rgb, width, height, DEFAULT_TILE);
    }

    /** As {@link #upscale(byte[], int, int)} with tiles of at most {@code tile} input pixels a side. */
    public byte[] upscale(byte[] rgb, int width, int height, int tile) {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("expected " + width * height * 3 + " bytes, got " + rgb.length);
        }
        byte[] out = null;
        for (int y0 = 0; y0 < height; y0 += tile) {
            for (int x0 = 0; x0 < width; x0 += tile) {
                int tw = Math.min(tile, width - x0);
                int th = Math.min(tile, height - y0);
                int px0 = Math.max(0, x0 - TILE_PAD);
                int py0 = Math.max(0, y0 - TILE_PAD);
                int px1 = Math.min(width, x0 + tw + TILE_PAD);
                int py1 = Math.min(height, y0 + th + TILE_PAD);
                int pw = px1 - px0;
                int ph = py1 - py0;
                float[] result = run(rgb, width, px0, py0, pw, ph);
                int s = scale;
                if (out == null) {
                    out = new byte[width * s * height * s * 3];
                }
                copyCore(result, pw * s, ph * s, (x0 - px0) * s, (y0 - py0) * s, tw * s, th * s, out, width * s,
                        x0 * s, y0 * s);
            }
        }
        return out;
    }

    private float[] run(byte[] rgb, int width, int x0, int y0, int w, int h) {
        int plane = w * h;
        float[] chw = new float[3 * plane];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int src = ((y0 + y) * width + x0 + x) * 3;
                for (int c = 0; c < 3; c++) {
                    chw[c * plane + y * w + x] = (rgb[src + c] & 0xff) / 255f;
                }
            }
        }
        float[] result;
        try (OnnxTensor tensor = Tensors.floats(env, chw, 1, 3, h, w)) {
            result = model.runForFloats(Map.of(input, tensor), output);
        }
        long ratio = result.length / (3L * plane);
        int learnt = (int) Math.round(Math.sqrt(ratio));
        if (learnt < 1 || (long) learnt * learnt * 3 * plane != result.length) {
            throw new PipelineException(model.file() + " returned " + result.length + " values for a " + w + "x" + h
                    + " input; expected 3 * (s*w) * (s*h) for an integer scale s");
        }
        if (scale != 0 && scale != learnt) {
            throw new PipelineException(model.file() + " upscales by " + learnt + ", but its config.json says " + scale);
        }
        scale = learnt;
        return result;
    }

    private static void copyCore(float[] chw, int w, int h, int cx, int cy, int cw, int ch, byte[] out, int outWidth,
                                 int ox, int oy) {
        int plane = w * h;
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                int src = (cy + y) * w + cx + x;
                int dst = ((oy + y) * outWidth + ox + x) * 3;
                for (int c = 0; c < 3; c++) {
                    float v = chw[c * plane + src];
                    v = v < 0f ? 0f : Math.min(v, 1f);
                    out[dst + c] = (byte) (int) Math.rint(v * 255f);
                }
            }
        }
    }

    public java.nio.file.Path file() {
        return model.file();
    }

    @Override
    public void close() {
        model.close();
    }
}
