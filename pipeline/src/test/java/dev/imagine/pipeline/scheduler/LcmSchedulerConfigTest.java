package dev.imagine.pipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.scheduler.LcmSchedulerConfig.BetaSchedule;
import dev.imagine.pipeline.scheduler.LcmSchedulerConfig.PredictionType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

    @Test
    void fromJson_emptyObject_givesTheDefaults() {
        assertThat(LcmSchedulerConfig.fromJson(Map.of())).isEqualTo(LcmSchedulerConfig.defaults());
    }

    @Test
    void fromJson_realLcmDreamshaperConfig_acceptsConvertedSdKeys() {
        // LCM_Dreamshaper_v7 style: an SD scheduler config converted to LCM, with keys LCM does not use.
        Map<String, Object> json = new HashMap<>();
        json.put("_class_name", "LCMScheduler");
        json.put("_diffusers_version", "0.22.0.dev0");
        json.put("beta_end", 0.012);
        json.put("beta_schedule", "scaled_linear");
        json.put("beta_start", 0.00085);
        json.put("clip_sample", false);
        json.put("clip_sample_range", 1.0);
        json.put("dynamic_thresholding_ratio", 0.995);
        json.put("num_train_timesteps", 1000.0);
        json.put("original_inference_steps", 50.0);
        json.put("prediction_type", "epsilon");
        json.put("rescale_betas_zero_snr", false);
        json.put("sample_max_value", 1.0);
        json.put("set_alpha_to_one", false);
        json.put("skip_prk_steps", true);
        json.put("steps_offset", 1.0);
        json.put("thresholding", false);
        json.put("timestep_scaling", 10.0);
        json.put("timestep_spacing", "leading");
        json.put("interpolation_type", "linear");
        json.put("trained_betas", null);
        json.put("use_karras_sigmas", false);

        LcmSchedulerConfig config = LcmSchedulerConfig.fromJson(json);

        assertThat(config).isEqualTo(LcmSchedulerConfig.defaults());
        // steps_offset = 1 and timestep_spacing must not shift LCM's schedule.
        assertThat(new LcmScheduler(config).timesteps(4)).containsExactly(999, 759, 499, 259);
    }

    @Test
    void fromJson_readsEveryUsedKey() {
        Map<String, Object> json = new HashMap<>();
        json.put("num_train_timesteps", 500.0);
        json.put("beta_start", 0.0001);
        json.put("beta_end", 0.02);
        json.put("beta_schedule", "linear");
        json.put("original_inference_steps", 25.0);
        json.put("clip_sample", true);
        json.put("clip_sample_range", 2.0);
        json.put("prediction_type", "v_prediction");
        json.put("thresholding", true);
        json.put("dynamic_thresholding_ratio", 0.9);
        json.put("sample_max_value", 3.0);
        json.put("timestep_scaling", 5.0);
        json.put("rescale_betas_zero_snr", true);

        assertThat(LcmSchedulerConfig.fromJson(json)).isEqualTo(new LcmSchedulerConfig(500, 0.0001, 0.02,
                BetaSchedule.LINEAR, null, 25, true, 2.0, PredictionType.V_PREDICTION, true, 0.9, 3.0, 5.0, true));
    }

    @Test
    void fromJson_otherSchedulesAndPredictionTypes_areRecognised() {
        assertThat(LcmSchedulerConfig.fromJson(Map.of("beta_schedule", "squaredcos_cap_v2")).betaSchedule())
                .isEqualTo(BetaSchedule.SQUAREDCOS_CAP_V2);
        assertThat(LcmSchedulerConfig.fromJson(Map.of("prediction_type", "sample")).predictionType())
                .isEqualTo(PredictionType.SAMPLE);
    }

    @Test
    void fromJson_trainedBetas_areUsedAsGiven() {
        List<Object> betas = new ArrayList<>(Collections.nCopies(10, (Object) 0.01));
        betas.set(3, 0.5);
        Map<String, Object> json = new HashMap<>();
        json.put("num_train_timesteps", 10.0);
        json.put("original_inference_steps", 5.0);
        json.put("trained_betas", betas);

        LcmSchedulerConfig config = LcmSchedulerConfig.fromJson(json);

        assertThat(config.trainedBetas()).hasSize(10).element(3).isEqualTo(0.5);
        assertThat(new LcmScheduler(config).betas()[3]).isEqualTo(0.5f);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("beta_schedule", "foo", "\"foo\""),
                Arguments.of("prediction_type", "bar", "\"bar\""),
                Arguments.of("num_train_timesteps", 0.0, "= 0"),
                Arguments.of("num_train_timesteps", 1000.5, "1000.5"),
                Arguments.of("num_train_timesteps", "1000", "\"1000\""),
                Arguments.of("original_inference_steps", 0.0, "= 0"),
                Arguments.of("beta_start", -0.1, "-0.1"),
                Arguments.of("beta_end", 1.0, "1.0"),
                Arguments.of("clip_sample", "false", "\"false\""),
                Arguments.of("clip_sample_range", 0.0, "0.0"),
                Arguments.of("thresholding", 1.0, "1.0"),
                Arguments.of("dynamic_thresholding_ratio", 1.5, "1.5"),
                Arguments.of("sample_max_value", -1.0, "-1.0"),
                Arguments.of("timestep_scaling", 0.0, "0.0"),
                Arguments.of("rescale_betas_zero_snr", "yes", "\"yes\""),
                Arguments.of("trained_betas", "0.1", "\"0.1\""),
                Arguments.of("trained_betas", List.of(0.1, 0.2), "2 values"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badValues")
    void fromJson_badValue_isRejectedNamingTheKey(String key, Object value, String shownValue) {
        Map<String, Object> json = new HashMap<>();
        json.put(key, value);

        assertThatThrownBy(() -> LcmSchedulerConfig.fromJson(json))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(shownValue)
                .hasMessageContaining("expected");
    }

    @Test
    void fromJson_unknownBetaSchedule_listsTheSupportedOnes() {
        assertThatThrownBy(() -> LcmSchedulerConfig.fromJson(Map.of("beta_schedule", "foo")))
                .hasMessageContaining("\"linear\", \"scaled_linear\", \"squaredcos_cap_v2\"");
    }

    @Test
    void fromJson_nonNumericTrainedBeta_namesItsIndex() {
        Map<String, Object> json = new HashMap<>();
        json.put("num_train_timesteps", 2.0);
        json.put("original_inference_steps", 1.0);
        json.put("trained_betas", List.of(0.1, "x"));

        assertThatThrownBy(() -> LcmSchedulerConfig.fromJson(json))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("trained_betas[1]");
    }

    @Test
    void fromJson_null_isRejected() {
        assertThatThrownBy(() -> LcmSchedulerConfig.fromJson(null)).isInstanceOf(PipelineException.class);
    }
}
