package dev.imagine.bot.command;

import java.util.Locale;

/** Which VAE decoder turns latents into pixels: the full SD VAE, or the tiny TAESD decoder (about 17x cheaper). */
public enum Decoder {
    FULL, FAST;

    public static Decoder parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "full", "vae" -> FULL;
            case "fast", "taesd", "tiny" -> FAST;
            default -> throw new IllegalArgumentException("decoder '" + text + "' is not known: use full or fast");
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
