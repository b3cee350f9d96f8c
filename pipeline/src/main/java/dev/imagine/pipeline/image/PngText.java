package dev.imagine.pipeline.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** Reads the text chunks (tEXt, iTXt, zTXt) of a PNG file, to replay an image from the file alone. */
public final class PngText {
    /**
     * The most a compressed text may expand to: far more than any parameters text (a prompt is at most 100,000
     * characters), far less than a "zip bomb" chunk would make of a small file (64 KB of zTXt expands to 64 MB).
     */
    static final int MAX_INFLATED = 1 << 20;

    private PngText() {
    }

    public static Map<String, String> read(byte[] png) {
        ByteBuffer buffer = ByteBuffer.wrap(png);
        if (png.length < 8 || buffer.getLong() != 0x89504E470D0A1A0AL) {
            throw new IllegalArgumentException("not a PNG file");
        }
        Map<String, String> texts = new LinkedHashMap<>();
        while (buffer.remaining() >= 12) {
            int length = buffer.getInt();
            byte[] typeBytes = new byte[4];
            buffer.get(typeBytes);
            String type = new String(typeBytes, StandardCharsets.US_ASCII);
            if (length < 0 || length > buffer.remaining() - 4) {
                throw new IllegalArgumentException("truncated PNG chunk " + type);
            }
            byte[] data = new byte[length];
            buffer.get(data);
            buffer.getInt(); // CRC
            switch (type) {
                case "tEXt" -> putLatin1(texts, data);
                case "iTXt" -> putInternational(texts, data);
                case "zTXt" -> putCompressed(texts, data);
                case "IEND" -> {
                    return texts;
                }
                default -> { }
            }
        }
        return texts;
    }

    private static int nul(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("malformed PNG text chunk");
    }

    private static void putLatin1(Map<String, String> texts, byte[] data) {
        int end = nul(data, 0);
        texts.put(new String(data, 0, end, StandardCharsets.ISO_8859_1),
                new String(data, end + 1, data.length - end - 1, StandardCharsets.ISO_8859_1));
    }

    private static void putCompressed(Map<String, String> texts, byte[] data) {
        int end = nul(data, 0);
        if (end + 2 > data.length) {
            throw new IllegalArgumentException("malformed PNG zTXt chunk: no compression method");
        }
        byte[] compressed = java.util.Arrays.copyOfRange(data, end + 2, data.length);
        texts.put(new String(data, 0, end, StandardCharsets.ISO_8859_1),
                new String(inflate(compressed), StandardCharsets.ISO_8859_1));
    }

    private static void putInternational(Map<String, String> texts, byte[] data) {
        int keywordEnd = nul(data, 0);
        if (keywordEnd + 3 > data.length) {
            throw new IllegalArgumentException("malformed PNG iTXt chunk: no compression flag and method");
        }
        boolean compressed = data[keywordEnd + 1] != 0;
        int languageEnd = nul(data, keywordEnd + 3);
        int translatedEnd = nul(data, languageEnd + 1);
        byte[] text = java.util.Arrays.copyOfRange(data, translatedEnd + 1, data.length);
        texts.put(new String(data, 0, keywordEnd, StandardCharsets.ISO_8859_1),
                new String(compressed ? inflate(text) : text, StandardCharsets.UTF_8));
    }

    private static byte[] inflate(byte[] data) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(chunk, 0, n);
                if (out.size() > MAX_INFLATED) {
                    throw new IllegalArgumentException("compressed PNG text expands beyond " + (MAX_INFLATED >> 20)
                            + " MiB");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("corrupt compressed PNG text", e);
        } finally {
            inflater.end();
        }
    }

    /** Convenience for callers holding a file. */
    public static Map<String, String> read(java.nio.file.Path file) throws IOException {
        return read(java.nio.file.Files.readAllBytes(file));
    }
}
