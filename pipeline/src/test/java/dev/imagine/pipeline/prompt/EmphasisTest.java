package dev.imagine.pipeline.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagine.pipeline.PipelineException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EmphasisTest {
    private static final int HIDDEN = 8;
    private static final int POSITIONS = 5;

    private static float[] hidden() {
        Random random = new Random(7);
        float[] values = new float[POSITIONS * HIDDEN];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() + 0.5);
        }
        return values;
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    @Test
    void applyOriginal_allWeightsOne_leavesEveryValueExactlyAsItWas() {
        float[] values = hidden();
        float[] before = values.clone();

        Emphasis.applyOriginal(values, new float[] {1, 1, 1, 1, 1}, HIDDEN);

        assertThat(values).containsExactly(before);
    }

    @Test
    void applyOriginal_multipliesEachPositionByItsWeight_thenRestoresTheMean() {
        float[] values = hidden();
        float[] before = values.clone();
        float[] weights = {1f, 1.3f, 0.5f, 1f, 1f};

        Emphasis.applyOriginal(values, weights, HIDDEN);

        assertThat(mean(values)).isCloseTo(mean(before), within(1e-6));
        double ratio = values[0] / before[0];
        for (int p = 0; p < POSITIONS; p++) {
            for (int i = 0; i < HIDDEN; i++) {
                int at = p * HIDDEN + i;
                assertThat((double) values[at]).as("position %d value %d", p, i)
                        .isCloseTo(before[at] * weights[p] * ratio, within(1e-5));
            }
        }
        assertThat(ratio).as("the rescaling is one factor for the whole chunk").isNotEqualTo(1.0);
    }

    @Test
    void applyOriginal_weightedMeanOfZero_isRefusedWithAClearMessage() {
        float[] values = new float[2 * HIDDEN];
        Arrays.fill(values, 0, HIDDEN, 1f);
        Arrays.fill(values, HIDDEN, 2 * HIDDEN, 1f);

        assertThatThrownBy(() -> Emphasis.applyOriginal(values, new float[] {1f, -1f}, HIDDEN))
                .isInstanceOf(PipelineException.class).hasMessageContaining("weights");
    }
}
