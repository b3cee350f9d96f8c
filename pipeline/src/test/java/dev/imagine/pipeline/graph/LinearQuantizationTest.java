package dev.imagine.pipeline.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LinearQuantizationTest {

    @Test
    void uint8_coversTheRange_andRepresentsZeroExactly() {
        LinearQuantization.Activation p = LinearQuantization.uint8(-1f, 3f);

        assertThat(p.scale()).isEqualTo(4f / 255f);
        assertThat(p.zeroPoint()).isEqualTo(64); // rint(1 / (4/255)) = rint(63.75)
        assertThat(p.scale() * (0 - p.zeroPoint())).isCloseTo(-1f, within(p.scale()));
        assertThat(p.scale() * (255 - p.zeroPoint())).isCloseTo(3f, within(p.scale()));
    }

    @Test
    void uint8_ofAPositiveRange_stillStartsAtZero() {
        LinearQuantization.Activation p = LinearQuantization.uint8(0.5f, 2f);

        assertThat(p.zeroPoint()).isZero();
        assertThat(p.scale()).isEqualTo(2f / 255f);
    }

    @Test
    void uint8_ofAConstant_isStillValid() {
        LinearQuantization.Activation p = LinearQuantization.uint8(0f, 0f);

        assertThat(p.scale()).isPositive();
    }

    @Test
    void convolutionWeights_getOneSymmetricScalePerOutputChannel() {
        // [2 output channels, 1, 1, 2]
        float[] w = {0.5f, -1.0f, 0.25f, 0.1f};

        float[] scales = LinearQuantization.channelScales(w, 2, true, 127);
        byte[] q = LinearQuantization.quantizeWeights(w, scales, true, 127);

        assertThat(scales).containsExactly(1.0f / 127, 0.25f / 127);
        assertThat(q).containsExactly(64, -127, 127, 51); // 63.5 rounds to even: 64; 50.8 -> 51
    }

    @Test
    void matmulWeights_getOneScalePerColumn_andReducedRangeStopsAt63() {
        // [2 rows, 2 columns]: column 0 = {2.1, -4}, column 1 = {1, 0.3}
        float[] w = {2.1f, 1f, -4f, 0.3f};

        float[] scales = LinearQuantization.channelScales(w, 2, false, 63);
        byte[] q = LinearQuantization.quantizeWeights(w, scales, false, 63);

        assertThat(scales).containsExactly(4f / 63, 1f / 63);
        assertThat(q).containsExactly(33, 63, -63, 19); // 33.08 -> 33, 18.9 -> 19
    }

    @Test
    void allZeroChannel_quantizesToZeros() {
        float[] w = {0f, 0f, 1f, -1f};

        float[] scales = LinearQuantization.channelScales(w, 2, true, 127);

        assertThat(LinearQuantization.quantizeWeights(w, scales, true, 127)).containsExactly(0, 0, 127, -127);
    }

    @Test
    void bias_isStoredInInt32_withTheScaleOfInputTimesWeight() {
        int[] q = LinearQuantization.quantizeBias(new float[] {0.3f, -0.02f}, 0.01f, new float[] {0.5f, 0.1f});

        assertThat(q).containsExactly(60, -20);
        assertThat(LinearQuantization.biasScales(0.01f, new float[] {0.5f, 0.1f}))
                .containsExactly(0.01f * 0.5f, 0.01f * 0.1f);
    }
}
