package dev.imagine.pipeline;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Which part of a picture to redraw: one grey value (0-255) per pixel, white = redraw, black = keep. The pipeline
 * reads it as diffusers does: a pixel is redrawn when its grey value is at least 128 ({@code v / 255 >= 0.5}).
 * Immutable: the values are copied in and out.
 *
 * <p>Made from a picture ({@link #of(Picture)}, the luma of its RGB as Pillow's {@code convert("L")} computes it),
 * usually one read by {@link PictureDecoder#decodeMask}, and fitted to the source with {@link #fit}.
 */
public final class Mask {
    /** The grey value from which a pixel is redrawn (diffusers' {@code mask >= 0.5}). */
    public static final int REDRAW_FROM = 128;
    /**
     * How far a mask's proportions may differ from the picture's and still be scaled to it: 1% covers a mask drawn
     * over a smaller or larger copy of the picture, whose sides were rounded to whole pixels.
     */
    static final double PROPORTION_TOLERANCE = 0.01;

    private final byte[] grey;
    private final int width;
    private final int height;

    private Mask(byte[] grey, int width, int height) {
        this.grey = grey;
        this.width = width;
        this.height = height;
    }

    /** @param grey {@code width * height} grey values, row by row */
    public static Mask ofGrey(byte[] grey, int width, int height) {
        if (width < 1 || height < 1) {
            throw new PipelineException("a mask needs at least one pixel, got " + width + "x" + height);
        }
        if (grey.length != (long) width * height) {
            throw new PipelineException("a " + width + "x" + height + " mask has " + (long) width * height
                    + " values, got " + grey.length);
        }
        return new Mask(grey.clone(), width, height);
    }

    /**
     * The picture's luma, as Pillow's {@code convert("L")} (ITU-R 601-2 in 16-bit fixed point:
     * {@code (19595 R + 38470 G + 7471 B + 32768) >> 16}); a grey picture keeps its values.
     */
    public static Mask of(Picture picture) {
        byte[] rgb = picture.rgb();
        byte[] grey = new byte[picture.width() * picture.height()];
        for (int p = 0; p < grey.length; p++) {
            int r = rgb[p * 3] & 0xff;
            int g = rgb[p * 3 + 1] & 0xff;
            int b = rgb[p * 3 + 2] & 0xff;
            grey[p] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
        }
        return new Mask(grey, picture.width(), picture.height());
    }

    /**
     * The mask picture for a source of {@code width x height} pixels, made from a picture of the source's
     * {@code original} size: a mask of other proportions is refused (it was drawn for another picture); a mask of
     * the same proportions (within 1%) but another size is scaled with Pillow's Lanczos as diffusers scales it, in
     * its own colours first and then made grey, diffusers' order.
     *
     * @param original the source picture as it was given, before it was resized for the model
     * @throws PipelineException when the proportions differ, saying both sizes
     */
    public static Mask fit(Picture maskPicture, Picture original, int width, int height) {
        double maskRatio = (double) maskPicture.width() / maskPicture.height();
        double pictureRatio = (double) original.width() / original.height();
        if (Math.abs(maskRatio / pictureRatio - 1) > PROPORTION_TOLERANCE) {
            throw new PipelineException("the mask is " + maskPicture.width() + "x" + maskPicture.height()
                    + " but the picture is " + original.width() + "x" + original.height() + ": a mask must have the "
                    + "picture's proportions (best its size); paint it over the picture itself");
        }
        return of(maskPicture.resized(width, height));
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** A copy of the grey values. */
    public byte[] grey() {
        return grey.clone();
    }

    /** The grey value (0-255) of one pixel. */
    public int value(int x, int y) {
        return grey[y * width + x] & 0xff;
    }

    /** How many pixels are redrawn (grey value at least {@link #REDRAW_FROM}). */
    public long redrawnPixels() {
        long count = 0;
        for (byte v : grey) {
            if ((v & 0xff) >= REDRAW_FROM) {
                count++;
            }
        }
        return count;
    }

    /** True when no pixel is redrawn: the mask is black (or too dark) everywhere. */
    public boolean redrawsNothing() {
        return redrawnPixels() == 0;
    }

    /** True when every pixel is redrawn. */
    public boolean redrawsEverything() {
        return redrawnPixels() == grey.length;
    }

    /**
     * SHA-256 (hex) of the size and the values: for the cache key and the PNG's {@code Mask hash}.
     */
    public String pixelHash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(12).putInt(width).putInt(height).putInt(1).array());
            sha.update(grey);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Mask m && m.width == width && m.height == height && Arrays.equals(m.grey, grey);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(grey);
    }

    @Override
    public String toString() {
        return "Mask[" + width + "x" + height + ", " + redrawnPixels() + " pixels redrawn]";
    }
}
