package dev.imagine.pipeline.image;

/**
 * The EXIF orientation of a picture file (tag 0x0112 in the first IFD), read without a metadata library, and
 * applied to RGB pixels. Phones store photos as the sensor saw them and say in EXIF how to turn them; browsers
 * and Discord show them turned, so a picture must be turned before it is drawn on. Every read is bounds-checked:
 * a damaged or hostile EXIF block gives orientation 1 (as stored), never an exception.
 */
public final class ExifOrientation {
    public static final int NORMAL = 1;

    private ExifOrientation() {
    }

    /** The orientation (1-8) from a JPEG's APP1 "Exif" segment, or 1 when there is none. */
    public static int ofJpeg(byte[] b) {
        int pos = 2;
        while (pos + 4 <= b.length) {
            if ((b[pos] & 0xff) != 0xff) {
                return NORMAL;
            }
            int marker = b[pos + 1] & 0xff;
            if (marker == 0xff) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
                pos += 2;
                continue;
            }
            if (marker == 0xda || marker == 0xd9) {
                return NORMAL; // the image data starts: EXIF comes before it
            }
            int length = u16be(b, pos + 2);
            if (length < 2 || pos + 2 + length > b.length) {
                return NORMAL;
            }
            if (marker == 0xe1 && length >= 8 && startsWith(b, pos + 4, "Exif\0\0")) {
                return ofTiff(b, pos + 10, length - 8);
            }
            pos += 2 + length;
        }
        return NORMAL;
    }

    /** The orientation from a WebP's RIFF "EXIF" chunk, or 1. */
    public static int ofWebp(byte[] b) {
        int pos = 12;
        while (pos + 8 <= b.length) {
            long size = u32le(b, pos + 4);
            if (size > b.length - pos - 8) {
                return NORMAL;
            }
            if (startsWith(b, pos, "EXIF")) {
                int start = pos + 8;
                int length = (int) size;
                if (length >= 6 && startsWith(b, start, "Exif\0\0")) {
                    start += 6;
                    length -= 6;
                }
                return ofTiff(b, start, length);
            }
            pos += 8 + (int) size + (int) (size & 1);
        }
        return NORMAL;
    }

    /** The orientation from a PNG's "eXIf" chunk, or 1. */
    public static int ofPng(byte[] b) {
        int pos = 8;
        while (pos + 12 <= b.length) {
            long length = u32be(b, pos);
            if (length > b.length - pos - 12) {
                return NORMAL;
            }
            if (startsWith(b, pos + 4, "eXIf")) {
                return ofTiff(b, pos + 8, (int) length);
            }
            if (startsWith(b, pos + 4, "IEND")) {
                return NORMAL;
            }
            pos += 12 + (int) length;
        }
        return NORMAL;
    }

    /** Reads tag 0x0112 of IFD0 from a TIFF structure at {@code start}. */
    static int ofTiff(byte[] b, int start, int length) {
        if (length < 8 || start < 0 || start + length > b.length) {
            return NORMAL;
        }
        boolean little;
        if (b[start] == 'I' && b[start + 1] == 'I') {
            little = true;
        } else if (b[start] == 'M' && b[start + 1] == 'M') {
            little = false;
        } else {
            return NORMAL;
        }
        long ifd = u32(b, start + 4, little);
        if (ifd < 8 || ifd + 2 > length) {
            return NORMAL;
        }
        int entries = u16(b, start + (int) ifd, little);
        for (int i = 0; i < entries; i++) {
            int entry = start + (int) ifd + 2 + i * 12;
            if (entry + 12 > start + length) {
                return NORMAL;
            }
            if (u16(b, entry, little) == 0x0112) {
                int type = u16(b, entry + 2, little);
                int value = type == 3 ? u16(b, entry + 8, little) : (int) u32(b, entry + 8, little);
                return value >= 1 && value <= 8 ? value : NORMAL;
            }
        }
        return NORMAL;
    }

    /** Whether the orientation swaps width and height (5-8: a quarter turn). */
    public static boolean swapsSides(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    /**
     * The pixels as they are meant to be seen: orientation 2 mirrors, 3 turns half way, 4 flips, 5 transposes,
     * 6 turns a quarter clockwise, 7 transverses, 8 turns a quarter counter-clockwise.
     */
    public static byte[] apply(byte[] rgb, int width, int height, int orientation) {
        if (orientation == NORMAL || orientation < 1 || orientation > 8) {
            return rgb;
        }
        boolean swap = swapsSides(orientation);
        int outW = swap ? height : width;
        int outH = swap ? width : height;
        byte[] out = new byte[rgb.length];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = width - 1 - x; sy = y; }
                    case 3 -> { sx = width - 1 - x; sy = height - 1 - y; }
                    case 4 -> { sx = x; sy = height - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = height - 1 - x; }
                    case 7 -> { sx = width - 1 - y; sy = height - 1 - x; }
                    default -> { sx = width - 1 - y; sy = x; }
                }
                int s = (sy * width + sx) * 3;
                int o = (y * outW + x) * 3;
                out[o] = rgb[s];
                out[o + 1] = rgb[s + 1];
                out[o + 2] = rgb[s + 2];
            }
        }
        return out;
    }

    private static boolean startsWith(byte[] b, int pos, String text) {
        if (pos < 0 || pos + text.length() > b.length) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (b[pos + i] != (byte) text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int u16(byte[] b, int pos, boolean little) {
        return little ? (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 : u16be(b, pos);
    }

    private static int u16be(byte[] b, int pos) {
        return (b[pos] & 0xff) << 8 | (b[pos + 1] & 0xff);
    }

    private static long u32(byte[] b, int pos, boolean little) {
        return little ? u32le(b, pos) : u32be(b, pos);
    }

    private static long u32le(byte[] b, int pos) {
        return (b[pos] & 0xffL) | (b[pos + 1] & 0xffL) << 8 | (b[pos + 2] & 0xffL) << 16 | (b[pos + 3] & 0xffL) << 24;
    }

    private static long u32be(byte[] b, int pos) {
        return (b[pos] & 0xffL) << 24 | (b[pos + 1] & 0xffL) << 16 | (b[pos + 2] & 0xffL) << 8 | (b[pos + 3] & 0xffL);
    }
}
