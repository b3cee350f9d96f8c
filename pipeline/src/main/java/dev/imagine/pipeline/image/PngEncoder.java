package dev.imagine.pipeline.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes 8-bit RGB PNG files with text chunks. Written by hand rather than through ImageIO so that the text
 * chunks are exactly what image viewers and Civitai read: {@code tEXt} when the text is Latin-1, otherwise an
 * uncompressed UTF-8 {@code iTXt} (what AUTOMATIC1111's web UI writes through Pillow).
 */
public final class PngEncoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngEncoder() {
    }

    /**
     * @param rgb  width * height * 3 bytes, row by row
     * @param text keyword → text, written in order before the image data
     */
    public static byte[] encode(byte[] rgb, int width, int height, Map<String, String> text) {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("expected " + width * height * 3 + " bytes, got " + rgb.length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(rgb.length / 2 + 1024);
        out.writeBytes(SIGNATURE);
        byte[] header = new byte[13];
        putInt(header, 0, width);
        putInt(header, 4, height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: truecolour
        writeChunk(out, "IHDR", header);
        for (Map.Entry<String, String> entry : new LinkedHashMap<>(text).entrySet()) {
            String value = writable(entry.getValue());
            writeChunk(out, textChunkType(value), textChunk(entry.getKey(), value));
        }
        writeChunk(out, "IDAT", compress(filterRows(rgb, width, height)));
        writeChunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * The text as a PNG text chunk may carry it: the PNG specification forbids NUL in text and wants line breaks as
     * a single LF, so other control characters become spaces (and a lone surrogate U+FFFD); callers that care, such as
     * the bot's request validator, refuse them before they get here.
     */
    static String writable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        String text = value.replace("\r\n", "\n");
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (Character.isISOControl(c) && c != '\n') {
                out.append(' ');
            } else if (c <= 0xFFFF && Character.isSurrogate((char) c)) {
                out.append('\uFFFD');
            } else {
                out.appendCodePoint(c);
            }
            i += Character.charCount(c);
        }
        return out.toString();
    }

    private static String textChunkType(String value) {
        return StandardCharsets.ISO_8859_1.newEncoder().canEncode(value) ? "tEXt" : "iTXt";
    }

    private static byte[] textChunk(String keyword, String value) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(keyword.getBytes(StandardCharsets.ISO_8859_1));
        data.write(0);
        if (textChunkType(value).equals("tEXt")) {
            data.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
        } else {
            data.write(0); // not compressed
            data.write(0); // compression method
            data.write(0); // empty language tag
            data.write(0); // empty translated keyword
            data.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        }
        return data.toByteArray();
    }

    /**
     * Picks for each row the filter with the smallest sum of absolute residuals (the usual PNG heuristic); it
     * makes generated images about a third smaller than no filtering, which matters for chat uploads.
     */
    private static byte[] filterRows(byte[] rgb, int width, int height) {
        int stride = width * 3;
        byte[] out = new byte[(stride + 1) * height];
        byte[][] candidates = new byte[5][stride];
        for (int y = 0; y < height; y++) {
            int row = y * stride;
            int prev = row - stride;
            long bestScore = Long.MAX_VALUE;
            int best = 0;
            for (int filter = 0; filter < 5; filter++) {
                byte[] line = candidates[filter];
                long score = 0;
                for (int i = 0; i < stride; i++) {
                    int x = rgb[row + i] & 0xff;
                    int a = i >= 3 ? rgb[row + i - 3] & 0xff : 0;
                    int b = y > 0 ? rgb[prev + i] & 0xff : 0;
                    int c = (i >= 3 && y > 0) ? rgb[prev + i - 3] & 0xff : 0;
                    int predicted = switch (filter) {
                        case 0 -> 0;
                        case 1 -> a;
                        case 2 -> b;
                        case 3 -> (a + b) >>> 1;
                        default -> paeth(a, b, c);
                    };
                    byte residual = (byte) (x - predicted);
                    line[i] = residual;
                    score += Math.abs((int) residual);
                }
                if (score < bestScore) {
                    bestScore = score;
                    best = filter;
                }
            }
            int dst = y * (stride + 1);
            out[dst] = (byte) best;
            System.arraycopy(candidates[best], 0, out, dst + 1, stride);
        }
        return out;
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        if (pa <= pb && pa <= pc) {
            return a;
        }
        return pb <= pc ? b : c;
    }

    private static byte[] compress(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
        Deflater deflater = new Deflater(6);
        try (DeflaterOutputStream stream = new DeflaterOutputStream(out, deflater, 64 * 1024)) {
            stream.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }

    private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] length = new byte[4];
        putInt(length, 0, data.length);
        out.writeBytes(length);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        byte[] crcBytes = new byte[4];
        putInt(crcBytes, 0, (int) crc.getValue());
        out.writeBytes(crcBytes);
    }

    private static void putInt(byte[] target, int offset, int value) {
        target[offset] = (byte) (value >>> 24);
        target[offset + 1] = (byte) (value >>> 16);
        target[offset + 2] = (byte) (value >>> 8);
        target[offset + 3] = (byte) value;
    }
}
