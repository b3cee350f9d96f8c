package dev.imagine.pipeline.safety;

import dev.imagine.pipeline.PipelineException;

/**
 * Pillow's {@code Image.resize} of an 8-bit RGB picture, reproduced bit for bit, because transformers' image
 * processors resize through Pillow and a classifier's scores depend on those exact pixels. Pillow resamples in two
 * separable passes (horizontal, then vertical), each a convolution whose filter is widened by the scale factor
 * when shrinking (so it averages instead of skipping pixels), with the weights normalised per output pixel,
 * turned into 22-bit fixed point, and each pass rounded and clipped back to 8 bits (libImaging/Resample.c of
 * Pillow 13, the version tools/reference pins).
 *
 * <p>Filters by Pillow's resample number: 1 LANCZOS, 2 BILINEAR, 3 BICUBIC, 4 BOX, 5 HAMMING. NEAREST (0) takes
 * another code path in Pillow and is not offered.
 */
final class PillowResize {
    /** 32 bits minus 8 for the pixel value minus 2 spare bits, as Pillow's PRECISION_BITS. */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PillowResize() {
    }

    /** A resampling filter: its support (half-width at scale 1) and its shape. */
    enum Filter {
        LANCZOS(1, 3.0) {
            @Override
            double weight(double x) {
                return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
            }
        },
        BILINEAR(2, 1.0) {
            @Override
            double weight(double x) {
                double a = Math.abs(x);
                return a < 1.0 ? 1.0 - a : 0.0;
            }
        },
        BICUBIC(3, 2.0) {
            @Override
            double weight(double x) {
                // Keys' cubic with a = -0.5, written as Pillow writes it so the doubles round the same way.
                final double a = -0.5;
                double t = Math.abs(x);
                if (t < 1.0) {
                    return ((a + 2.0) * t - (a + 3.0)) * t * t + 1;
                }
                if (t < 2.0) {
                    return (((t - 5) * t + 8) * t - 4) * a;
                }
                return 0.0;
            }
        },
        BOX(4, 0.5) {
            @Override
            double weight(double x) {
                return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            }
        },
        HAMMING(5, 1.0) {
            @Override
            double weight(double x) {
                double t = Math.abs(x);
                if (t == 0.0) {
                    return 1.0;
                }
                if (t >= 1.0) {
                    return 0.0;
                }
                t = t * Math.PI;
                // Pillow's constants are C floats (0.54f, 0.46f) widened to double.
                return StrictMath.sin(t) / t * (0.54f + 0.46f * StrictMath.cos(t));
            }
        };

        private final int pillowNumber;
        private final double support;

        Filter(int pillowNumber, double support) {
            this.pillowNumber = pillowNumber;
            this.support = support;
        }

        abstract double weight(double x);

        private static double sinc(double x) {
            if (x == 0.0) {
                return 1.0;
            }
            double t = x * Math.PI;
            return StrictMath.sin(t) / t;
        }

        /** The filter of Pillow's {@code Image.Resampling} value, or a refusal naming the ones offered. */
        static Filter ofPillowNumber(int number, String where) {
            for (Filter f : values()) {
                if (f.pillowNumber == number) {
                    return f;
                }
            }
            throw new PipelineException(where + ": resample " + number + " is not supported; expected 1 (LANCZOS), "
                    + "2 (BILINEAR), 3 (BICUBIC), 4 (BOX) or 5 (HAMMING)");
        }
    }

    /**
     * Resizes interleaved RGB bytes ({@code width * height * 3}, row by row) to {@code outWidth x outHeight}, as
     * {@code Image.resize((outWidth, outHeight), resample)} with the default box and no reducing gap.
     */
    static byte[] resize(byte[] rgb, int width, int height, int outWidth, int outHeight, Filter filter) {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("expected " + width * height * 3 + " bytes, got " + rgb.length);
        }
        if (outWidth < 1 || outHeight < 1) {
            throw new IllegalArgumentException("cannot resize to " + outWidth + "x" + outHeight);
        }
        byte[] image = rgb;
        // Pillow 13 shrinks the height first when the width does not shrink (less work for the second pass);
        // the passes round to 8 bits in between, so the order shows in the last bit. Pillow 12 and older always
        // went horizontal first.
        boolean verticalFirst = outWidth >= width && outHeight < height;
        if (verticalFirst) {
            image = vertical(image, width, height, outHeight, coefficients(height, outHeight, filter));
            if (outWidth != width) {
                image = horizontal(image, width, outHeight, outWidth, coefficients(width, outWidth, filter));
            }
            return image;
        }
        if (outWidth != width) {
            image = horizontal(image, width, height, outWidth, coefficients(width, outWidth, filter));
        }
        if (outHeight != height) {
            image = vertical(image, outWidth, height, outHeight, coefficients(height, outHeight, filter));
        }
        return image == rgb ? rgb.clone() : image;
    }

    /**
     * For each output position, the first input position and the fixed-point weights of the inputs it reads.
     * Pillow's precompute_coeffs and normalize_coeffs_8bpc.
     */
    record Coefficients(int[] first, int[][] weights) {
    }

    static Coefficients coefficients(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support * filterScale;
        double inverse = 1.0 / filterScale;
        int[] first = new int[outSize];
        int[][] weights = new int[outSize][];
        for (int out = 0; out < outSize; out++) {
            double center = (out + 0.5) * scale;
            // (int) truncates toward zero like C's cast; negative values are clamped to 0 right after anyway.
            int min = Math.max((int) (center - support + 0.5), 0);
            int max = Math.min((int) (center + support + 0.5), inSize) - min;
            double[] k = new double[max];
            double sum = 0.0;
            for (int x = 0; x < max; x++) {
                k[x] = filter.weight((x + min - center + 0.5) * inverse);
                sum += k[x];
            }
            int[] fixed = new int[max];
            for (int x = 0; x < max; x++) {
                double w = sum != 0.0 ? k[x] / sum : k[x];
                fixed[x] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
            }
            first[out] = min;
            weights[out] = fixed;
        }
        return new Coefficients(first, weights);
    }

    private static byte[] horizontal(byte[] in, int width, int height, int outWidth, Coefficients c) {
        byte[] out = new byte[outWidth * height * 3];
        for (int y = 0; y < height; y++) {
            int row = y * width * 3;
            int outRow = y * outWidth * 3;
            for (int x = 0; x < outWidth; x++) {
                int[] k = c.weights[x];
                int start = row + c.first[x] * 3;
                int r = 1 << (PRECISION_BITS - 1);
                int g = r;
                int b = r;
                for (int i = 0; i < k.length; i++) {
                    int p = start + i * 3;
                    r += (in[p] & 0xff) * k[i];
                    g += (in[p + 1] & 0xff) * k[i];
                    b += (in[p + 2] & 0xff) * k[i];
                }
                int o = outRow + x * 3;
                out[o] = clip8(r);
                out[o + 1] = clip8(g);
                out[o + 2] = clip8(b);
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] in, int width, int height, int outHeight, Coefficients c) {
        int stride = width * 3;
        byte[] out = new byte[stride * outHeight];
        for (int y = 0; y < outHeight; y++) {
            int[] k = c.weights[y];
            int start = c.first[y] * stride;
            for (int x = 0; x < stride; x++) {
                int sum = 1 << (PRECISION_BITS - 1);
                for (int i = 0; i < k.length; i++) {
                    sum += (in[start + i * stride + x] & 0xff) * k[i];
                }
                out[y * stride + x] = clip8(sum);
            }
        }
        return out;
    }

    private static byte clip8(int value) {
        int v = value >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
