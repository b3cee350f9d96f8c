package dev.imagine.pipeline;

import java.util.Locale;

/**
 * The arithmetic of the denoising UNet. FP32 is what diffusers computes and the pictures match it; INT8 runs a copy
 * with 8-bit weights and activations, prepared on this machine from the FP32 files the first time (a few minutes,
 * about a quarter of the UNet's size on disk), faster on CPUs with integer dot-product instructions and slightly
 * different in the pixels. The text encoder and the decoders stay FP32 either way.
 */
public enum Precision {
    FP32, INT8;

    /** {@code fp32} or {@code int8}, in any case. */
    public static Precision parse(String text) {
        for (Precision precision : values()) {
            if (precision.name().equalsIgnoreCase(text.trim())) {
                return precision;
            }
        }
        throw new PipelineException("unknown precision '" + text + "'; expected fp32 or int8");
    }

    /** As written in config.yaml and on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
