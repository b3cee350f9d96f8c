package dev.imagine.pipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.scheduler.LcmSchedulerConfig.BetaSchedule;
import dev.imagine.pipeline.scheduler.LcmSchedulerConfig.PredictionType;
import org.junit.jupiter.api.Test;

class LcmSchedulerConfigTest {

    @Test
    void defaults_areDiffusersConstructorDefaults() {
        LcmSchedulerConfig config = LcmSchedulerConfig.defaults();

        assertThat(config.numTrainTimesteps()).isEqualTo(1000);
        assertThat(config.betaStart()).isEqualTo(0.00085);
        assertThat(config.betaEnd()).isEqualTo(0.012);
        assertThat(config.betaSchedule()).isEqualTo(BetaSchedule.SCALED_LINEAR);
        assertThat(config.trainedBetas()).isNull();
        assertThat(config.originalInferenceSteps()).isEqualTo(50);
        assertThat(config.clipSample()).isFalse();
        assertThat(config.clipSampleRange()).isEqualTo(1.0);
        assertThat(config.predictionType()).isEqualTo(PredictionType.EPSILON);
        assertThat(config.thresholding()).isFalse();
        assertThat(config.dynamicThresholdingRatio()).isEqualTo(0.995);
        assertThat(config.sampleMaxValue()).isEqualTo(1.0);
        assertThat(config.timestepScaling()).isEqualTo(10.0);
        assertThat(config.rescaleBetasZeroSnr()).isFalse();
    }
}
