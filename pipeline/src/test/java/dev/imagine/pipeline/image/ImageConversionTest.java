package dev.imagine.pipeline.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageConversionTest {

    private static int[] redOf(float... values) {
        float[] chw = new float[3 * values.length];
        System.arraycopy(values, 0, chw, 0, values.length);
        byte[] rgb = ImageConversion.toRgb(chw, 0, values.length, 1);
        int[] red = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            red[i] = rgb[i * 3] & 0xff;
        }
        return red;
    }

    @Test
    void toRgb_mapsMinusOneToBlackAndOneToWhite_andClampsBeyond() {
        assertThat(redOf(-3f, -1f, 1f, 5f)).containsExactly(0, 0, 255, 255);
    }

    @Test
    void toRgb_roundsExactHalvesToEven_asNumpyRoundDoes() {
        // Find decoder outputs whose x*255 lands exactly on k + 0.5 for an even k: numpy gives k, Math.round k+1.
        int checked = 0;
        for (int k = 2; k < 254 && checked < 20; k += 2) {
            float target = k + 0.5f;
            float x = (target / 255f - 0.5f) * 2f;
            for (int ulp = -4; ulp <= 4; ulp++) {
                float candidate = x + ulp * Math.ulp(x);
                float scaled = (candidate / 2f + 0.5f) * 255f;
                if (scaled == target) {
                    assertThat(redOf(candidate)).as("x*255 = %s", scaled).containsExactly(k);
                    checked++;
                    break;
                }
            }
        }
        assertThat(checked).as("exact halves found to test").isGreaterThan(5);
    }

    @Test
    void toRgb_readsThePlanesAsRedGreenBlue() {
        float[] chw = {-1f, 0f, 1f}; // one pixel: red plane, green plane, blue plane
        byte[] rgb = ImageConversion.toRgb(chw, 0, 1, 1);
        assertThat(new int[] {rgb[0] & 0xff, rgb[1] & 0xff, rgb[2] & 0xff}).containsExactly(0, 128, 255);
    }

    @Test
    void toRgb_picksTheRequestedImageOfABatch() {
        int plane = 2;
        float[] batch = new float[2 * 3 * plane];
        java.util.Arrays.fill(batch, 0, 3 * plane, -1f);
        java.util.Arrays.fill(batch, 3 * plane, 6 * plane, 1f);

        assertThat(ImageConversion.toRgb(batch, 0, 2, 1)).containsOnly((byte) 0);
        assertThat(ImageConversion.toRgb(batch, 1, 2, 1)).containsOnly((byte) 255);
    }
}
