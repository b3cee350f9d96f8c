package dev.imagine.bot.command;

import java.util.Locale;

/**
 * The arithmetic of the UNet that denoises a job: fp32 (what diffusers computes) or int8 (a quantized copy made on
 * this machine, faster and slightly different in the pixels). A request that names none gets the configured one
 * ({@code model.precision}); naming the other needs {@code model.compare-precision: true}, which loads both UNets.
 */
public enum Precision {
    FP32, INT8;

    /** {@code fp32} or {@code int8}, in any case. */
    public static Precision parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "fp32" -> FP32;
            case "int8" -> INT8;
            default -> throw new IllegalArgumentException("precision '" + text + "' is not known: use fp32 or int8");
        };
    }

    /** As written in config.yaml, the web API and the picture's PNG text. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
