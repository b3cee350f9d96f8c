package dev.imagine.pipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagine.pipeline.PipelineException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GuidanceEmbeddingTest {
    private static final float TOLERANCE = 1e-6f;

    @Test
    void frequencies_areFloat32ExponentialsOfTheLogSpacing() {
        float[] frequencies = GuidanceEmbedding.frequencies(128);

        assertThat(frequencies[0]).isEqualTo(1f);
        assertThat(frequencies[1]).isEqualTo(0.93004495f);
        assertThat(frequencies[127]).isEqualTo(9.999999e-05f);
    }

    @Test
    void embedGuidance_8point5_startsWithSinesThenCosinesOfRoundedArguments() {
        float[] emb = GuidanceEmbedding.embedGuidance(8.5, 256);

        assertThat(emb).hasSize(256);
        // w' = 7500. emb[1] = sin(float(7500 * 0.93004495f)); with an unrounded double argument it would be 0.84224.
        assertThat(Arrays.copyOfRange(emb, 0, 2)).containsExactly(new float[] {-0.8512359f, 0.8421312f},
                within(TOLERANCE));
        assertThat(emb[127]).isCloseTo(0.6816387f, within(TOLERANCE));
        assertThat(Arrays.copyOfRange(emb, 128, 130)).containsExactly(new float[] {-0.52478325f, 0.5392727f},
                within(TOLERANCE));
        assertThat(emb[255]).isCloseTo(0.7316889f, within(TOLERANCE));
    }

    @Test
    void embedGuidance_8point5_frequenciesTwoAndThreeUseCorrectlyRoundedExp() {
        float[] emb = GuidanceEmbedding.embedGuidance(8.5, 256);

        // The spec lists 0.01138801, 0.9924369 / -0.99993515, -0.12275618 here: sin/cos at arguments one float ulp
        // away (6487.3774 and 6033.552), i.e. a frequency one ulp off. exp(-0.14504473f) lies 0.27 ulp below
        // 0.8649836f and exp(-0.21756709f) 0.08 ulp below 0.80447364f, so any faithful float exp (glibc, Sleef's
        // u10 as used by torch without MKL) gives the values below.
        assertThat(emb[2]).isCloseTo((float) Math.sin(6487.377f), within(TOLERANCE)).isCloseTo(0.011876259f,
                within(TOLERANCE));
        assertThat(emb[3]).isCloseTo(0.9923768f, within(TOLERANCE));
        assertThat(emb[130]).isCloseTo(-0.9999295f, within(TOLERANCE));
        assertThat(emb[131]).isCloseTo(-0.123240754f, within(TOLERANCE));
    }

    @Test
    void embedGuidance_8_matchesTheAgreedSpecValues() {
        float[] emb = GuidanceEmbedding.embedGuidance(8.0, 256);

        assertThat(Arrays.copyOfRange(emb, 0, 2)).containsExactly(new float[] {0.5068854f, 0.80428714f},
                within(TOLERANCE));
        assertThat(emb[128]).isCloseTo((float) Math.cos(7000f), within(TOLERANCE));
    }

    @Test
    void embedGuidance_1_isZeroSinesAndUnitCosines() {
        float[] emb = GuidanceEmbedding.embedGuidance(1.0, 256);
        float[] expected = new float[256];
        Arrays.fill(expected, 128, 256, 1f);

        assertThat(emb).containsExactly(expected);
    }

    @Test
    void embedW_fastTestDummy_d32_w5() {
        float[] emb = GuidanceEmbedding.embedW(5f, 32);

        assertThat(Arrays.copyOfRange(emb, 0, 3)).containsExactly(new float[] {-0.987966f, -0.805419f, 0.333686f},
                within(TOLERANCE));
        assertThat(Arrays.copyOfRange(emb, 16, 19)).containsExactly(new float[] {0.154668f, -0.592706f, 0.942684f},
                within(TOLERANCE));
        // The spec's emb[3] = 0.692802 and emb[19] = 0.721128 are again sin/cos one argument ulp away (792.4467);
        // exp(-1.842068f) is 0.42 ulp above 0.15848933f, which rounds to it.
        assertThat(emb[3]).isCloseTo(0.69275814f, within(TOLERANCE));
        assertThat(emb[19]).isCloseTo(0.72117f, within(TOLERANCE));
    }

    @Test
    void embedGuidance_subtractsOneFromTheScale() {
        assertThat(GuidanceEmbedding.embedGuidance(6.0, 32)).containsExactly(GuidanceEmbedding.embedW(5f, 32));
        assertThat(GuidanceEmbedding.guidanceW(8.5)).isEqualTo(7.5f);
    }

    @Test
    void embedW_oddDim_padsOneZeroAfterTheEvenEmbedding() {
        float[] odd = GuidanceEmbedding.embedW(7.5f, 257);

        assertThat(odd).hasSize(257);
        assertThat(Arrays.copyOf(odd, 256)).containsExactly(GuidanceEmbedding.embedW(7.5f, 256));
        assertThat(odd[256]).isZero();
    }

    @Test
    void embedGuidance_batch_repeatsTheEmbeddingPerImage() {
        float[] single = GuidanceEmbedding.embedGuidance(8.5, 256);
        float[] batch = GuidanceEmbedding.embedGuidance(8.5, 256, 3);

        assertThat(batch).hasSize(768);
        for (int b = 0; b < 3; b++) {
            assertThat(Arrays.copyOfRange(batch, b * 256, (b + 1) * 256)).containsExactly(single);
        }
        assertThat(GuidanceEmbedding.embedW(7.5f, 256, 2)).hasSize(512);
    }

    @Test
    void embed_badArguments_areRejected() {
        assertThatThrownBy(() -> GuidanceEmbedding.embedW(7.5f, 3))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("size 3");
        assertThatThrownBy(() -> GuidanceEmbedding.embedGuidance(Double.NaN, 256))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("guidance_scale = NaN");
        assertThatThrownBy(() -> GuidanceEmbedding.embedGuidance(8.5, 256, 0))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("Batch size 0");
    }
}
