package dev.imagine.bot.web;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImagineOptions;
import dev.imagine.bot.command.PictureInput;
import dev.imagine.bot.command.Precision;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.command.Requester;
import java.util.Map;

/**
 * The body of {@code POST /api/jobs}, bound strictly from JSON, and the {@link Command.Imagine} it asks for. Only the
 * form is checked here (JSON types, WIDTHxHEIGHT, full or fast, a1111 or plain), through the request options every
 * platform shares;
 * whether the values are within the person's limits is the job service's to say.
 *
 * <p>Absent or null fields take the person's defaults. {@code sourceJob} (and {@code sourceImage}) start from an earlier
 * job's picture; a picture of one's own is uploaded as {@code multipart/form-data} instead ({@link UploadForm}).
 */
record Submission(String prompt, Long seed, Integer steps, String size, Integer width, Integer height, Float guidance,
                  Integer count, String decoder, String promptSyntax, Double strength, String sourceJob,
                  Integer sourceImage, String precision) {

    private static final String SIDE = "a whole number, a multiple of " + RequestRules.SIDE_STEP + " from "
            + RequestRules.MIN_SIDE + " to " + RequestRules.MAX_SIDE;

    /** The fields and what each must be as JSON (also the words of the 400 that names a wrong one). */
    static final Map<String, String> FIELDS = Map.ofEntries(
            Map.entry("prompt", "text"),
            Map.entry(ImagineOptions.SEED, ImagineOptions.kindOf(ImagineOptions.SEED)),
            Map.entry(ImagineOptions.STEPS, ImagineOptions.kindOf(ImagineOptions.STEPS)),
            Map.entry(ImagineOptions.SIZE, "text such as \"512x768\""),
            Map.entry("width", SIDE),
            Map.entry("height", SIDE),
            Map.entry(ImagineOptions.GUIDANCE, ImagineOptions.kindOf(ImagineOptions.GUIDANCE)),
            Map.entry(ImagineOptions.COUNT, ImagineOptions.kindOf(ImagineOptions.COUNT)),
            Map.entry(ImagineOptions.DECODER, "\"full\" or \"fast\""),
            Map.entry("promptSyntax", "\"a1111\" or \"plain\""),
            Map.entry(ImagineOptions.STRENGTH, "a number above 0 and at most 1"),
            Map.entry("sourceJob", "the id of an earlier job whose picture to start from"),
            Map.entry("sourceImage", "a whole number: which picture of sourceJob (0 for the first)"),
            Map.entry("precision", "\"fp32\" or \"int8\": the UNet to draw with, when /api/info lists both in"
                    + " precisions"));
    static final String EXAMPLE = "{\"prompt\": \"a lighthouse at dusk\"}";

    /**
     * The command. The values go through the request options like a chat's text (a JSON number as its digits); a
     * value of the right JSON type but the wrong form is a 400 that names it.
     */
    Command.Imagine command(Requester requester) {
        return command(requester, null);
    }

    /**
     * The command with {@code picture} (a multipart upload, {@link UploadForm}) to start from; null for none. A
     * picture comes either uploaded or from an earlier job ({@code sourceJob}), and a strength only with one.
     */
    Command.Imagine command(Requester requester, PictureInput.Upload picture) {
        String sizeText = blankToNull(size);
        if (sizeText != null && (width != null || height != null)) {
            throw new Request.Failure(400, "give either size or width and height, not both");
        }
        if (sizeText == null && (width != null || height != null)) {
            if (width == null || height == null) {
                throw new Request.Failure(400, "give both width and height, or size such as \"512x768\"");
            }
            sizeText = width + "x" + height;
        }
        ImagineOptions options = new ImagineOptions();
        try {
            read(options, ImagineOptions.SEED, seed);
            read(options, ImagineOptions.STEPS, steps);
            read(options, ImagineOptions.SIZE, sizeText);
            read(options, ImagineOptions.GUIDANCE, guidance);
            read(options, ImagineOptions.COUNT, count);
            read(options, ImagineOptions.DECODER, blankToNull(decoder));
            read(options, ImagineOptions.PROMPT_SYNTAX, blankToNull(promptSyntax));
            read(options, ImagineOptions.STRENGTH, strength);
        } catch (ImagineOptions.Unreadable e) {
            throw new Request.Failure(400, e.getMessage());
        }
        Command.Imagine command = options.imagine(requester, prompt).withPrecision(unetPrecision());
        String from = blankToNull(sourceJob);
        if (from == null) {
            if (sourceImage != null) {
                throw new Request.Failure(400, "sourceImage picks a picture of sourceJob: give sourceJob too");
            }
            if (strength != null && picture == null) {
                throw new Request.Failure(400, "strength is for a picture to start from: upload one (multipart field"
                        + " image) or name an earlier job's with sourceJob");
            }
            return picture == null ? command : command.from(picture);
        }
        if (picture != null) {
            throw new Request.Failure(400, "give either an uploaded image or sourceJob, not both");
        }
        return command.from(new PictureInput.OfJob(from, sourceImage == null ? 0 : sourceImage));
    }


    /** The UNet asked for; null (absent or blank) for the configured one. Whether it is loaded is the engine's. */
    private Precision unetPrecision() {
        String text = blankToNull(precision);
        if (text == null) {
            return null;
        }
        try {
            return Precision.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Request.Failure(400, "precision must be \"fp32\" or \"int8\", got '" + text + "'");
        }
    }

    private static void read(ImagineOptions options, String name, Object value) {
        if (value != null) {
            options.read(name, value.toString());
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
