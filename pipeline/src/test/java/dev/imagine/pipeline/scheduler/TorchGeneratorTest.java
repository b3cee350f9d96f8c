package dev.imagine.pipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagine.pipeline.PipelineException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TorchGeneratorTest {
    /** The vector kernel on AVX2 machines differs from the scalar one by an ulp or two; 2e-6 allows that, no more. */
    private static final float ULPS = 2e-6f;

    @Test
    void random_seedZero_isMt19937Stream() {
        TorchGenerator generator = new TorchGenerator(0);

        assertThat(new long[] {generator.random(), generator.random(), generator.random(), generator.random()})
                .containsExactly(2357136044L, 2546248239L, 3071714933L, 3626093760L);
    }

    @Test
    void random_defaultStdSeed_givesTheCxxStandardsTenThousandthValue() {
        // [rand.predef]: the 10000th output of a default-constructed std::mt19937 (seed 5489) is 4123659995. This
        // crosses 16 state regenerations, so it checks the twist, not only the seeding.
        TorchGenerator generator = new TorchGenerator(5489);
        long value = 0;
        for (int i = 0; i < 10000; i++) {
            value = generator.random();
        }

        assertThat(value).isEqualTo(4123659995L);
    }

    @Test
    void random64_putsTheFirstOutputInTheHighHalf() {
        long expected = (2357136044L << 32) | 2546248239L;

        assertThat(new TorchGenerator(0).random64()).isEqualTo(expected);
    }

    @Test
    void manualSeed_usesOnlyTheLow32BitsOfTheSeed() {
        assertThat(new TorchGenerator(1L << 32).randn(20)).containsExactly(new TorchGenerator(0).randn(20));
        assertThat(new TorchGenerator((7L << 32) | 5).randn(20)).containsExactly(new TorchGenerator(5).randn(20));
    }

    @Test
    void manualSeed_negativeSeedIsTwosComplement() {
        // Python: manual_seed(-1) is stored as 0xffff_ffff_ffff_ffff, whose low 32 bits are 0xffff_ffff.
        assertThat(new TorchGenerator(-1).randn(20)).containsExactly(new TorchGenerator(0xFFFF_FFFFL).randn(20));
        assertThat(new TorchGenerator(-1).randn(20)).isNotEqualTo(new TorchGenerator(1).randn(20));
    }

    @Test
    void initialSeed_keepsAll64Bits() {
        assertThat(new TorchGenerator(1L << 32).initialSeed()).isEqualTo(1L << 32);
        assertThat(new TorchGenerator(-5).initialSeed()).isEqualTo(-5L);
    }

    @Test
    void rand_seedZero_matchesTorchRand() {
        float[] uniforms = new TorchGenerator(0).rand(6);

        // torch.manual_seed(0); torch.rand(6) -> 0.4963, 0.7682, 0.0885, 0.1320, 0.3074, 0.6341
        assertThat(uniforms).containsExactly(0.4962566f, 0.7682218f, 0.08847743f, 0.13203049f, 0.30742282f,
                0.6340787f);
    }

    @Test
    void rand_seed42_matchesTorchRand() {
        // torch.manual_seed(42); torch.rand(3) -> tensor([0.8823, 0.9150, 0.3829])
        assertThat(new TorchGenerator(42).rand(3)).containsExactly(new float[] {0.8823f, 0.9150f, 0.3829f},
                within(5e-5f));
    }

    @Test
    void randn_matchesTorchForSeedZero() {
        float[] values = new TorchGenerator(0).randn(768);

        assertThat(Arrays.copyOfRange(values, 0, 20)).containsExactly(new float[] {
            -1.1258398f, -1.1523602f, -0.2505786f, -0.4338788f, 0.8487103f, 0.6920092f, -0.3160128f, -2.1152196f,
            0.3222749f, -1.2633348f, 0.3499832f, 0.3081339f, 0.1198415f, 1.237658f, 1.1167772f, -0.2472776f,
            -1.3526537f, -1.6959313f, 0.5666505f, 0.7935084f}, within(ULPS));
        assertThat(values[767]).isCloseTo(-0.23261602f, within(ULPS));
        assertThat(sum(values)).isCloseTo(47.8715369, within(1e-5));
    }

    @Test
    void randn_sizeNotMultipleOf16_redrawsTheLastSixteen() {
        float[] full = new TorchGenerator(0).randn(768);
        float[] ragged = new TorchGenerator(0).randn(20);

        // The first block is transformed once and kept where the redrawn tail block does not overlap it.
        assertThat(Arrays.copyOfRange(ragged, 0, 4)).containsExactly(Arrays.copyOfRange(full, 0, 4));
        assertThat(Arrays.copyOfRange(ragged, 4, 8)).containsExactly(new float[] {
            0.59883946f, -1.5550951f, -0.34136027f, 1.8530061f}, within(ULPS));
        assertThat(ragged[4]).isNotEqualTo(full[4]);
    }

    @Test
    void randn_fewerThan16_usesTorchsScalarDoublePath() {
        // torch.manual_seed(0); torch.randn(3, 3), as printed by torch (4 decimals).
        float[] values = new TorchGenerator(0).randn(9);

        assertThat(values).containsExactly(new float[] {
            1.5410f, -0.2934f, -2.1788f, 0.5684f, -1.0845f, -1.3986f, 0.4033f, 0.8380f, -0.7193f}, within(5e-5f));
    }

    @Test
    void randn_fewerThan16_seed42_matchesTorch() {
        // torch.manual_seed(42); torch.randn(2, 3)
        assertThat(new TorchGenerator(42).randn(6)).containsExactly(new float[] {
            0.3367f, 0.1288f, 0.2345f, 0.2303f, -1.1229f, -0.1863f}, within(5e-5f));
    }

    @Test
    void randn_scalarPath_keepsTheSecondBoxMullerValueForTheNextCall() {
        float[] together = new TorchGenerator(0).randn(4);
        TorchGenerator split = new TorchGenerator(0);
        float[] first = split.randn(3);
        float[] second = split.randn(1);

        assertThat(first).containsExactly(Arrays.copyOf(together, 3));
        assertThat(second[0]).isEqualTo(together[3]);
    }

    @Test
    void randn_vectorFill_neitherUsesNorClearsTheCachedValue() {
        TorchGenerator generator = new TorchGenerator(0);
        generator.randn(1);
        float[] block = generator.randn(16);
        float[] afterBlock = generator.randn(1);

        TorchGenerator reference = new TorchGenerator(0);
        float[] pair = reference.randn(2);
        float[] referenceBlock = reference.randn(16);

        // randn(1) consumed two random64() draws and parked sin; the block starts right after those four outputs.
        assertThat(block).containsExactly(referenceBlock);
        assertThat(afterBlock[0]).isEqualTo(pair[1]);
    }

    @Test
    void manualSeed_dropsTheCachedValue() {
        TorchGenerator generator = new TorchGenerator(0);
        float first = generator.randn(1)[0];
        generator.manualSeed(0);

        assertThat(generator.randn(1)[0]).isEqualTo(first);
    }

    @Test
    void randn_fillsCallerArrayLikeAllocatingVariant() {
        float[] target = new float[100];
        new TorchGenerator(3).randn(target);

        assertThat(target).containsExactly(new TorchGenerator(3).randn(100));
    }

    @Test
    void randn_andRand_ofZeroElements_consumeNothing() {
        TorchGenerator generator = new TorchGenerator(0);
        assertThat(generator.randn(0)).isEmpty();
        assertThat(generator.rand(0)).isEmpty();

        assertThat(generator.random()).isEqualTo(2357136044L);
    }

    @Test
    void randn_streamContinuesAcrossCalls_likeLatentsThenStepNoise() {
        TorchGenerator generator = new TorchGenerator(0);
        generator.randn(768);
        float[] second = generator.randn(768);

        TorchGenerator reference = new TorchGenerator(0);
        for (int i = 0; i < 768; i++) {
            reference.random();
        }
        assertThat(second).containsExactly(reference.randn(768));
        assertThat(second[0]).isNotEqualTo(new TorchGenerator(0).randn(768)[0]);
    }

    @Test
    void randn_negativeSize_isRejected() {
        assertThatThrownBy(() -> new TorchGenerator(0).randn(-1))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> new TorchGenerator(0).rand(-3))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("-3");
    }

    private static double sum(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum;
    }
}
