package dev.imagine.pipeline.image;

/**
 * Pillow's {@code ImageFilter.GaussianBlur(radius)} for 8-bit pictures of any number of interleaved channels,
 * reproduced to the bit: diffusers' {@code VaeImageProcessor.blur} feathers masks with it, and AUTOMATIC1111's
 * "fill" spreads colours with it.
 *
 * <p>Pillow (BoxBlur.c) approximates the Gaussian by three passes of an "extended" box blur in each direction, first
 * all horizontal passes, then all vertical ones, each rounded to 8 bits. The box's radius comes from the standard
 * deviation in float32 arithmetic (Gwosdek et al., "Theoretical foundations of Gaussian convolution by extended box
 * filtering"); its integer part sums whole pixels and its fraction weighs the two pixels just outside, in 24-bit
 * fixed point. Pixels beyond the edges repeat the edge pixel.
 */
public final class PillowBlur {
    private static final int PASSES = 3;

    private PillowBlur() {
    }

    /**
     * @param pixels   {@code width * height * channels} bytes, row by row, channels interleaved
     * @param radius   the standard deviation in pixels (Pillow's {@code radius}); 0 gives a copy
     * @return the blurred picture, a new array
     */
    public static byte[] gaussian(byte[] pixels, int width, int height, int channels, double radius) {
        if (pixels.length != width * height * channels) {
            throw new IllegalArgumentException("expected " + width * height * channels + " bytes, got "
                    + pixels.length);
        }
        if (!(radius >= 0)) {
            throw new IllegalArgumentException("the blur radius must be 0 or more, got " + radius);
        }
        float boxRadius = boxRadius((float) radius, PASSES);
        byte[] out = pixels.clone();
        if (radius == 0 || boxRadius == 0f) {
            return out;
        }
        for (int pass = 0; pass < PASSES; pass++) {
            blurLines(out, width, height, channels, boxRadius, true);
        }
        for (int pass = 0; pass < PASSES; pass++) {
            blurLines(out, width, height, channels, boxRadius, false);
        }
        return out;
    }

    /**
     * {@code _gaussian_blur_radius}: the extended box radius whose {@code passes} repetitions have the Gaussian's
     * variance. Written with Pillow's float32 and double steps so that the radius is the same float.
     */
    static float boxRadius(float sigma, int passes) {
        float sigma2 = sigma * sigma / passes;
        float length = (float) Math.sqrt(12.0 * sigma2 + 1.0);
        float whole = (float) Math.floor((length - 1.0) / 2.0);
        float fraction = (2 * whole + 1) * (whole * (whole + 1) - 3 * sigma2);
        fraction /= 6 * (sigma2 - (whole + 1) * (whole + 1));
        return whole + fraction;
    }

    /** One pass over every row ({@code horizontal}) or every column, in place. */
    private static void blurLines(byte[] image, int width, int height, int channels, float floatRadius,
                                  boolean horizontal) {
        int radius = (int) floatRadius;
        // Pillow: ww = (UINT32)(1 << 24) / (floatRadius * 2 + 1), a float division truncated to an integer.
        long ww = (long) (16777216f / (floatRadius * 2 + 1));
        long fw = ((1L << 24) - (radius * 2L + 1) * ww) / 2;
        int size = horizontal ? width : height;
        int lines = horizontal ? height : width;
        int step = horizontal ? channels : width * channels;
        int[] line = new int[size];
        byte[] result = new byte[size];
        for (int l = 0; l < lines; l++) {
            for (int c = 0; c < channels; c++) {
                int start = (horizontal ? l * width * channels : l * channels) + c;
                for (int i = 0; i < size; i++) {
                    line[i] = image[start + i * step] & 0xff;
                }
                boxBlurLine(line, result, radius, ww, fw);
                for (int i = 0; i < size; i++) {
                    image[start + i * step] = result[i];
                }
            }
        }
    }

    /**
     * {@code ImagingLineBoxBlur8} on one channel of one line: a running sum of the {@code 2r + 1} whole pixels
     * (weight {@code ww}) plus the two just outside (weight {@code fw}), the edge pixels standing in beyond the ends.
     */
    static void boxBlurLine(int[] in, byte[] out, int radius, long ww, long fw) {
        int lastx = in.length - 1;
        int edgeA = Math.min(radius + 1, in.length);
        int edgeB = Math.max(in.length - radius - 1, 0);
        long acc = (long) in[0] * (radius + 1);
        for (int x = 0; x < edgeA - 1; x++) {
            acc += in[x];
        }
        acc += (long) in[lastx] * (radius - edgeA + 1);
        if (edgeA <= edgeB) {
            for (int x = 0; x < edgeA; x++) {
                acc += in[x + radius] - in[0];
                out[x] = save(acc, in[0] + in[x + radius + 1], ww, fw);
            }
            for (int x = edgeA; x < edgeB; x++) {
                acc += in[x + radius] - in[x - radius - 1];
                out[x] = save(acc, in[x - radius - 1] + in[x + radius + 1], ww, fw);
            }
            for (int x = edgeB; x <= lastx; x++) {
                acc += in[lastx] - in[x - radius - 1];
                out[x] = save(acc, in[x - radius - 1] + in[lastx], ww, fw);
            }
        } else {
            for (int x = 0; x < edgeB; x++) {
                acc += in[x + radius] - in[0];
                out[x] = save(acc, in[0] + in[x + radius + 1], ww, fw);
            }
            for (int x = edgeB; x < edgeA; x++) {
                acc += in[lastx] - in[0];
                out[x] = save(acc, in[0] + in[lastx], ww, fw);
            }
            for (int x = edgeA; x <= lastx; x++) {
                acc += in[lastx] - in[x - radius - 1];
                out[x] = save(acc, in[x - radius - 1] + in[lastx], ww, fw);
            }
        }
    }

    /** {@code (acc * ww + far * fw + 2^23) >> 24} in Pillow's unsigned 32-bit arithmetic. */
    private static byte save(long acc, int far, long ww, long fw) {
        long bulk = (acc * ww + far * fw) & 0xFFFF_FFFFL;
        return (byte) (((bulk + (1L << 23)) & 0xFFFF_FFFFL) >>> 24);
    }
}
