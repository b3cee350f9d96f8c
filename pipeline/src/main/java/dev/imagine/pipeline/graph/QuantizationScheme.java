package dev.imagine.pipeline.graph;

import java.util.Locale;

/**
 * How a float32 network is turned into an int8 one. Weights are always signed 8-bit, symmetric and per output
 * channel; activations are unsigned 8-bit with a zero point (U8S8, the pairing ONNX Runtime's CPU kernels are
 * fastest with on x86).
 *
 * @param convolutions  convolutions become QLinearConv through static QDQ: activation ranges calibrated beforehand,
 *                      weights per output channel, bias int32. The network's first and last convolution stay float
 * @param matmuls       how matrix products with a constant weight (the transformers' linear layers) are quantized
 * @param attention     also quantize the attention products (both inputs are activations), statically
 * @param reduceRange   7-bit weights (-63..63): CPUs without VNNI multiply U8 by S8 with instructions that
 *                      saturate a 16-bit sum of two products; 7 bits keep that sum in range
 * @param exclude       a regular expression: nodes whose name it finds stay float32 (empty: none)
 */
public record QuantizationScheme(boolean convolutions, MatMuls matmuls, boolean attention, boolean reduceRange,
                                 String exclude) {

    public QuantizationScheme {
        exclude = exclude == null ? "" : exclude;
        java.util.regex.Pattern.compile(exclude); // fails early on a bad pattern
    }

    public QuantizationScheme(boolean convolutions, MatMuls matmuls, boolean attention, boolean reduceRange) {
        this(convolutions, matmuls, attention, reduceRange, "");
    }

    /** Whether the node named {@code name} is left in float32 by {@code exclude}. */
    public boolean excludes(String name) {
        return !exclude.isEmpty() && java.util.regex.Pattern.compile(exclude).matcher(name).find();
    }

    /** What happens to a MatMul whose second input is a constant weight. */
    public enum MatMuls {
        /** left in float32 */
        NONE,
        /** activations quantized with ranges found by calibration (DQ → MatMul, fused to MatMulIntegerToFloat) */
        STATIC,
        /** activations quantized per run from their own min/max (DynamicQuantizeLinear → MatMulInteger) */
        DYNAMIC
    }

    /** The largest weight magnitude after quantization. */
    public int weightMax() {
        return reduceRange ? 63 : 127;
    }

    /**
     * Convolutions that read the un-normalized residual stream: the 1x1 shortcuts of the skip connections and the
     * stride-2 downsamplers (diffusers' module names, kept by every optimum export). Their inputs have wide ranges;
     * quantized, they made 3/4 of the first step's error on the tiny model, for 4% of the UNet's convolution work.
     */
    public static final String RESIDUAL_STREAM_CONVS = "conv_shortcut|downsamplers";

    /**
     * The scheme for a CPU, from its /proc/cpuinfo flags: static convolutions (but {@link #RESIDUAL_STREAM_CONVS})
     * and linear layers, 7-bit weights where there is no VNNI ({@code avx512_vnni}, {@code avx_vnni},
     * {@code amx_int8}).
     */
    public static QuantizationScheme forCpu(String cpuFlags) {
        return new QuantizationScheme(true, MatMuls.STATIC, false, needsReducedRange(cpuFlags), RESIDUAL_STREAM_CONVS);
    }

    /**
     * Convolutions of the full VAE decoder left in float32: {@code conv_in} reads the raw latents, the 1x1 shortcuts
     * and the upsamplers' convolutions (after a nearest-neighbour resize, no normalization) read the un-normalized
     * residual stream. Chosen by measuring the picture's PSNR against the float32 decoder's with each set excluded
     * (bench/results; {@code imagine bench --try-int8-decoder --int8-decoder-scheme}).
     */
    public static final String DECODER_SENSITIVE_CONVS = "conv_in|conv_shortcut|upsamplers";

    /**
     * The scheme of the full VAE decoder for a CPU: static convolutions but {@link #DECODER_SENSITIVE_CONVS} (the
     * graph's first and last stay float32 anyway), linear layers float32 (the mid-block's attention: under 1% of
     * the work), 7-bit weights where there is no VNNI.
     */
    public static QuantizationScheme forDecoder(String cpuFlags) {
        return new QuantizationScheme(true, MatMuls.NONE, false, needsReducedRange(cpuFlags), DECODER_SENSITIVE_CONVS);
    }

    static boolean needsReducedRange(String cpuFlags) {
        String flags = " " + cpuFlags.toLowerCase(Locale.ROOT).replace('|', ' ') + " ";
        boolean x86 = flags.contains(" avx2 ") || flags.contains(" sse4_2 ") || flags.contains(" avx ");
        boolean vnni = flags.contains(" avx512_vnni ") || flags.contains(" avx_vnni ") || flags.contains(" amx_int8 ");
        return x86 && !vnni;
    }

    /**
     * Parses an experiment's scheme such as {@code conv,matmul=dynamic,attention,w7}: the words {@code conv},
     * {@code matmul=none|static|dynamic}, {@code attention}, {@code w7} (reduced range) or {@code w8}.
     */
    public static QuantizationScheme parse(String text) {
        boolean conv = false;
        boolean attention = false;
        boolean reduce = false;
        MatMuls matmuls = MatMuls.NONE;
        String exclude = "";
        for (String word : text.split(",")) {
            if (word.trim().startsWith("exclude=")) {
                exclude = word.trim().substring("exclude=".length());
                continue;
            }
            String w = word.trim().toLowerCase(Locale.ROOT);
            switch (w) {
                case "conv" -> conv = true;
                case "attention" -> attention = true;
                case "w7" -> reduce = true;
                case "w8" -> reduce = false;
                case "matmul", "matmul=static" -> matmuls = MatMuls.STATIC;
                case "matmul=dynamic" -> matmuls = MatMuls.DYNAMIC;
                case "matmul=none", "" -> matmuls = w.isEmpty() ? matmuls : MatMuls.NONE;
                default -> throw new IllegalArgumentException("unknown quantization scheme word '" + w
                        + "' (expected conv, matmul=none|static|dynamic, attention, w7, w8, exclude=REGEX)");
            }
        }
        return new QuantizationScheme(conv, matmuls, attention, reduce, exclude);
    }

    /** A short stable name, part of the int8 cache key and of the log. */
    public String id() {
        StringBuilder id = new StringBuilder();
        if (convolutions) {
            id.append("conv,");
        }
        id.append("matmul=").append(matmuls.name().toLowerCase(Locale.ROOT)).append(',');
        if (attention) {
            id.append("attention,");
        }
        id.append(reduceRange ? "w7" : "w8");
        if (!exclude.isEmpty()) {
            id.append(",exclude=").append(exclude);
        }
        return id.toString();
    }

    /** Whether any tensor needs a calibrated range. */
    public boolean needsCalibration() {
        return convolutions || matmuls == MatMuls.STATIC || attention;
    }

    @Override
    public String toString() {
        return id();
    }
}
