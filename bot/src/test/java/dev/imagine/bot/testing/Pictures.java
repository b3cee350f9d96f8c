package dev.imagine.bot.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Picture files people send, made in memory: photos of a size, and files Imagine must refuse. */
public final class Pictures {
    private Pictures() {
    }

    /** A smooth RGB picture (a gradient, like a photo's sky) as PNG. */
    public static byte[] png(int width, int height) {
        return encode(gradient(width, height), "png");
    }

    /** The same kind of picture as JPEG. */
    public static byte[] jpeg(int width, int height) {
        return encode(gradient(width, height), "jpeg");
    }

    /** A GIF, which Imagine does not accept. */
    public static byte[] gif() {
        return encode(gradient(16, 16), "gif");
    }

    /**
     * A PNG of a few hundred bytes whose header claims {@code width} x {@code height} pixels: a decompression bomb
     * that must be refused before anything is allocated.
     */
    public static byte[] pngClaiming(int width, int height) {
        byte[] real = png(16, 16);
        // The IHDR chunk follows the 8-byte signature: length, "IHDR", width, height, ...; its CRC covers type+data.
        ByteBuffer buffer = ByteBuffer.wrap(real);
        buffer.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(real, 12, 17);
        buffer.putInt(29, (int) crc.getValue());
        return real;
    }

    /** A mask PNG: black (keep) with a white rectangle (redraw) from (x0, y0) to (x1, y1), exclusive. */
    public static byte[] mask(int width, int height, int x0, int y0, int x1, int y1) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                image.setRGB(x, y, 0xffffff);
            }
        }
        return encode(image, "png");
    }

    private static BufferedImage gradient(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | 0x60);
            }
        }
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
