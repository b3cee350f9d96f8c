package dev.imagine.pipeline.scheduler;

import java.util.List;

/**
 * The betas and cumulative alpha products of diffusers' schedulers, rounded the way torch rounds them on the CPU:
 * float32 tensors everywhere, except that {@code cumprod} of a float32 tensor accumulates in double and rounds each
 * output, and that {@code squaredcos_cap_v2} is evaluated in Python doubles before becoming a float32 tensor.
 */
final class NoiseSchedule {
    private NoiseSchedule() {
    }

    static float[] betas(LcmSchedulerConfig config) {
        int t = config.numTrainTimesteps();
        float[] betas;
        List<Double> trained = config.trainedBetas();
        if (trained != null) {
            betas = new float[t];
            for (int i = 0; i < t; i++) {
                betas[i] = trained.get(i).floatValue();
            }
        } else {
            betas = switch (config.betaSchedule()) {
                case LINEAR -> linspace(config.betaStart(), config.betaEnd(), t);
                case SCALED_LINEAR -> squared(linspace(Math.sqrt(config.betaStart()), Math.sqrt(config.betaEnd()), t));
                case SQUAREDCOS_CAP_V2 -> cosineBetas(t);
            };
        }
        return config.rescaleBetasZeroSnr() ? rescaleZeroTerminalSnr(betas) : betas;
    }

    /** {@code cumprod(1 - betas)}. */
    static float[] alphasCumprod(float[] betas) {
        float[] alphas = new float[betas.length];
        for (int i = 0; i < betas.length; i++) {
            alphas[i] = 1f - betas[i];
        }
        return cumprod(alphas);
    }

    /*
     * torch's CPU linspace for float32 (scalar path): start and end are rounded to float first, the step is a float
     * division, and the second half counts back from the end so that the last value is exactly `end`.
     */
    static float[] linspace(double startValue, double endValue, int steps) {
        float[] out = new float[steps];
        float start = (float) startValue;
        float end = (float) endValue;
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (float) (steps - 1);
        int halfway = steps / 2;
        for (int i = 0; i < steps; i++) {
            out[i] = i < halfway ? start + step * (float) i : end - step * (float) (steps - i - 1);
        }
        return out;
    }

    private static float[] squared(float[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = values[i] * values[i];
        }
        return values;
    }

    /** diffusers' betas_for_alpha_bar with the Glide cosine, capped at 0.999. */
    private static float[] cosineBetas(int t) {
        float[] betas = new float[t];
        for (int i = 0; i < t; i++) {
            double t1 = (double) i / t;
            double t2 = (double) (i + 1) / t;
            betas[i] = (float) Math.min(1 - cosineAlphaBar(t2) / cosineAlphaBar(t1), 0.999);
        }
        return betas;
    }

    private static double cosineAlphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** Algorithm 1 of "Common Diffusion Noise Schedules and Sample Steps are Flawed", in float32 as diffusers runs it. */
    private static float[] rescaleZeroTerminalSnr(float[] betas) {
        int n = betas.length;
        float[] sqrtBar = alphasCumprod(betas);
        for (int i = 0; i < n; i++) {
            sqrtBar[i] = (float) Math.sqrt(sqrtBar[i]);
        }
        float first = sqrtBar[0];
        float last = sqrtBar[n - 1];
        float scale = first / (first - last);
        float[] bar = new float[n];
        for (int i = 0; i < n; i++) {
            float shifted = (sqrtBar[i] - last) * scale;
            bar[i] = shifted * shifted;
        }
        float[] rescaled = new float[n];
        rescaled[0] = 1f - bar[0];
        for (int i = 1; i < n; i++) {
            rescaled[i] = 1f - bar[i] / bar[i - 1];
        }
        return rescaled;
    }

    private static float[] cumprod(float[] values) {
        float[] out = new float[values.length];
        double product = 1.0;
        for (int i = 0; i < values.length; i++) {
            product *= values[i];
            out[i] = (float) product;
        }
        return out;
    }
}
