package dev.imagine.bot.job;

import dev.imagine.pipeline.PngParameters;
import java.util.Optional;

/**
 * The prompt a picture carries in its PNG {@code parameters} text (what Imagine, AUTOMATIC1111 and most tools write):
 * so that "Vary with Imagine" on a picture, or /imagine sent with one and no words, draws what it shows.
 */
final class PictureDescriptions {
    private PictureDescriptions() {
    }

    /** The prompt of a PNG's parameters text: the lines before {@code Negative prompt:} and the last line. */
    static Optional<String> promptOf(byte[] file) {
        if (file.length < 8 || (file[0] & 0xff) != 0x89 || file[1] != 'P' || file[2] != 'N' || file[3] != 'G') {
            return Optional.empty();
        }
        Optional<String> text;
        try {
            text = PngParameters.read(file);
        } catch (RuntimeException e) {
            return Optional.empty(); // a damaged PNG: the decoder says what is wrong with it
        }
        return text.flatMap(PictureDescriptions::promptOfText);
    }

    static Optional<String> promptOfText(String text) {
        int last = text.lastIndexOf('\n');
        if (last < 0) {
            return Optional.empty();
        }
        String prompt = text.substring(0, last);
        int negative = prompt.indexOf("\nNegative prompt:");
        if (negative >= 0) {
            prompt = prompt.substring(0, negative);
        } else if (prompt.startsWith("Negative prompt:")) {
            return Optional.empty();
        }
        return prompt.isBlank() ? Optional.empty() : Optional.of(prompt.strip());
    }
}
