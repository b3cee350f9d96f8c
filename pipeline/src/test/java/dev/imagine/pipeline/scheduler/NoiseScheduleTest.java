package dev.imagine.pipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.within;

import dev.imagine.pipeline.scheduler.LcmSchedulerConfig.BetaSchedule;
import dev.imagine.pipeline.scheduler.LcmSchedulerConfig.PredictionType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NoiseScheduleTest {
    private static final LcmScheduler DEFAULT = new LcmScheduler(LcmSchedulerConfig.defaults());

    @ParameterizedTest(name = "t={0}")
    @CsvSource({
        "0, 0.99914998, 0.99957490, 0.029155133",
        "19, 0.98224396, 0.99108219, 0.13325182",
        "99, 0.89546245, 0.94628876, 0.32332265",
        "259, 0.65897524, 0.81177288, 0.58397323",
        "339, 0.52489197, 0.72449428, 0.68928081",
        "499, 0.27766943, 0.52694350, 0.84990031",
        "679, 0.095983841, 0.30981258, 0.95079762",
        "759, 0.052212890, 0.22850139, 0.97354358",
        "799, 0.037194971, 0.19285998, 0.98122627",
        "999, 0.0046600951, 0.068264887, 0.99766725"})
    void alphasCumprod_scaledLinear_matchesSpotTable(int t, double alphaCumprod, double sqrtAlpha,
                                                     double sqrtOneMinusAlpha) {
        float ac = DEFAULT.alphasCumprod()[t];

        assertThat((double) ac).isCloseTo(alphaCumprod, within(alphaCumprod * 1e-7));
        assertThat((double) (float) Math.sqrt(ac)).isCloseTo(sqrtAlpha, within(sqrtAlpha * 1e-7));
        assertThat((double) (float) Math.sqrt(1f - ac)).isCloseTo(sqrtOneMinusAlpha, within(sqrtOneMinusAlpha * 1e-7));
    }

    @Test
    void betas_scaledLinear_endsAreTheSquaredFloatLinspaceEnds() {
        float[] betas = DEFAULT.betas();

        assertThat(betas).hasSize(1000);
        assertThat(betas[0]).isEqualTo(0.00084999995f);
        // The second half of torch's linspace counts back from the end, so the last value is exactly end^2.
        assertThat(betas[999]).isEqualTo(0.011999999f);
    }

    @Test
    void linspace_secondHalfCountsBackFromTheEnd() {
        float[] values = NoiseSchedule.linspace(0.1, 0.7, 7);
        float start = 0.1f;
        float end = 0.7f;
        float step = (end - start) / 6f;

        assertThat(values[2]).isEqualTo(start + step * 2f);
        assertThat(values[3]).isEqualTo(end - step * 3f);
        assertThat(values[6]).isEqualTo(end);
        assertThat(NoiseSchedule.linspace(0.3, 0.9, 1)).containsExactly(0.3f);
    }

    @Test
    void betas_linear_areTheFloatLinspace() {
        float[] betas = new LcmScheduler(config(BetaSchedule.LINEAR, null, false)).betas();

        assertThat(betas[0]).isEqualTo(0.00085f);
        assertThat(betas[999]).isEqualTo(0.012f);
        assertThat((double) betas[500]).isCloseTo(0.00085 + 500 * (0.012 - 0.00085) / 999, within(1e-9));
    }

    @Test
    void betas_squaredcosCapV2_followTheGlideCosineAndAreCapped() {
        float[] betas = new LcmScheduler(config(BetaSchedule.SQUAREDCOS_CAP_V2, null, false)).betas();

        double f0 = Math.pow(Math.cos(0.008 / 1.008 * Math.PI / 2), 2);
        double f1 = Math.pow(Math.cos((0.001 + 0.008) / 1.008 * Math.PI / 2), 2);
        assertThat(betas[0]).isEqualTo((float) (1 - f1 / f0));
        assertThat(betas[999]).isEqualTo(0.999f);
        assertThat(betas[500]).isBetween(betas[499], betas[501]);
    }

    @Test
    void betas_trainedBetas_overrideTheSchedule() {
        List<Double> trained = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            trained.add(0.001 + i * 1e-5);
        }
        float[] betas = new LcmScheduler(config(BetaSchedule.SCALED_LINEAR, trained, false)).betas();

        assertThat(betas[0]).isEqualTo(0.001f);
        assertThat(betas[999]).isEqualTo((float) (0.001 + 999 * 1e-5));
    }

    @Test
    void alphasCumprod_rescaledToZeroSnr_endsAtZeroAndKeepsTheFirstValue() {
        float[] plain = DEFAULT.alphasCumprod();
        float[] rescaled = new LcmScheduler(config(BetaSchedule.SCALED_LINEAR, null, true)).alphasCumprod();

        assertThat(rescaled[999]).isZero();
        assertThat(rescaled[0]).isCloseTo(plain[0], offset(1e-6f));
        // The shift lowers every intermediate value: sqrt(ac) - sqrt(ac_T), rescaled by sqrt(ac_0)/(sqrt(ac_0)-sqrt(ac_T)).
        double sqrtFirst = Math.sqrt(plain[0]);
        double sqrtLast = Math.sqrt(plain[999]);
        double expected499 = Math.pow((Math.sqrt(plain[499]) - sqrtLast) * sqrtFirst / (sqrtFirst - sqrtLast), 2);
        assertThat((double) rescaled[499]).isCloseTo(expected499, within(1e-6));
    }

    private static LcmSchedulerConfig config(BetaSchedule schedule, List<Double> trained, boolean zeroSnr) {
        return new LcmSchedulerConfig(1000, 0.00085, 0.012, schedule, trained, 50, false, 1.0, PredictionType.EPSILON,
                false, 0.995, 1.0, 10.0, zeroSnr);
    }
}
