package dev.imagine.pipeline.scheduler;

import java.util.Arrays;

/**
 * Dynamic thresholding (Imagen) as diffusers' {@code _threshold_sample} does it: per batch item, s is the
 * {@code ratio} quantile of |x0| (torch.quantile, linear interpolation, float32), clamped to [1, maxValue], and x0
 * becomes {@code clamp(x0, -s, s) / s}. Off for every Stable Diffusion LCM; kept so that a config that enables it is
 * honoured rather than silently ignored.
 */
final class Thresholding {
    private Thresholding() {
    }

    static void apply(float[] x0, int batch, float ratio, float maxValue) {
        int perItem = x0.length / batch;
        float[] sorted = new float[perItem];
        for (int b = 0; b < batch; b++) {
            int offset = b * perItem;
            for (int i = 0; i < perItem; i++) {
                sorted[i] = Math.abs(x0[offset + i]);
            }
            Arrays.sort(sorted);
            float s = Math.min(Math.max(quantile(sorted, ratio), 1f), maxValue);
            for (int i = 0; i < perItem; i++) {
                x0[offset + i] = Math.min(Math.max(x0[offset + i], -s), s) / s;
            }
        }
    }

    /** torch.quantile on sorted values: float rank, truncated lower index, ceil upper index, torch's lerp. */
    static float quantile(float[] sorted, float q) {
        float rank = q * (float) (sorted.length - 1);
        int below = (int) rank;
        int above = (int) Math.ceil(rank);
        float weight = rank - (float) below;
        float start = sorted[below];
        float end = sorted[above];
        // torch's lerp switches formula at weight 0.5 so that both ends are reproduced exactly.
        return Math.abs(weight) < 0.5f ? start + weight * (end - start) : end - (end - start) * (1f - weight);
    }
}
