package dev.imagine.pipeline.scheduler;

import dev.imagine.pipeline.PipelineException;

/**
 * The random stream of {@code torch.Generator("cpu").manual_seed(seed)}, so that a Java run draws the same initial
 * latents and the same per-step LCM noise as a diffusers reference run that was given such a generator.
 *
 * <p>Seeding follows ATen: Python's {@code manual_seed} accepts any integer in [-2^63, 2^64) and reinterprets a
 * negative one as its 64-bit two's complement, which is exactly the bits of a Java {@code long}. The MT19937 engine
 * ({@code at::mt19937}) then uses only the low 32 bits of that value, so seeds that agree modulo 2^32 (0, 2^32, -2^32
 * ...) give the same stream; {@link #initialSeed()} still reports the full 64-bit value, as {@code initial_seed()}
 * does.
 *
 * <p>Not thread-safe: one generator belongs to one generation.
 */
public final class TorchGenerator {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    /** torch fills float tensors of at least this many contiguous elements with the 16-wide Box-Muller kernel. */
    static final int VECTOR_FILL_MIN = 16;

    private static final float TWO_POW_MINUS_24 = 0x1.0p-24f;
    private static final double TWO_POW_MINUS_53 = 0x1.0p-53;
    private static final long MASK_53 = (1L << 53) - 1;

    private final int[] state = new int[N];
    private int left;
    private int next;
    private long initialSeed;
    // ATen's scalar normal path produces values in pairs and parks the second one in the generator (shared by later
    // calls), so it is part of the stream state; the vectorised fill neither reads nor clears it.
    private boolean hasCachedNormal;
    private double cachedNormal;

    public TorchGenerator(long seed) {
        manualSeed(seed);
    }

    /** Re-seeds in place, like {@code generator.manual_seed(seed)}; this also drops the cached normal value. */
    public void manualSeed(long seed) {
        initialSeed = seed;
        state[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            int previous = state[i - 1];
            state[i] = 1812433253 * (previous ^ (previous >>> 30)) + i;
        }
        left = 1;
        next = 0;
        hasCachedNormal = false;
        cachedNormal = 0;
    }

    /** The seed as given, all 64 bits (Python shows a negative seed as this value plus 2^64). */
    public long initialSeed() {
        return initialSeed;
    }

    /** One raw 32-bit MT19937 output, as an unsigned value in [0, 2^32). */
    public long random() {
        return Integer.toUnsignedLong(nextInt());
    }

    /** ATen's {@code random64()}: the first 32-bit output is the high half. */
    public long random64() {
        long high = Integer.toUnsignedLong(nextInt());
        long low = Integer.toUnsignedLong(nextInt());
        return (high << 32) | low;
    }

    /** {@code torch.rand(n, generator=g)} for float32: 24 random bits per element, so values lie in [0, 1). */
    public float[] rand(int n) {
        float[] out = new float[checkCount(n)];
        for (int i = 0; i < n; i++) {
            out[i] = nextUniformFloat();
        }
        return out;
    }

    /** {@code torch.randn(n, generator=g)} for a contiguous float32 tensor of n elements. */
    public float[] randn(int n) {
        float[] out = new float[checkCount(n)];
        randn(out);
        return out;
    }

    /** Fills {@code out} as {@code torch.randn(out.length, generator=g)} would. */
    public void randn(float[] out) {
        if (out.length >= VECTOR_FILL_MIN) {
            normalFill(out);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) nextNormalDouble();
            }
        }
    }

    /*
     * ATen normal_fill: every element first receives a uniform, then each block of 16 becomes 8 Box-Muller pairs
     * (element j and j+8). A ragged tail is not handled with a shorter block: 16 fresh uniforms overwrite the last 16
     * slots (partly already finished values) and that block is transformed again.
     *
     * This is the portable scalar kernel. x86 builds with AVX2 run a vector variant with Cephes-style log/sincos and a
     * float 2*pi; it agrees with this one to an ulp or two per element, not bit for bit.
     */
    private void normalFill(float[] data) {
        int size = data.length;
        for (int i = 0; i < size; i++) {
            data[i] = nextUniformFloat();
        }
        for (int offset = 0; offset + 16 <= size; offset += 16) {
            boxMuller16(data, offset);
        }
        if (size % 16 != 0) {
            int offset = size - 16;
            for (int i = 0; i < 16; i++) {
                data[offset + i] = nextUniformFloat();
            }
            boxMuller16(data, offset);
        }
    }

    private static void boxMuller16(float[] data, int offset) {
        for (int j = 0; j < 8; j++) {
            // 1 - u maps [0, 1) to (0, 1] so the log is finite.
            float u1 = 1f - data[offset + j];
            float u2 = data[offset + j + 8];
            // The C++ kernel calls the float overloads of log/sqrt/cos/sin; rounding the double result gives the
            // correctly rounded float, which is what glibc's float functions return in all but rare cases.
            float radius = (float) Math.sqrt(-2f * (float) Math.log(u1));
            // theta is computed in double (2.0f * pi<double> * u2) and only then stored as a float.
            float theta = (float) (2.0 * Math.PI * u2);
            data[offset + j] = radius * (float) Math.cos(theta);
            data[offset + j + 8] = radius * (float) Math.sin(theta);
        }
    }

    /*
     * ATen normal_distribution<double>, used for fewer than 16 elements: two 53-bit uniforms from random64(); u1 sets
     * the angle and u2 the radius (the reverse of normal_fill); cos is returned and sin is cached for the next draw.
     */
    private double nextNormalDouble() {
        if (hasCachedNormal) {
            hasCachedNormal = false;
            return cachedNormal;
        }
        double u1 = nextUniformDouble();
        double u2 = nextUniformDouble();
        double r = Math.sqrt(-2.0 * Math.log1p(-u2));
        double theta = 2.0 * Math.PI * u1;
        cachedNormal = r * Math.sin(theta);
        hasCachedNormal = true;
        return r * Math.cos(theta);
    }

    private float nextUniformFloat() {
        return (nextInt() & 0xFFFFFF) * TWO_POW_MINUS_24;
    }

    private double nextUniformDouble() {
        return (random64() & MASK_53) * TWO_POW_MINUS_53;
    }

    private int nextInt() {
        if (--left == 0) {
            regenerate();
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    private void regenerate() {
        for (int k = 0; k < N; k++) {
            int mixed = (state[k] & UPPER_MASK) | (state[(k + 1) % N] & LOWER_MASK);
            int twisted = (mixed >>> 1) ^ ((state[(k + 1) % N] & 1) != 0 ? MATRIX_A : 0);
            state[k] = state[(k + M) % N] ^ twisted;
        }
        left = N;
        next = 0;
    }

    private static int checkCount(int n) {
        if (n < 0) {
            throw new PipelineException("Random tensor size " + n + " is negative; expected 0 or more elements");
        }
        return n;
    }
}
