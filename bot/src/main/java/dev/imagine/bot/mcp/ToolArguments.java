package dev.imagine.bot.mcp;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImagineOptions;
import dev.imagine.bot.command.PictureInput;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.job.JobIds;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A tool call's arguments read into a {@link Command}, in Imagine's own words when they cannot be: the options are
 * read by {@link ImagineOptions} as on every platform (so "steps must be a whole number from 1 to 8, got '4.5'" reads
 * the same here), and whether a value is within the person's limits is the job service's to say.
 */
final class ToolArguments {

    /** Arguments that cannot make a request; the message says what to change. */
    static final class Unusable extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message);
        }
    }

    /** The longest base64 text of one picture file: {@link RequestRules#MAX_PICTURE_BYTES} in base64. */
    static final int MAX_PICTURE_BASE64 = (int) ((RequestRules.MAX_PICTURE_BYTES + 2) / 3 * 4);

    /**
     * The largest MCP message Imagine reads: an {@code imagine} call with a picture and a mask of the largest size in
     * base64, and a megabyte for everything else.
     */
    static final int MAX_MESSAGE_BYTES = 2 * MAX_PICTURE_BASE64 + (1 << 20);

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private ToolArguments() {
    }

    /**
     * The {@code imagine} tool's arguments as a request: from words alone, from a picture (image to image), or the
     * redrawing of a picture's masked part (inpainting).
     */
    static Command imagine(Map<String, Object> arguments, Requester requester) {
        Map<String, Object> given = arguments == null ? Map.of() : arguments;
        List<String> names = new ArrayList<>(List.of(ToolSchemas.PROMPT));
        names.addAll(ImagineOptions.NAMES);
        names.addAll(List.of(ToolSchemas.IMAGE, ToolSchemas.SOURCE_JOB, ToolSchemas.SOURCE_IMAGE, ToolSchemas.MASK));
        onlyKnown(given, names);
        if (!(given.get(ToolSchemas.PROMPT) instanceof String prompt) || prompt.isBlank()) {
            throw new Unusable("prompt is required: a text that says what to draw, such as \"a lighthouse at dusk,"
                    + " oil painting\"");
        }
        ImagineOptions options = new ImagineOptions();
        for (String name : ImagineOptions.NAMES) {
            Object value = given.get(name);
            if (value != null) {
                try {
                    options.read(name, text(value));
                } catch (ImagineOptions.Unreadable e) {
                    throw new Unusable(e.getMessage());
                }
            }
        }
        Command.Imagine words = options.imagine(requester, prompt);
        PictureInput picture = picture(given);
        Object mask = given.get(ToolSchemas.MASK);
        if (picture == null) {
            if (options.hasStrength()) {
                throw new Unusable("strength says how much of a picture to change: give the picture too, as "
                        + ToolSchemas.IMAGE + " (the file in base64) or " + ToolSchemas.SOURCE_JOB
                        + " (an earlier job's id), or leave strength out");
            }
            if (mask != null) {
                throw new Unusable("mask says which part of a picture to redraw: give the picture too, as "
                        + ToolSchemas.IMAGE + " (the file in base64) or " + ToolSchemas.SOURCE_JOB
                        + " (an earlier job's id)");
            }
            return words;
        }
        Command.Imagine fromPicture = words.from(picture);
        return mask == null ? fromPicture
                : new Command.Inpaint(fromPicture, new PictureInput.Upload(file(ToolSchemas.MASK, mask)));
    }

    /** The picture to start from, as a file in base64 or as an earlier job's picture; null for none. */
    private static PictureInput picture(Map<String, Object> given) {
        Object image = given.get(ToolSchemas.IMAGE);
        Object sourceJob = given.get(ToolSchemas.SOURCE_JOB);
        Object sourceImage = given.get(ToolSchemas.SOURCE_IMAGE);
        if (image != null && sourceJob != null) {
            throw new Unusable("give the picture to start from once: as " + ToolSchemas.IMAGE + " or as "
                    + ToolSchemas.SOURCE_JOB + ", not both");
        }
        if (sourceImage != null && sourceJob == null) {
            throw new Unusable(ToolSchemas.SOURCE_IMAGE + " picks one picture of " + ToolSchemas.SOURCE_JOB
                    + ": give " + ToolSchemas.SOURCE_JOB + " too");
        }
        if (image != null) {
            return new PictureInput.Upload(file(ToolSchemas.IMAGE, image));
        }
        if (sourceJob != null) {
            return new PictureInput.OfJob(validJobId(ToolSchemas.SOURCE_JOB, sourceJob),
                    sourceImage == null ? 0 : pictureIndex(sourceImage));
        }
        return null;
    }

    /**
     * A file sent as base64: alone, or as a data URL ({@code data:image/png;base64,...}) as assistants often send
     * pictures. Line breaks and spaces are ignored; any other character outside the alphabet is refused, so that a
     * file name or a link is not read as a (broken) picture.
     */
    static byte[] file(String name, Object value) {
        if (!(value instanceof String text) || text.isBlank()) {
            throw new Unusable(name + " must be a picture file (PNG, JPEG or WebP) in base64, got "
                    + (value instanceof String ? "an empty text" : value instanceof Map ? "an object"
                    : value instanceof List ? "a list" : "'" + value + "'"));
        }
        String data = text.strip();
        if (data.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = data.indexOf(',');
            if (comma < 0 || !data.substring(0, comma).toLowerCase(java.util.Locale.ROOT).endsWith(";base64")) {
                throw new Unusable(name + " is a data URL without base64 data; send the file's bytes in base64,"
                        + " alone or as data:image/png;base64,...");
            }
            data = data.substring(comma + 1);
        }
        if (data.length() > MAX_PICTURE_BASE64 + data.length() / 76 * 2 + 2) {
            throw new Unusable(name + " is larger than " + RequestRules.MAX_PICTURE_BYTES / 1_000_000
                    + " MB; send a smaller picture (512x512 is what the model draws best)");
        }
        String compact = WHITESPACE.matcher(data).replaceAll("");
        try {
            boolean urlSafe = compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0;
            return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(compact);
        } catch (IllegalArgumentException e) {
            throw new Unusable(name + " is not base64: send the picture file's bytes in base64 (RFC 4648), alone or"
                    + " as data:image/png;base64,...; a path or a link cannot be read");
        }
    }

    private static int pictureIndex(Object value) {
        if (value instanceof Number number && !(value instanceof Double || value instanceof Float)
                || value instanceof BigDecimal decimal && decimal.stripTrailingZeros().scale() <= 0) {
            BigInteger index = new BigDecimal(value.toString()).toBigInteger();
            if (index.signum() >= 0 && index.compareTo(BigInteger.valueOf(RequestRules.MAX_COUNT)) < 0) {
                return index.intValue();
            }
        }
        throw new Unusable(ToolSchemas.SOURCE_IMAGE + " must be the number of the picture in " + ToolSchemas.SOURCE_JOB
                + ", from 0 (its first) to " + (RequestRules.MAX_COUNT - 1) + ", got '" + value + "'");
    }

    /** The job id of the tools that act on an earlier picture. */
    static String jobId(Map<String, Object> arguments) {
        Map<String, Object> given = arguments == null ? Map.of() : arguments;
        onlyKnown(given, List.of(ToolSchemas.JOB_ID));
        return validJobId(ToolSchemas.JOB_ID, given.get(ToolSchemas.JOB_ID));
    }

    private static String validJobId(String name, Object id) {
        if (!(id instanceof String text) || !JobIds.looksValid(text.strip())) {
            throw new Unusable(name + " must be the id of an earlier picture, the " + JobIds.LENGTH
                    + " letters and digits an imagine answer names after \"Job id\"" + (id == null ? ""
                    : ", got '" + id + "'"));
        }
        return text.strip();
    }

    static void none(Map<String, Object> arguments) {
        onlyKnown(arguments == null ? Map.of() : arguments, List.of());
    }

    private static void onlyKnown(Map<String, Object> given, List<String> names) {
        for (String name : given.keySet()) {
            if (!names.contains(name)) {
                throw new Unusable(names.isEmpty() ? "this tool takes no arguments, got '" + name + "'"
                        : "'" + name + "' is not an argument of this tool; the arguments are "
                        + String.join(", ", names));
            }
        }
    }

    /** A JSON value as people would type it: 7.5 as "7.5", 4 as "4", a string as it is. */
    private static String text(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Double || value instanceof Float) {
            return BigDecimal.valueOf(((Number) value).doubleValue()).toPlainString();
        }
        return value.toString();
    }
}
