package dev.imagine.pipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.pipeline.PipelineException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LcmSchedulerTimestepsTest {
    private static final LcmScheduler SCHEDULER = new LcmScheduler(LcmSchedulerConfig.defaults());

    @Test
    void timesteps_oneToTwoSteps_startAtTheLastTrainingTimestep() {
        assertThat(SCHEDULER.timesteps(1)).containsExactly(999);
        assertThat(SCHEDULER.timesteps(2)).containsExactly(999, 499);
    }

    @Test
    void timesteps_fourSteps_areDiffusers024Schedule() {
        // diffusers <= 0.23 (skipping rule) gave 999, 759, 519, 279.
        assertThat(SCHEDULER.timesteps(4)).containsExactly(999, 759, 499, 259);
    }

    @Test
    void timesteps_threeSixAndEightSteps_areDiffusers024Schedule() {
        assertThat(SCHEDULER.timesteps(3)).containsExactly(999, 679, 339);
        assertThat(SCHEDULER.timesteps(6)).containsExactly(999, 839, 679, 499, 339, 179);
        assertThat(SCHEDULER.timesteps(8)).containsExactly(999, 879, 759, 639, 499, 379, 259, 139);
    }

    @Test
    void timesteps_fiveSevenAndTenSteps_matchTheTable() {
        assertThat(SCHEDULER.timesteps(5)).containsExactly(999, 799, 599, 399, 199);
        assertThat(SCHEDULER.timesteps(7)).containsExactly(999, 859, 719, 579, 439, 299, 159);
        assertThat(SCHEDULER.timesteps(10)).containsExactly(999, 899, 799, 699, 599, 499, 399, 299, 199, 99);
    }

    @ParameterizedTest(name = "N={1} ends at t={0}")
    @CsvSource({"99, 10", "39, 25", "39, 26", "19, 50"})
    void timesteps_lastTimestep_matchesDiffusersTestInferenceSteps(int lastTimestep, int steps) {
        int[] timesteps = SCHEDULER.timesteps(steps);

        assertThat(timesteps).hasSize(steps);
        assertThat(timesteps[steps - 1]).isEqualTo(lastTimestep);
        assertThat(timesteps).isSortedAccordingTo((a, b) -> Integer.compare(b, a)).doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "T={0}")
    @ValueSource(ints = {100, 500, 1000})
    void timesteps_anyTrainingLength_startAtItsLastTimestep(int trainSteps) {
        LcmSchedulerConfig d = LcmSchedulerConfig.defaults();
        LcmScheduler scheduler = new LcmScheduler(new LcmSchedulerConfig(trainSteps, d.betaStart(), d.betaEnd(),
                d.betaSchedule(), null, d.originalInferenceSteps(), d.clipSample(), d.clipSampleRange(),
                d.predictionType(), d.thresholding(), d.dynamicThresholdingRatio(), d.sampleMaxValue(),
                d.timestepScaling(), d.rescaleBetasZeroSnr()));

        assertThat(scheduler.timesteps(4)[0]).isEqualTo(trainSteps - 1);
    }

    @Test
    void timesteps_withStrength_drawFromTheShortenedDistillationSchedule() {
        assertThat(SCHEDULER.timesteps(1, 0.8)).containsExactly(799);
        assertThat(SCHEDULER.timesteps(2, 0.8)).containsExactly(799, 399);
        assertThat(SCHEDULER.timesteps(3, 0.8)).containsExactly(799, 539, 279);
        assertThat(SCHEDULER.timesteps(4, 0.8)).containsExactly(799, 599, 399, 199);
        assertThat(SCHEDULER.timesteps(4, 0.5)).containsExactly(499, 379, 259, 139);
    }

    @Test
    void timesteps_originalStepsOverride_changesTheSpacing() {
        // 1000 // 25 = 40: the distillation schedule is 39, 79, ..., 999.
        assertThat(SCHEDULER.timesteps(4, 1.0, 25)).containsExactly(999, 759, 519, 279);
    }

    @Test
    void timesteps_zeroSteps_isRejected() {
        assertThatThrownBy(() -> SCHEDULER.timesteps(0))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("num_inference_steps = 0");
    }

    @Test
    void timesteps_moreStepsThanTrainingTimesteps_isRejected() {
        assertThatThrownBy(() -> SCHEDULER.timesteps(1001))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("num_inference_steps = 1001")
                .hasMessageContaining("num_train_timesteps = 1000");
    }

    @Test
    void timesteps_moreStepsThanDistillationSteps_isRejected() {
        assertThatThrownBy(() -> SCHEDULER.timesteps(51))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("num_inference_steps = 51")
                .hasMessageContaining("expected at most 50 steps")
                .hasMessageNotContaining("strength of at least");
    }

    @Test
    void timesteps_moreStepsThanStrengthLeaves_isRejected() {
        assertThat(SCHEDULER.timesteps(40, 0.8)).hasSize(40);
        assertThatThrownBy(() -> SCHEDULER.timesteps(41, 0.8))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("num_inference_steps = 41")
                .hasMessageContaining("= 40")
                .hasMessageContaining("strength of at least 0.82");
    }

    @Test
    void timesteps_originalStepsAboveTrainingTimesteps_isRejected() {
        assertThatThrownBy(() -> SCHEDULER.timesteps(4, 1.0, 1001))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("original_inference_steps = 1001");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, 1.5, Double.NaN})
    void timesteps_strengthOutsideZeroToOne_isRejected(double strength) {
        assertThatThrownBy(() -> SCHEDULER.timesteps(4, strength))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("strength = " + strength);
    }

    @Test
    void timesteps_strengthZero_leavesNoStep() {
        assertThatThrownBy(() -> SCHEDULER.timesteps(1, 0.0))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("int(50 x 0.0) = 0");
    }

    @Test
    void run_timesteps_areTheScheduleAndACopy() {
        LcmScheduler.Run run = SCHEDULER.start(4);
        int[] timesteps = run.timesteps();
        timesteps[0] = 5;

        assertThat(run.timesteps()).containsExactly(999, 759, 499, 259);
        assertThat(run.currentTimestep()).isEqualTo(999);
        assertThat(SCHEDULER.start(4, 0.5).timesteps()).containsExactly(499, 379, 259, 139);
    }

    @Test
    void startCustom_keepsTheGivenTimesteps() {
        assertThat(SCHEDULER.startCustom(new int[] {100, 87, 50, 1, 0}, 1.0).timesteps())
                .containsExactly(100, 87, 50, 1, 0);
    }

    @Test
    void startCustom_withStrength_dropsTheNoisiestAndStillAddsNoiseOnItsLastStep() {
        LcmScheduler.Run run = SCHEDULER.startCustom(new int[] {999, 759, 499, 259}, 0.5);
        assertThat(run.timesteps()).containsExactly(499, 259);

        AtomicInteger draws = new AtomicInteger();
        float[] sample = new float[16];
        Arrays.fill(sample, 0.5f);
        LcmScheduler.StepResult last = null;
        while (!run.isDone()) {
            last = run.step(new float[16], sample, () -> {
                draws.incrementAndGet();
                return new float[16];
            });
        }
        // diffusers keeps num_inference_steps = 4, so step index 1 is never "the last" and both steps draw noise.
        assertThat(draws).hasValue(2);
        assertThat(last.prevSample()).isNotSameAs(last.denoised());
    }

    @Test
    void startCustom_ascendingTimesteps_isRejected() {
        assertThatThrownBy(() -> SCHEDULER.startCustom(new int[] {100, 87, 87, 1}, 1.0))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("[100, 87, 87, 1]")
                .hasMessageContaining("descending");
    }

    @Test
    void startCustom_timestepAtTrainingLength_isRejected() {
        assertThatThrownBy(() -> SCHEDULER.startCustom(new int[] {1000}, 1.0))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("1000")
                .hasMessageContaining("num_train_timesteps = 1000");
    }

    @Test
    void startCustom_emptyOrNegativeTimesteps_areRejected() {
        assertThatThrownBy(() -> SCHEDULER.startCustom(new int[0], 1.0))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> SCHEDULER.startCustom(new int[] {10, -1}, 1.0))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void startCustom_strengthKeepingNothing_isRejected() {
        assertThatThrownBy(() -> SCHEDULER.startCustom(new int[] {999, 499}, 0.4))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("strength = 0.4");
    }
}
