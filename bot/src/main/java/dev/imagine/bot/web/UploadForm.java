package dev.imagine.bot.web;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImagineOptions;
import dev.imagine.bot.command.PictureInput;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.command.Requester;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code POST /api/jobs} as {@code multipart/form-data}: a picture of one's own to start from (the file field
 * {@code image}, as a browser form or {@code curl -F image=@photo.jpg} sends it) and the request's other fields as text
 * fields with the JSON body's names ({@code prompt}, {@code strength}, {@code seed}…). Only the form is read here; what
 * the picture is (PNG, JPEG or WebP, its size) is the job service's to say, in the same words on every platform.
 *
 * @param fields  the text fields, as the JSON body would give them
 * @param picture the uploaded file, unread
 */
record UploadForm(Submission fields, PictureInput.Upload picture, PictureInput.Upload mask) {
    static final String IMAGE = "image";
    /** The file field of a mask to inpaint with (white = redraw), over {@code image} or {@code sourceJob}'s picture. */
    static final String MASK = "mask";
    /** The text fields under a part, and what they hold at most. */
    static final int MAX_FIELD = Request.MAX_BODY;
    /**
     * How the servlet reads such bodies: all in memory (no temporary files), a file part of at most the largest
     * picture accepted, the whole body that and the text fields.
     */
    static final MultipartConfigElement CONFIG = new MultipartConfigElement("", RequestRules.MAX_PICTURE_BYTES,
            RequestRules.MAX_PICTURE_BYTES + 16L * MAX_FIELD, (int) (RequestRules.MAX_PICTURE_BYTES + 16L * MAX_FIELD));

    /** /imagine from the uploaded picture, or with a mask inpainting (over the upload or sourceJob's picture). */
    Command command(Requester requester) {
        Command.Imagine imagine = fields.command(requester, picture);
        return mask == null ? imagine : new Command.Inpaint(imagine, mask);
    }

    static boolean isOne(Request request) {
        String type = request.http.getContentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    /** Reads the parts; a missing picture, an unknown or repeated field, or a body too large is a 4xx naming it. */
    static UploadForm read(Request request) throws IOException {
        Collection<Part> parts;
        try {
            parts = request.http.getParts();
        } catch (ServletException | RuntimeException e) {
            if (tooLarge(e)) {
                throw new Request.Failure(413, "the upload is larger than " + RequestRules.MAX_PICTURE_BYTES / 1_000_000
                        + " MB; send a smaller picture (for example as JPEG)");
            }
            throw new Request.Failure(400, "the multipart body cannot be read (" + e.getMessage() + "); send it as"
                    + " multipart/form-data with a file field named image");
        }
        Map<String, String> text = new HashMap<>();
        byte[] image = null;
        byte[] mask = null;
        for (Part part : parts) {
            String name = part.getName();
            boolean known = name.equals(IMAGE) || name.equals(MASK) || Submission.FIELDS.containsKey(name);
            if (!known) {
                throw new Request.Failure(400, "unknown field " + name + "; the fields are " + IMAGE + " (the picture),"
                        + " " + MASK + " (a mask to inpaint with) and " + String.join(", ", new TreeSet<>(Submission.FIELDS.keySet())));
            }
            if ((name.equals(IMAGE) && image != null) || (name.equals(MASK) && mask != null)
                    || text.containsKey(name)) {
                throw new Request.Failure(400, "the field " + name + " is given twice; give it once");
            }
            try (InputStream in = part.getInputStream()) {
                if (name.equals(IMAGE)) {
                    image = in.readNBytes((int) RequestRules.MAX_PICTURE_BYTES + 1);
                } else if (name.equals(MASK)) {
                    mask = in.readNBytes((int) RequestRules.MAX_PICTURE_BYTES + 1);
                } else {
                    byte[] value = in.readNBytes(MAX_FIELD + 1);
                    if (value.length > MAX_FIELD) {
                        throw new Request.Failure(413, "the field " + name + " is longer than " + MAX_FIELD + " bytes");
                    }
                    text.put(name, new String(value, StandardCharsets.UTF_8));
                }
            }
        }
        if (image == null && mask == null) {
            throw new Request.Failure(400, "a multipart request needs the picture as a file field named image (for"
                    + " example curl -F image=@photo.jpg -F prompt=...); to start from an earlier job's picture send"
                    + " JSON with sourceJob instead");
        }
        if (image == null && text.get("sourceJob") == null) {
            throw new Request.Failure(400, "a mask paints over a picture: add it as the file field image, or name an"
                    + " earlier job's with sourceJob");
        }
        if (image != null && text.containsKey("sourceJob")) {
            throw new Request.Failure(400, "give either an uploaded image or sourceJob, not both");
        }
        return new UploadForm(submission(text), image == null ? null : new PictureInput.Upload(image),
                mask == null ? null : new PictureInput.Upload(mask));
    }

    /**
     * Jetty says a part or the body went over the limits with an {@link IllegalStateException}, thrown as it is or
     * wrapped (in a {@code BadMessageException} "bad multipart" inside a {@link ServletException}) depending on when
     * the parser met the limit.
     */
    private static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalStateException) {
                return true;
            }
        }
        return false;
    }

    /** The text fields as the JSON body's values; a number that is not one is a 400 naming the field. */
    private static Submission submission(Map<String, String> text) {
        return new Submission(text.get("prompt"), whole(text, ImagineOptions.SEED, Long::valueOf),
                whole(text, ImagineOptions.STEPS, Integer::valueOf), text.get(ImagineOptions.SIZE),
                whole(text, "width", Integer::valueOf), whole(text, "height", Integer::valueOf),
                whole(text, ImagineOptions.GUIDANCE, Float::valueOf), whole(text, ImagineOptions.COUNT, Integer::valueOf),
                text.get(ImagineOptions.DECODER), text.get("promptSyntax"),
                whole(text, ImagineOptions.STRENGTH, Double::valueOf), text.get("sourceJob"),
                whole(text, "sourceImage", Integer::valueOf), text.get("precision"));
    }

    private static <T> T whole(Map<String, String> text, String name, java.util.function.Function<String, T> parse) {
        String value = text.get(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            T parsed = parse.apply(value.strip());
            if (parsed instanceof Number number && !Double.isFinite(number.doubleValue())) {
                throw new NumberFormatException(value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new Request.Failure(400, name + " must be " + Submission.FIELDS.get(name) + ", got '"
                    + value.strip() + "'");
        }
    }
}
