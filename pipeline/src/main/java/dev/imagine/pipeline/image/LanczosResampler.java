package dev.imagine.pipeline.image;

/**
 * Pillow's {@code Image.resize(size, Image.LANCZOS)} for 8-bit RGB, reproduced to the bit: diffusers' image
 * processor resizes every picture it is given this way, so the pixels that reach the VAE encoder are the same.
 *
 * <p>Pillow (Resample.c) resamples in two separable passes, horizontal then vertical, each rounded to 8 bits. Each
 * output pixel's weights come from the truncated sinc {@code sinc(x) * sinc(x / 3)} (support 3, stretched by the
 * scale when shrinking), normalized to sum 1, then turned into fixed-point integers with 22 fractional bits; the
 * sum starts at one half and is shifted back and clamped to [0, 255]. A pass whose size does not change is skipped.
 */
public final class LanczosResampler {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 3.0;

    private LanczosResampler() {
    }

    /**
     * @param rgb interleaved RGB bytes, {@code width * height * 3}
     * @return the resized picture, {@code newWidth * newHeight * 3} bytes (a copy when the size is unchanged)
     */
    public static byte[] resize(byte[] rgb, int width, int height, int newWidth, int newHeight) {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("expected " + width * height * 3 + " bytes, got " + rgb.length);
        }
        if (newWidth < 1 || newHeight < 1) {
            throw new IllegalArgumentException("cannot resize to " + newWidth + "x" + newHeight);
        }
        byte[] pixels = rgb;
        int w = width;
        if (newWidth != width) {
            pixels = horizontal(pixels, width, height, newWidth, Coefficients.of(width, newWidth));
            w = newWidth;
        }
        if (newHeight != height) {
            pixels = vertical(pixels, w, height, newHeight, Coefficients.of(height, newHeight));
        }
        return pixels == rgb ? rgb.clone() : pixels;
    }

    private static byte[] horizontal(byte[] in, int width, int height, int outWidth, Coefficients c) {
        byte[] out = new byte[outWidth * height * 3];
        for (int y = 0; y < height; y++) {
            int row = y * width * 3;
            for (int x = 0; x < outWidth; x++) {
                int first = c.first[x];
                int count = c.count[x];
                int k = x * c.size;
                int s0 = 1 << (PRECISION_BITS - 1);
                int s1 = s0;
                int s2 = s0;
                for (int i = 0; i < count; i++) {
                    int p = row + (first + i) * 3;
                    int weight = c.weights[k + i];
                    s0 += (in[p] & 0xff) * weight;
                    s1 += (in[p + 1] & 0xff) * weight;
                    s2 += (in[p + 2] & 0xff) * weight;
                }
                int o = (y * outWidth + x) * 3;
                out[o] = clip8(s0);
                out[o + 1] = clip8(s1);
                out[o + 2] = clip8(s2);
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] in, int width, int height, int outHeight, Coefficients c) {
        byte[] out = new byte[width * outHeight * 3];
        int stride = width * 3;
        for (int y = 0; y < outHeight; y++) {
            int first = c.first[y];
            int count = c.count[y];
            int k = y * c.size;
            for (int x = 0; x < width; x++) {
                int s0 = 1 << (PRECISION_BITS - 1);
                int s1 = s0;
                int s2 = s0;
                for (int i = 0; i < count; i++) {
                    int p = (first + i) * stride + x * 3;
                    int weight = c.weights[k + i];
                    s0 += (in[p] & 0xff) * weight;
                    s1 += (in[p + 1] & 0xff) * weight;
                    s2 += (in[p + 2] & 0xff) * weight;
                }
                int o = y * stride + x * 3;
                out[o] = clip8(s0);
                out[o + 1] = clip8(s1);
                out[o + 2] = clip8(s2);
            }
        }
        return out;
    }

    private static byte clip8(int sum) {
        int v = sum >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    static double lanczos(double x) {
        return -SUPPORT <= x && x < SUPPORT ? sinc(x) * sinc(x / 3) : 0.0;
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        double px = x * Math.PI;
        return StrictMath.sin(px) / px;
    }

    /** Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}, for one axis. */
    private record Coefficients(int size, int[] first, int[] count, int[] weights) {
        static Coefficients of(int inSize, int outSize) {
            // Pillow passes the box as floats: in0 = 0, in1 = inSize.
            double scale = (double) (float) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = SUPPORT * filterScale;
            int size = (int) Math.ceil(support) * 2 + 1;
            int[] first = new int[outSize];
            int[] count = new int[outSize];
            int[] weights = new int[outSize * size];
            double[] k = new double[size];
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                double ss = 1.0 / filterScale;
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
                double sum = 0.0;
                for (int x = 0; x < xmax; x++) {
                    double w = lanczos((x + xmin - center + 0.5) * ss);
                    k[x] = w;
                    sum += w;
                }
                for (int x = 0; x < xmax; x++) {
                    double w = sum != 0.0 ? k[x] / sum : k[x];
                    weights[xx * size + x] = w < 0 ? (int) (-0.5 + w * (1 << PRECISION_BITS))
                            : (int) (0.5 + w * (1 << PRECISION_BITS));
                }
                first[xx] = xmin;
                count[xx] = Math.max(xmax, 0);
            }
            return new Coefficients(size, first, count, weights);
        }
    }
}
