package dev.imagine.bot.testing;

import dev.imagine.pipeline.PngParameters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a test reads out of a PNG Imagine handed out: the prompt and the settings in its parameters chunk, and its pixel
 * data. Through the pipeline's API only, as the bot sees pictures.
 */
public final class Pngs {
    /** One "Name: value" of the settings line; a value with a comma or colon is quoted, as the web UI writes it. */
    private static final Pattern SETTING =
            Pattern.compile("\\s*(\\w[\\w \\-/]+):\\s*(\"(?:\\\\.|[^\\\\\"])+\"|[^,]*)(?:,|$)");

    private Pngs() {
    }

    /** The parameters text of a PNG file, as an image viewer shows it. */
    public static String parametersOf(Path png) throws IOException {
        return PngParameters.read(Files.readAllBytes(png)).orElseThrow(() -> new AssertionError(png + " has no text"));
    }

    /** The parameters text of a PNG in memory. */
    public static String parametersOf(byte[] png) {
        return PngParameters.read(png).orElseThrow(() -> new AssertionError("the PNG has no text"));
    }

    /** The prompt of the {@code parameters} text chunk (its lines before the last, which holds the settings). */
    public static String promptOf(byte[] png) {
        String text = PngParameters.read(png).orElseThrow();
        return text.substring(0, text.lastIndexOf('\n'));
    }

    /**
     * The settings of a parameters text (its last line: "Steps: 4, Sampler: LCM, …, Denoising strength: 0.5") by
     * name, in order.
     */
    public static Map<String, String> settingsOf(String parameters) {
        Map<String, String> settings = new LinkedHashMap<>();
        Matcher setting = SETTING.matcher(parameters.substring(parameters.lastIndexOf('\n') + 1));
        while (setting.find()) {
            settings.put(setting.group(1).strip(), setting.group(2).strip());
        }
        return settings;
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
