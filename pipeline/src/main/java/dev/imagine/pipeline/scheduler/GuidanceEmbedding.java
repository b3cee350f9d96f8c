package dev.imagine.pipeline.scheduler;

import dev.imagine.pipeline.PipelineException;

/**
 * The guidance-scale embedding that LCM-distilled UNets take as {@code timestep_cond} (diffusers'
 * {@code get_guidance_scale_embedding}): sinusoids of {@code 1000 * w}, sines first, then cosines.
 *
 * <p>diffusers' LCM pipelines pass {@code w = guidance_scale - 1}; the original community pipeline passed the scale
 * itself. {@link #embedGuidance} takes the diffusers guidance scale, {@link #embedW} takes w.
 */
public final class GuidanceEmbedding {
    /** Below this the frequency step divides by {@code dim / 2 - 1 = 0} and diffusers produces NaNs. */
    static final int MIN_DIM = 4;

    private GuidanceEmbedding() {
    }

    /** The embedding for diffusers' {@code guidance_scale}: {@code w = float32(guidanceScale - 1)}. */
    public static float[] embedGuidance(double guidanceScale, int dim) {
        return embedW(guidanceW(guidanceScale), dim);
    }

    /** {@link #embedGuidance(double, int)} repeated for each of {@code batch} images: [batch, dim], flattened. */
    public static float[] embedGuidance(double guidanceScale, int dim, int batch) {
        return repeat(embedGuidance(guidanceScale, dim), batch);
    }

    /**
     * The embedding of w itself, every operation in float32 as torch performs it.
     *
     * @param dim the UNet's {@code time_cond_proj_dim} (256 for SD1.5 LCMs); odd sizes end with one zero
     */
    public static float[] embedW(float w, int dim) {
        if (dim < MIN_DIM) {
            throw new PipelineException("Guidance embedding size " + dim + " is not accepted; expected at least "
                    + MIN_DIM + " (time_cond_proj_dim is 256 for SD1.5 LCM UNets)");
        }
        if (!Float.isFinite(w)) {
            throw new PipelineException("Guidance w = " + w + " is not accepted; expected a finite number");
        }
        int half = dim / 2;
        float scaledW = w * 1000f;
        float[] frequencies = frequencies(half);
        float[] emb = new float[dim];
        for (int k = 0; k < half; k++) {
            // The product is a float32 tensor before sin/cos see it; at arguments near 7500 that rounding moves the
            // result by up to about 5e-4, so it must not be skipped.
            float argument = scaledW * frequencies[k];
            emb[k] = (float) Math.sin(argument);
            emb[half + k] = (float) Math.cos(argument);
        }
        return emb;
    }

    /**
     * {@code exp(arange(half) * -(ln(10000) / (half - 1)))} in float32. The exponentials are correctly rounded;
     * torch's vectorised exp (MKL or Sleef) is only faithful, so an element may differ from a given torch build by one
     * ulp, which at w' = 7500 moves an embedding value by up to about 5e-4.
     */
    static float[] frequencies(int half) {
        float exponent = (float) Math.log(10000f) / (float) (half - 1);
        float negExponent = -exponent;
        float[] frequencies = new float[half];
        for (int k = 0; k < half; k++) {
            frequencies[k] = (float) Math.exp((float) k * negExponent);
        }
        return frequencies;
    }

    /** {@link #embedW(float, int)} repeated for each of {@code batch} images: [batch, dim], flattened. */
    public static float[] embedW(float w, int dim, int batch) {
        return repeat(embedW(w, dim), batch);
    }

    /** The w that diffusers derives from a guidance scale: the subtraction is a Python double, stored as float32. */
    public static float guidanceW(double guidanceScale) {
        if (!Double.isFinite(guidanceScale)) {
            throw new PipelineException("guidance_scale = " + guidanceScale + " is not accepted; expected a finite number");
        }
        return (float) (guidanceScale - 1.0);
    }

    private static float[] repeat(float[] single, int batch) {
        if (batch < 1) {
            throw new PipelineException("Batch size " + batch + " is not accepted; expected at least 1");
        }
        float[] out = new float[single.length * batch];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(single, 0, out, b * single.length, single.length);
        }
        return out;
    }
}
