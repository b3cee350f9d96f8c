package dev.imagine.pipeline.image;

/** Turns decoder output into 8-bit pixels exactly as diffusers' image processor does. */
public final class ImageConversion {
    private ImageConversion() {
    }

    /**
     * Converts image {@code index} of a decoder output [batch, 3, height, width] (values around [-1, 1]) into
     * interleaved RGB bytes: {@code clamp(x / 2 + 0.5, 0, 1)}, then {@code x * 255} rounded half to even
     * (numpy's {@code round}, which Pillow output in diffusers goes through).
     */
    public static byte[] toRgb(float[] chw, int index, int width, int height) {
        int plane = width * height;
        int base = index * 3 * plane;
        byte[] rgb = new byte[plane * 3];
        for (int c = 0; c < 3; c++) {
            int src = base + c * plane;
            for (int p = 0; p < plane; p++) {
                float v = chw[src + p] / 2f + 0.5f;
                v = v < 0f ? 0f : Math.min(v, 1f);
                rgb[p * 3 + c] = (byte) (int) Math.rint(v * 255f);
            }
        }
        return rgb;
    }
}
