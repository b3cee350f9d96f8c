package dev.imagine.pipeline.image;

/**
 * The Pillow operations that put a source picture back around an inpainted area and fill an unknown area from its
 * surroundings, reproduced to the bit on 8-bit RGB pictures and 8-bit ("L") masks:
 *
 * <ul>
 *   <li>{@link #overlay}: diffusers' {@code VaeImageProcessor.apply_overlay(mask, init, image)}, which is also
 *       AUTOMATIC1111's overlay of the source after inpainting: the source, its alpha the inverted mask, composited
 *       over the generated picture;</li>
 *   <li>{@link #fill}: AUTOMATIC1111's "fill" masked content: the known pixels premultiplied by their coverage,
 *       blurred less and less and composited one over another, so that nearby colours flow into the unknown area.</li>
 * </ul>
 *
 * <p>Both are built from Pillow's integer primitives (Paste.c, Convert.c, AlphaComposite.c): a paste through an "L"
 * mask, the conversions between RGBA and premultiplied RGBa, and {@code alpha_composite}, each with Pillow's
 * rounding.
 */
public final class PillowCompositing {
    /** A1111's fill: (blur radius, how many times the blurred layer is composited). */
    private static final int[][] FILL_PASSES = {{256, 1}, {64, 1}, {16, 2}, {4, 4}, {2, 2}, {0, 1}};

    private PillowCompositing() {
    }

    /**
     * {@code apply_overlay(mask, init, image)}: where the mask is 0 the result is {@code init} exactly, where it is
     * 255 it is {@code image}, and in between a blend with Pillow's rounding.
     *
     * @param init  the source, RGB
     * @param image the generated picture, RGB, the same size
     * @param mask  one byte per pixel, 255 = take the generated picture
     */
    public static byte[] overlay(byte[] init, byte[] image, byte[] mask, int width, int height) {
        int pixels = checkSizes(init, image, mask, width, height);
        byte[] out = new byte[pixels * 3];
        for (int p = 0; p < pixels; p++) {
            int keep = 255 - (mask[p] & 0xff);
            // init.convert("RGBA").convert("RGBa") is init itself (opaque); pasted onto transparent black
            // through the inverted mask, then converted back to RGBA (un-premultiplied).
            int[] src = unpremultiply(div255((init[p * 3] & 0xff) * keep), div255((init[p * 3 + 1] & 0xff) * keep),
                    div255((init[p * 3 + 2] & 0xff) * keep), div255(255 * keep));
            int[] dst = {image[p * 3] & 0xff, image[p * 3 + 1] & 0xff, image[p * 3 + 2] & 0xff, 255};
            int[] result = alphaComposite(dst, src);
            out[p * 3] = (byte) result[0];
            out[p * 3 + 1] = (byte) result[1];
            out[p * 3 + 2] = (byte) result[2];
        }
        return out;
    }

    /**
     * A1111's {@code fill(image, mask)}: the pixels where {@code unknown} is 255 take the colours around them;
     * where it is 0 the picture stays exactly as it is.
     *
     * @param rgb     the picture, RGB
     * @param unknown one byte per pixel, 255 = to be filled
     */
    public static byte[] fill(byte[] rgb, byte[] unknown, int width, int height) {
        int pixels = checkSizes(rgb, rgb, unknown, width, height);
        byte[] known = new byte[pixels * 4]; // premultiplied RGBa: the picture pasted through the inverted mask
        for (int p = 0; p < pixels; p++) {
            int keep = 255 - (unknown[p] & 0xff);
            for (int c = 0; c < 3; c++) {
                known[p * 4 + c] = (byte) div255((rgb[p * 3 + c] & 0xff) * keep);
            }
            known[p * 4 + 3] = (byte) div255(255 * keep);
        }
        int[] out = new int[pixels * 4]; // RGBA, transparent black
        int[] src = new int[pixels * 4];
        for (int[] pass : FILL_PASSES) {
            byte[] layer = PillowBlur.gaussian(known, width, height, 4, pass[0]);
            for (int p = 0; p < pixels; p++) {
                int o = p * 4;
                int a = layer[o + 3] & 0xff;
                for (int c = 0; c < 3; c++) {
                    int v = layer[o + c] & 0xff;
                    src[o + c] = a == 0 || a == 255 ? v : Math.min(255 * v / a, 255);
                }
                src[o + 3] = a;
            }
            for (int times = 0; times < pass[1]; times++) {
                for (int o = 0; o < out.length; o += 4) {
                    compositeInPlace(out, src, o);
                }
            }
        }
        byte[] filled = new byte[pixels * 3];
        for (int p = 0; p < pixels; p++) {
            for (int c = 0; c < 3; c++) {
                filled[p * 3 + c] = (byte) out[p * 4 + c];
            }
        }
        return filled;
    }

    /** Pillow's {@code DIV255}: {@code (a + 128 + ((a + 128) >> 8)) >> 8}, the rounded quotient by 255. */
    static int div255(int a) {
        int t = a + 128;
        return ((t >> 8) + t) >> 8;
    }

    /** Pillow's RGBa to RGBA ({@code rgba2rgbA}): colours divided by alpha, truncated and clipped. */
    static int[] unpremultiply(int r, int g, int b, int a) {
        if (a == 0 || a == 255) {
            return new int[] {r, g, b, a};
        }
        return new int[] {Math.min(255 * r / a, 255), Math.min(255 * g / a, 255), Math.min(255 * b / a, 255), a};
    }

    /** Pillow's {@code ImagingAlphaComposite} of one RGBA pixel {@code src} over {@code dst}. */
    static int[] alphaComposite(int[] dst, int[] src) {
        int srcAlpha = src[3];
        if (srcAlpha == 0) {
            return dst.clone();
        }
        long blend = (long) dst[3] * (255 - srcAlpha);
        long outAlpha255 = srcAlpha * 255L + blend;
        long coef1 = srcAlpha * 255L * 255L * 128L / outAlpha255;
        long coef2 = 255L * 128L - coef1;
        int[] out = new int[4];
        for (int c = 0; c < 3; c++) {
            long tmp = src[c] * coef1 + dst[c] * coef2 + (0x80L << 7);
            out[c] = (int) ((((tmp >> 8) + tmp) >> 8) >> 7);
        }
        long alpha = outAlpha255 + 0x80;
        out[3] = (int) (((alpha >> 8) + alpha) >> 8);
        return out;
    }

    /** {@link #alphaComposite} of {@code src[o..o+3]} over {@code dst[o..o+3]}, written into {@code dst}. */
    private static void compositeInPlace(int[] dst, int[] src, int o) {
        int srcAlpha = src[o + 3];
        if (srcAlpha == 0) {
            return;
        }
        long blend = (long) dst[o + 3] * (255 - srcAlpha);
        long outAlpha255 = srcAlpha * 255L + blend;
        long coef1 = srcAlpha * 255L * 255L * 128L / outAlpha255;
        long coef2 = 255L * 128L - coef1;
        for (int c = 0; c < 3; c++) {
            long tmp = src[o + c] * coef1 + dst[o + c] * coef2 + (0x80L << 7);
            dst[o + c] = (int) ((((tmp >> 8) + tmp) >> 8) >> 7);
        }
        long alpha = outAlpha255 + 0x80;
        dst[o + 3] = (int) (((alpha >> 8) + alpha) >> 8);
    }

    private static int checkSizes(byte[] a, byte[] b, byte[] mask, int width, int height) {
        int pixels = width * height;
        if (a.length != pixels * 3 || b.length != pixels * 3 || mask.length != pixels) {
            throw new IllegalArgumentException("expected " + pixels * 3 + " RGB bytes and a " + pixels
                    + "-byte mask for " + width + "x" + height + ", got " + a.length + ", " + b.length + " and "
                    + mask.length);
        }
        return pixels;
    }
}
