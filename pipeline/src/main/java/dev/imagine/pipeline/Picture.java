package dev.imagine.pipeline;

import dev.imagine.pipeline.image.LanczosResampler;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A picture ready for the pipeline: 8-bit RGB, row by row, already oriented, with no alpha (see
 * {@link PictureDecoder}). Immutable: the pixels are copied in and out.
 */
public final class Picture {
    private final byte[] rgb;
    private final int width;
    private final int height;

    private Picture(byte[] rgb, int width, int height) {
        this.rgb = rgb;
        this.width = width;
        this.height = height;
    }

    /** @param rgb {@code width * height * 3} bytes: red, green, blue of each pixel, row by row */
    public static Picture ofRgb(byte[] rgb, int width, int height) {
        if (width < 1 || height < 1) {
            throw new PipelineException("a picture needs at least one pixel, got " + width + "x" + height);
        }
        if (rgb.length != (long) width * height * 3) {
            throw new PipelineException("a " + width + "x" + height + " RGB picture has " + (long) width * height * 3
                    + " bytes, got " + rgb.length);
        }
        return new Picture(rgb.clone(), width, height);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** A copy of the pixels. */
    public byte[] rgb() {
        return rgb.clone();
    }

    /** The red, green or blue value (0-255) of one pixel. */
    public int channel(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }

    /** Resized exactly as Pillow's {@code Image.resize(size, LANCZOS)} (diffusers' preprocessing); this when equal. */
    public Picture resized(int newWidth, int newHeight) {
        if (newWidth == width && newHeight == height) {
            return this;
        }
        return new Picture(LanczosResampler.resize(rgb, width, height, newWidth, newHeight), newWidth, newHeight);
    }

    /** The rectangle at ({@code x}, {@code y}) of the given size. */
    public Picture crop(int x, int y, int cropWidth, int cropHeight) {
        if (x < 0 || y < 0 || cropWidth < 1 || cropHeight < 1 || x + cropWidth > width || y + cropHeight > height) {
            throw new PipelineException("cannot crop " + cropWidth + "x" + cropHeight + " at " + x + "," + y + " from a "
                    + width + "x" + height + " picture");
        }
        byte[] out = new byte[cropWidth * cropHeight * 3];
        for (int row = 0; row < cropHeight; row++) {
            System.arraycopy(rgb, ((y + row) * width + x) * 3, out, row * cropWidth * 3, cropWidth * 3);
        }
        return new Picture(out, cropWidth, cropHeight);
    }

    /**
     * SHA-256 (hex) of the size and the pixels: two pictures with the same hash draw the same. The input to the
     * cache key and to the PNG's {@code Init image hash}.
     */
    public String pixelHash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(8).putInt(width).putInt(height).array());
            sha.update(rgb);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Picture p && p.width == width && p.height == height && Arrays.equals(p.rgb, rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "Picture[" + width + "x" + height + "]";
    }
}
