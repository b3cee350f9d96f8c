package dev.imagine.pipeline.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FloatTensorTest {

    @Test
    void valuesThatDoNotFillTheShape_areRefused() {
        assertThatThrownBy(() -> new FloatTensor(new float[5], new long[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 values")
                .hasMessageContaining("[1, 2, 3]");
        assertThatThrownBy(() -> new FloatTensor(new float[0], new long[] {-1, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }

    @Test
    void concatenated_putsTheSecondAfterTheFirstInTheBatch() {
        FloatTensor first = new FloatTensor(new float[] {1, 2, 3, 4}, new long[] {1, 2, 2});
        FloatTensor second = new FloatTensor(new float[] {5, 6, 7, 8, 9, 10, 11, 12}, new long[] {2, 2, 2});

        FloatTensor both = FloatTensor.concatenated(first, second);

        assertThat(both.shape()).containsExactly(3, 2, 2);
        assertThat(both.batch()).isEqualTo(3);
        assertThat(both.values()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertThatThrownBy(() -> FloatTensor.concatenated(first, new FloatTensor(new float[4], new long[] {1, 4})))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
