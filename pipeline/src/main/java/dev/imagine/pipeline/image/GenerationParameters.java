package dev.imagine.pipeline.image;

import dev.imagine.pipeline.PromptSyntax;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The generation parameters in the text form AUTOMATIC1111's web UI writes into the PNG {@code parameters} chunk
 * (and Civitai and image viewers read): the prompt, then one line of {@code Key: value} pairs separated by
 * {@code ", "}. Values that contain a comma, a colon or a quote are written as JSON strings, as the web UI does.
 *
 * <p>The prompt is written as it was typed, weights and all, so the web UI reads it back the same. The web UI reads
 * prompts in its own syntax, which is Imagine's default ({@link PromptSyntax#A1111}); a picture whose prompt was
 * read as plain text says so with {@code Prompt syntax: plain} (a key the web UI keeps and ignores, as it does
 * every key it does not know). Without that key, the prompt was read in the web UI's syntax.
 *
 * @param extra further keys in the web UI's vocabulary, written before {@code Version} in their order (image to
 *              image: {@code Denoising strength}, {@code Init image hash}; inpainting: {@code Mask blur},
 *              {@code Mask hash}, for zoom out and pan {@code Masked content: fill}, {@code Outpaint} ...; upscales:
 *              {@code Postprocess upscaler} ...)
 */
public record GenerationParameters(String prompt, int steps, float guidance, long seed, int width, int height,
                                   String model, String version, PromptSyntax promptSyntax,
                                   Map<String, String> extra) {
    public static final String PNG_KEYWORD = "parameters";
    public static final String DENOISING_STRENGTH = "Denoising strength";
    public static final String INIT_IMAGE_HASH = "Init image hash";
    /** A1111's key for the feathering of an inpainting mask, in pixels. */
    public static final String MASK_BLUR = "Mask blur";
    /** Imagine's key (the web UI has none): the first 16 hex digits of the mask's pixel hash. */
    public static final String MASK_HASH = "Mask hash";
    /** A1111's key for how the masked area starts; "fill" is its name for colours spread from around it. */
    public static final String MASKED_CONTENT = "Masked content";
    /** Imagine's keys for zoom out and pan: the mode, the new area's depth per side, the placed picture's hash. */
    public static final String OUTPAINT = "Outpaint";
    public static final String OUTPAINT_PADDING = "Outpaint padding";
    public static final String OUTPAINT_SOURCE_HASH = "Outpaint source hash";
    static final String SAMPLER = "LCM";
    static final String PROMPT_SYNTAX = "Prompt syntax";
    private static final java.util.Set<String> STANDARD = java.util.Set.of("Steps", "Sampler", "CFG scale", "Seed",
            "Size", "Model", "Version", PROMPT_SYNTAX);

    public GenerationParameters {
        java.util.Objects.requireNonNull(promptSyntax, "promptSyntax");
        extra = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** Parameters of a text-to-image prompt read in the default syntax (A1111). */
    public GenerationParameters(String prompt, int steps, float guidance, long seed, int width, int height,
                                String model, String version) {
        this(prompt, steps, guidance, seed, width, height, model, version, PromptSyntax.DEFAULT, Map.of());
    }

    /** Parameters of a text-to-image prompt read in {@code promptSyntax}. */
    public GenerationParameters(String prompt, int steps, float guidance, long seed, int width, int height,
                                String model, String version, PromptSyntax promptSyntax) {
        this(prompt, steps, guidance, seed, width, height, model, version, promptSyntax, Map.of());
    }

    /** Parameters with further keys, the prompt read in the default syntax (A1111). */
    public GenerationParameters(String prompt, int steps, float guidance, long seed, int width, int height,
                                String model, String version, Map<String, String> extra) {
        this(prompt, steps, guidance, seed, width, height, model, version, PromptSyntax.DEFAULT, extra);
    }

    public String toText() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Steps", Integer.toString(steps));
        fields.put("Sampler", SAMPLER);
        fields.put("CFG scale", formatFloat(guidance));
        fields.put("Seed", Long.toString(seed));
        fields.put("Size", width + "x" + height);
        fields.put("Model", model);
        fields.putAll(extra);
        if (promptSyntax != PromptSyntax.A1111) {
            fields.put(PROMPT_SYNTAX, promptSyntax.label());
        }
        fields.put("Version", version);
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            if (line.length() > 0) {
                line.append(", ");
            }
            line.append(field.getKey()).append(": ").append(quoteIfNeeded(field.getValue()));
        }
        return prompt + "\n" + line;
    }

    /**
     * Reads text written by {@link #toText()} or by the web UI (a "Negative prompt:" line is skipped: LCM has no
     * negative prompt). Fields this pipeline does not use are ignored.
     *
     * @throws IllegalArgumentException when a field this pipeline uses is missing or malformed
     */
    public static GenerationParameters parse(String text) {
        String normalized = text.replace("\r\n", "\n");
        int lastBreak = normalized.lastIndexOf('\n');
        if (lastBreak < 0) {
            throw new IllegalArgumentException("no parameter line: expected the prompt, then a line with 'Steps: …'");
        }
        String promptPart = normalized.substring(0, lastBreak);
        int negative = promptPart.indexOf("\nNegative prompt:");
        if (negative >= 0) {
            promptPart = promptPart.substring(0, negative);
        }
        Map<String, String> fields = parseFields(normalized.substring(lastBreak + 1));
        String size = require(fields, "Size");
        int x = size.indexOf('x');
        if (x < 0) {
            throw new IllegalArgumentException("Size must look like 512x512, got " + size);
        }
        Map<String, String> extra = new LinkedHashMap<>(fields);
        extra.keySet().removeAll(STANDARD);
        return new GenerationParameters(promptPart,
                Integer.parseInt(require(fields, "Steps")),
                Float.parseFloat(require(fields, "CFG scale")),
                Long.parseLong(require(fields, "Seed")),
                Integer.parseInt(size.substring(0, x).trim()),
                Integer.parseInt(size.substring(x + 1).trim()),
                fields.getOrDefault("Model", ""),
                fields.getOrDefault("Version", ""),
                fields.containsKey(PROMPT_SYNTAX) ? PromptSyntax.parse(fields.get(PROMPT_SYNTAX)) : PromptSyntax.A1111,
                extra);
    }

    private static String require(Map<String, String> fields, String key) {
        String value = fields.get(key);
        if (value == null) {
            throw new IllegalArgumentException("the parameter line has no '" + key + "'");
        }
        return value;
    }

    private static Map<String, String> parseFields(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        int i = 0;
        while (i < line.length()) {
            int colon = line.indexOf(": ", i);
            if (colon < 0) {
                break;
            }
            String key = line.substring(i, colon).trim();
            int start = colon + 2;
            String value;
            if (start < line.length() && line.charAt(start) == '"') {
                StringBuilder unquoted = new StringBuilder();
                int j = start + 1;
                while (j < line.length() && line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\' && j + 1 < line.length()) {
                        j++;
                        c = line.charAt(j);
                        c = c == 'n' ? '\n' : c;
                    }
                    unquoted.append(c);
                    j++;
                }
                value = unquoted.toString();
                int comma = line.indexOf(", ", j);
                i = comma < 0 ? line.length() : comma + 2;
            } else {
                int comma = line.indexOf(", ", start);
                value = line.substring(start, comma < 0 ? line.length() : comma);
                i = comma < 0 ? line.length() : comma + 2;
            }
            fields.put(key, value);
        }
        return fields;
    }

    private static String quoteIfNeeded(String value) {
        if (!value.contains(",") && !value.contains(":") && !value.contains("\"") && !value.contains("\n")) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    /** Python's repr of a strength (0.5, 0.55, 1.0), as the web UI prints {@code Denoising strength}. */
    public static String formatStrength(double value) {
        String text = Double.toString(value);
        return text.contains("E") ? String.format(Locale.ROOT, "%.6f", value) : text;
    }

    /** "8.0", "8.5", "7.25": Python's repr for the float values people type, as the web UI prints them. */
    static String formatFloat(float value) {
        String text = Float.toString(value);
        return text.contains("E") ? String.format(Locale.ROOT, "%.6f", value) : text;
    }
}
