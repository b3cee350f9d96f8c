package dev.imagine.pipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.scheduler.LcmSchedulerConfig.BetaSchedule;
import dev.imagine.pipeline.scheduler.LcmSchedulerConfig.PredictionType;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Mirrors diffusers' tests/schedulers/test_scheduler_lcm.py with its dummy model and deterministic sample. */
class LcmSchedulerStepTest {
    private static final int BATCH = 4;
    private static final int N = 768;
    private static final LcmScheduler SCHEDULER = new LcmScheduler(LcmSchedulerConfig.defaults());
    private static final Supplier<float[]> NO_NOISE = () -> fail("noise must not be drawn on this step");

    @ParameterizedTest(name = "t={0}")
    @CsvSource({
        "999, 2.5050075e-09, 1.0",
        "99, 2.5507595e-07, 0.99999988",
        "19, 6.9251596e-06, 0.99999654",
        "0, 1.0, 0.0"})
    void boundaryScalings_matchFloat32Torch(int t, float cSkip, float cOut) {
        assertThat(SCHEDULER.cSkip(t)).isEqualTo(cSkip);
        assertThat(SCHEDULER.cOut(t)).isEqualTo(cOut);
    }

    @Test
    void boundaryScalings_useTheConfiguredTimestepScaling() {
        LcmScheduler scaled = new LcmScheduler(withPrediction(PredictionType.EPSILON, 20.0));

        // s = t * scaling, so t=50 at scaling 20 is t=100 at the default 10.
        assertThat(scaled.cSkip(50)).isEqualTo(SCHEDULER.cSkip(100));
        assertThat(scaled.cOut(50)).isEqualTo(SCHEDULER.cOut(100));
    }

    @Test
    void dummySampleDeter_isDiffusersLayout() {
        float[] x = dummySampleDeter();

        assertThat(Arrays.copyOf(x, 4)).containsExactly(new float[] {0f, 0.00520833f, 0.01041667f, 0.015625f},
                within(1e-8f));
        assertThat(x[index(1, 0, 0, 0)]).isEqualTo(0.0013020834f);
        assertThat(x[index(0, 1, 0, 0)]).isEqualTo(0.33333334f);
        assertThat(signedSum(x)).isCloseTo(383.5, within(1e-6));
    }

    @Test
    void fullLoop_oneStep_matchesDiffusersWithoutDrawingNoise() {
        float[] sample = fullLoop(1, new AtomicInteger());

        assertThat(absSum(sample)).isCloseTo(18.7097, within(1e-3));
        assertThat(absSum(sample) / N).isCloseTo(0.0244, within(1e-3));
        assertThat(signedSum(sample)).isCloseTo(18.7096789, within(1e-5));
        assertThat(Arrays.copyOf(sample, 4)).containsExactly(new float[] {0f, 0.0002541f, 0.00050819f, 0.00076229f},
                within(1e-8f));
    }

    @Test
    void fullLoop_tenSteps_matchesDiffusersMultistep() {
        AtomicInteger draws = new AtomicInteger();
        float[] sample = fullLoop(10, draws);

        assertThat(absSum(sample)).isCloseTo(197.7616, within(1e-3));
        assertThat(absSum(sample) / N).isCloseTo(0.2575, within(1e-3));
        // Fresh noise on every step but the last: 9 draws of 768 values.
        assertThat(draws).hasValue(9);
        assertThat(Arrays.copyOf(sample, 4)).containsExactly(new float[] {-0.05816004f, 0.22589934f, 0.27971175f,
            -0.4144787f}, within(1e-6f));
    }

    @Test
    void fullLoop_tenSteps_matchesThePerStepTrace() {
        double[][] expected = {
            {999, 18.7097, 618.4800}, {899, 42.8169, 611.3260}, {799, 63.3967, 569.0207}, {699, 86.5091, 555.0235},
            {599, 118.6368, 505.9895}, {499, 145.7632, 458.6950}, {399, 171.6878, 423.7792},
            {299, 200.1906, 364.2350}, {199, 212.8044, 275.2415}, {99, 197.7616, 197.7616}};
        LcmScheduler.Run run = SCHEDULER.start(10);
        TorchGenerator generator = new TorchGenerator(0);
        float[] sample = dummySampleDeter();
        for (double[] row : expected) {
            int t = run.currentTimestep();
            assertThat(t).isEqualTo((int) row[0]);
            LcmScheduler.StepResult result = run.step(dummyModel(sample, t), sample, BATCH, () -> generator.randn(N));
            assertThat(absSum(result.denoised())).as("sum |denoised| at t=%d", t).isCloseTo(row[1], within(1e-4));
            assertThat(absSum(result.prevSample())).as("sum |prev_sample| at t=%d", t).isCloseTo(row[2], within(1e-4));
            sample = result.prevSample();
        }
        assertThat(run.isDone()).isTrue();
    }

    @Test
    void step_lastStep_returnsDenoisedAsPrevSample() {
        LcmScheduler.Run run = SCHEDULER.start(1);
        float[] sample = dummySampleDeter();
        LcmScheduler.StepResult result = run.step(dummyModel(sample, 999), sample, BATCH, NO_NOISE);

        assertThat(result.prevSample()).isSameAs(result.denoised());
    }

    @Test
    void step_epsilon_recoversX0FromANoisedSample() {
        float[] x0 = ramp(64, -1f, 1f);
        float[] eps = ramp(64, 0.7f, -0.9f);
        float a = SCHEDULER.alphasCumprod()[999];
        float[] sample = mix((float) Math.sqrt(a), x0, (float) Math.sqrt(1 - a), eps);

        LcmScheduler.StepResult result = SCHEDULER.start(1).step(eps, sample, NO_NOISE);

        assertThat(result.denoised()).containsExactly(expectedDenoised(999, x0, sample), within(2e-5f));
    }

    @Test
    void step_vPrediction_recoversX0FromANoisedSample() {
        LcmScheduler scheduler = new LcmScheduler(withPrediction(PredictionType.V_PREDICTION, 10.0));
        float[] x0 = ramp(64, -1f, 1f);
        float[] eps = ramp(64, 0.7f, -0.9f);
        float a = scheduler.alphasCumprod()[499];
        float sa = (float) Math.sqrt(a);
        float sb = (float) Math.sqrt(1 - a);
        float[] sample = mix(sa, x0, sb, eps);
        float[] v = mix(sa, eps, -sb, x0);

        LcmScheduler.StepResult result = scheduler.startCustom(new int[] {499}, 1.0).step(v, sample, NO_NOISE);

        assertThat(result.denoised()).containsExactly(expectedDenoised(499, x0, sample), within(1e-5f));
    }

    @Test
    void step_samplePrediction_takesModelOutputAsX0() {
        LcmScheduler scheduler = new LcmScheduler(withPrediction(PredictionType.SAMPLE, 10.0));
        float[] x0 = ramp(64, -1f, 1f);
        float[] sample = ramp(64, 3f, -2f);

        LcmScheduler.StepResult result = scheduler.startCustom(new int[] {19}, 1.0).step(x0, sample, NO_NOISE);

        assertThat(result.denoised()).containsExactly(expectedDenoised(19, x0, sample));
    }

    @Test
    void step_clipSample_clampsX0ToTheRange() {
        LcmSchedulerConfig d = LcmSchedulerConfig.defaults();
        LcmScheduler scheduler = new LcmScheduler(new LcmSchedulerConfig(1000, d.betaStart(), d.betaEnd(),
                BetaSchedule.SCALED_LINEAR, null, 50, true, 1.5, PredictionType.SAMPLE, false, 0.995, 1.0, 10.0,
                false));
        float[] x0 = {-3f, -1f, 0.5f, 2f};

        float[] denoised = scheduler.start(1).step(x0, new float[4], NO_NOISE).denoised();

        assertThat(denoised).containsExactly(-1.5f, -1f, 0.5f, 1.5f);
    }

    @Test
    void step_thresholding_scalesEachBatchItemByItsOwnQuantile() {
        LcmSchedulerConfig d = LcmSchedulerConfig.defaults();
        LcmScheduler scheduler = new LcmScheduler(new LcmSchedulerConfig(1000, d.betaStart(), d.betaEnd(),
                BetaSchedule.SCALED_LINEAR, null, 50, false, 1.0, PredictionType.SAMPLE, true, 0.5, 10.0, 10.0,
                false));
        float[] x0 = {2f, -4f, 6f, -8f, 0.5f, -0.25f, 0.1f, 0.9f};

        float[] denoised = scheduler.start(1).step(x0, new float[8], 2, NO_NOISE).denoised();

        // Item 0: median of |x| is lerp(4, 6, 0.5) = 5. Item 1: its median is below 1, so s clamps to 1.
        assertThat(denoised).containsExactly(0.4f, -0.8f, 1f, -1f, 0.5f, -0.25f, 0.1f, 0.9f);
    }

    @Test
    void thresholding_quantileCapsAtSampleMaxValue() {
        float[] x0 = {20f, -40f, 60f, -80f};
        Thresholding.apply(x0, 1, 0.5f, 10f);

        assertThat(x0).containsExactly(1f, -1f, 1f, -1f);
        assertThat(Thresholding.quantile(new float[] {1f, 2f, 3f, 4f, 5f}, 0.995f)).isEqualTo(4.98f);
    }

    @Test
    void step_noise_isRequestedOnlyBeforeTheLastStepAndScaledToThePreviousTimestep() {
        LcmScheduler.Run run = SCHEDULER.start(2);
        float[] sample = new float[8];
        float[] zeros = new float[8];
        float[] ones = new float[8];
        Arrays.fill(ones, 1f);

        float[] prev = run.step(zeros, sample, () -> ones).prevSample();

        float expected = (float) Math.sqrt(1f - SCHEDULER.alphasCumprod()[499]);
        assertThat(prev).containsOnly(expected);
        run.step(zeros, prev, NO_NOISE);
        assertThat(run.isDone()).isTrue();
    }

    @Test
    void step_afterTheLastStep_isRejected() {
        LcmScheduler.Run run = SCHEDULER.start(1);
        run.step(new float[4], new float[4], NO_NOISE);

        assertThatThrownBy(() -> run.step(new float[4], new float[4], NO_NOISE))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("1 steps");
    }

    @Test
    void step_mismatchedShapes_areRejected() {
        assertThatThrownBy(() -> SCHEDULER.start(1).step(new float[4], new float[8], NO_NOISE))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("modelOutput has 4 values but sample has 8");
        assertThatThrownBy(() -> SCHEDULER.start(1).step(new float[6], new float[6], 4, NO_NOISE))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("batch = 4");
        assertThatThrownBy(() -> SCHEDULER.start(2).step(new float[6], new float[6], () -> new float[5]))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("5 values")
                .hasMessageContaining("expected 6");
    }

    @Test
    void addNoise_mixesWithTheCumulativeAlphaOfTheTimestep() {
        float[] ones = {1f, 1f};
        float[] zeros = {0f, 0f};

        // test_add_noise_device uses timesteps[5] of the 10-step schedule.
        int t = SCHEDULER.timesteps(10)[5];
        assertThat(t).isEqualTo(499);
        assertThat(SCHEDULER.addNoise(ones, zeros, t)).containsOnly(0.52694350f);
        assertThat(SCHEDULER.addNoise(zeros, ones, t)).containsOnly(0.84990031f);
        assertThat(SCHEDULER.addNoise(new float[] {2f}, new float[] {-1f}, 799)[0])
                .isEqualTo(0.19285998f * 2f + 0.98122627f * -1f);
    }

    @Test
    void addNoise_badInput_isRejected() {
        assertThatThrownBy(() -> SCHEDULER.addNoise(new float[2], new float[3], 499))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("noise has 3 values but x0 has 2");
        assertThatThrownBy(() -> SCHEDULER.addNoise(new float[2], new float[2], 1000))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("Timestep 1000");
    }

    private static float[] fullLoop(int steps, AtomicInteger draws) {
        LcmScheduler.Run run = SCHEDULER.start(steps);
        TorchGenerator generator = new TorchGenerator(0);
        float[] sample = dummySampleDeter();
        for (int t : run.timesteps()) {
            sample = run.step(dummyModel(sample, t), sample, BATCH, () -> {
                draws.incrementAndGet();
                return generator.randn(N);
            }).prevSample();
        }
        return sample;
    }

    /** arange(768) reshaped to [C, H, W, B], divided by 768, permuted to [B, C, H, W]. */
    private static float[] dummySampleDeter() {
        float[] x = new float[N];
        for (int b = 0; b < BATCH; b++) {
            for (int c = 0; c < 3; c++) {
                for (int h = 0; h < 8; h++) {
                    for (int w = 0; w < 8; w++) {
                        x[index(b, c, h, w)] = (float) (c * 256 + h * 32 + w * 4 + b) / 768f;
                    }
                }
            }
        }
        return x;
    }

    private static int index(int b, int c, int h, int w) {
        return ((b * 3 + c) * 8 + h) * 8 + w;
    }

    /** diffusers' dummy model: sample * t / (t + 1), with t a float32-cast int64 tensor. */
    private static float[] dummyModel(float[] sample, int t) {
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sample[i] * (float) t / (float) (t + 1);
        }
        return out;
    }

    private static float[] expectedDenoised(int t, float[] x0, float[] sample) {
        float[] out = new float[x0.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = SCHEDULER.cOut(t) * x0[i] + SCHEDULER.cSkip(t) * sample[i];
        }
        return out;
    }

    private static float[] ramp(int n, float from, float to) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = from + (to - from) * i / (n - 1);
        }
        return out;
    }

    private static float[] mix(float a, float[] x, float b, float[] y) {
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = a * x[i] + b * y[i];
        }
        return out;
    }

    private static LcmSchedulerConfig withPrediction(PredictionType type, double timestepScaling) {
        LcmSchedulerConfig d = LcmSchedulerConfig.defaults();
        return new LcmSchedulerConfig(d.numTrainTimesteps(), d.betaStart(), d.betaEnd(), d.betaSchedule(), null,
                d.originalInferenceSteps(), false, 1.0, type, false, 0.995, 1.0, timestepScaling, false);
    }

    private static double absSum(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += Math.abs(v);
        }
        return sum;
    }

    private static double signedSum(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum;
    }
}
