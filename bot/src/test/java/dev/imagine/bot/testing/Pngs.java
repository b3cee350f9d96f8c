package dev.imagine.bot.testing;

import dev.imagine.pipeline.PngParameters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** What a test reads out of a PNG Imagine handed out: the prompt in its parameters chunk, and its pixel data. */
public final class Pngs {
    private Pngs() {
    }

    /** The prompt of the {@code parameters} text chunk (its lines before the last, which holds the settings). */
    public static String promptOf(byte[] png) {
        String text = PngParameters.read(png).orElseThrow();
        return text.substring(0, text.lastIndexOf('\n'));
    }

    /** The compressed pixels (the IDAT chunk): equal for two PNGs of the same picture whatever their text says. */
    public static byte[] imageData(byte[] png) {
        ByteBuffer buffer = ByteBuffer.wrap(png);
        for (int offset = 8; offset < png.length; offset += buffer.getInt(offset) + 12) {
            if (new String(png, offset + 4, 4, StandardCharsets.ISO_8859_1).equals("IDAT")) {
                return Arrays.copyOfRange(png, offset + 8, offset + 8 + buffer.getInt(offset));
            }
        }
        throw new AssertionError("no IDAT");
    }
}
