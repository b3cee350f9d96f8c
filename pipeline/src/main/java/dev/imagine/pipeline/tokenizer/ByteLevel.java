package dev.imagine.pipeline.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Undoes the byte-to-unicode mapping of byte-level BPE (GPT-2, CLIP): printable Latin-1 bytes stand for
 * themselves, the other 68 bytes for the characters from U+0100 on, in byte order.
 */
final class ByteLevel {
    private static final int[] BYTE_OF_CHAR = new int[256 + 68];

    static {
        java.util.Arrays.fill(BYTE_OF_CHAR, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_OF_CHAR[printable ? b : next++] = b;
        }
    }

    private ByteLevel() {
    }

    /** The UTF-8 text the mapped characters stand for; characters outside the mapping are kept as they are. */
    static String decode(String mapped) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < mapped.length(); ) {
            int cp = mapped.codePointAt(i);
            i += Character.charCount(cp);
            int b = cp < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[cp] : -1;
            if (b >= 0) {
                bytes.write(b);
            } else {
                bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
