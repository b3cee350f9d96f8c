package dev.imagine.pipeline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.scheduler.LcmScheduler;
import dev.imagine.pipeline.scheduler.LcmSchedulerConfig;
import dev.imagine.pipeline.scheduler.LcmSchedulerConfig.BetaSchedule;
import dev.imagine.pipeline.scheduler.LcmSchedulerConfig.PredictionType;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code scheduler_config.json} as model folders write it, read into the LCM scheduler's settings. */
class SchedulerConfigFileTest {

    private static LcmSchedulerConfig read(String json) {
        return JsonFiles.parse(json.getBytes(StandardCharsets.UTF_8), SchedulerConfigFile.class,
                "scheduler_config.json").toConfig();
    }

    @Test
    void emptyObject_givesTheDefaults() {
        assertThat(read("{}")).isEqualTo(LcmSchedulerConfig.defaults());
    }

    @Test
    void realLcmDreamshaperConfig_acceptsConvertedSdKeys() {
        // LCM_Dreamshaper_v7's file: an SD scheduler config converted to LCM, with keys LCM does not use.
        LcmSchedulerConfig config = read("""
                {"_class_name": "LCMScheduler", "_diffusers_version": "0.22.0.dev0", "beta_end": 0.012,
                 "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": false,
                 "clip_sample_range": 1.0, "dynamic_thresholding_ratio": 0.995, "num_train_timesteps": 1000,
                 "original_inference_steps": 50, "prediction_type": "epsilon", "rescale_betas_zero_snr": false,
                 "sample_max_value": 1.0, "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1,
                 "thresholding": false, "timestep_scaling": 10.0, "timestep_spacing": "leading",
                 "interpolation_type": "linear", "trained_betas": null, "use_karras_sigmas": false}
                """);

        assertThat(config).isEqualTo(LcmSchedulerConfig.defaults());
        // steps_offset = 1 and timestep_spacing must not shift LCM's schedule.
        assertThat(new LcmScheduler(config).timesteps(4)).containsExactly(999, 759, 499, 259);
    }

    @Test
    void readsEveryUsedKey() {
        LcmSchedulerConfig config = read("""
                {"num_train_timesteps": 500, "beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "linear",
                 "original_inference_steps": 25, "clip_sample": true, "clip_sample_range": 2.0,
                 "prediction_type": "v_prediction", "thresholding": true, "dynamic_thresholding_ratio": 0.9,
                 "sample_max_value": 3.0, "timestep_scaling": 5, "rescale_betas_zero_snr": true}
                """);

        assertThat(config).isEqualTo(new LcmSchedulerConfig(500, 0.0001, 0.02, BetaSchedule.LINEAR, null, 25, true,
                2.0, PredictionType.V_PREDICTION, true, 0.9, 3.0, 5.0, true));
    }

    @Test
    void otherSchedulesAndPredictionTypes_areRecognised() {
        assertThat(read("{\"beta_schedule\": \"squaredcos_cap_v2\"}").betaSchedule())
                .isEqualTo(BetaSchedule.SQUAREDCOS_CAP_V2);
        assertThat(read("{\"prediction_type\": \"sample\"}").predictionType()).isEqualTo(PredictionType.SAMPLE);
    }

    @Test
    void trainedBetas_areUsedAsGiven() {
        LcmSchedulerConfig config = read("{\"num_train_timesteps\": 10, \"original_inference_steps\": 5,"
                + " \"trained_betas\": [0.01, 0.01, 0.01, 0.5, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01]}");

        assertThat(config.trainedBetas()).hasSize(10).element(3).isEqualTo(0.5);
        assertThat(new LcmScheduler(config).betas()[3]).isEqualTo(0.5f);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("beta_schedule", "\"foo\"", "\"foo\""),
                Arguments.of("prediction_type", "\"bar\"", "\"bar\""),
                Arguments.of("num_train_timesteps", "0", "= 0"),
                Arguments.of("num_train_timesteps", "1000.5", "1000.5"),
                Arguments.of("num_train_timesteps", "1000.0", "1000.0"),
                Arguments.of("num_train_timesteps", "\"1000\"", "\"1000\""),
                Arguments.of("original_inference_steps", "0", "= 0"),
                Arguments.of("beta_start", "-0.1", "-0.1"),
                Arguments.of("beta_start", "\"0.1\"", "\"0.1\""),
                Arguments.of("beta_end", "1.0", "1.0"),
                Arguments.of("clip_sample", "\"false\"", "\"false\""),
                Arguments.of("clip_sample_range", "0.0", "0.0"),
                Arguments.of("thresholding", "1.0", "1.0"),
                Arguments.of("thresholding", "1", "1"),
                Arguments.of("dynamic_thresholding_ratio", "1.5", "1.5"),
                Arguments.of("sample_max_value", "-1.0", "-1.0"),
                Arguments.of("timestep_scaling", "0.0", "0.0"),
                Arguments.of("rescale_betas_zero_snr", "\"yes\"", "\"yes\""),
                Arguments.of("trained_betas", "\"0.1\"", "\"0.1\""),
                Arguments.of("trained_betas", "[0.1, 0.2]", "2 values"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badValues")
    void badValue_isRejectedNamingTheKey(String key, String value, String shownValue) {
        assertThatThrownBy(() -> read("{\"" + key + "\": " + value + "}"))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(shownValue)
                .hasMessageContaining("expected");
    }

    @Test
    void unknownBetaSchedule_listsTheSupportedOnes() {
        assertThatThrownBy(() -> read("{\"beta_schedule\": \"foo\"}"))
                .hasMessageContaining("\"linear\", \"scaled_linear\", \"squaredcos_cap_v2\"");
    }

    @Test
    void nonNumericTrainedBeta_namesItsIndex() {
        assertThatThrownBy(() -> read("{\"num_train_timesteps\": 2, \"original_inference_steps\": 1,"
                + " \"trained_betas\": [0.1, \"x\"]}"))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("trained_betas[1]")
                .hasMessageContaining("\"x\"");
    }

    @Test
    void notAnObject_isRejectedNamingTheFile() {
        assertThatThrownBy(() -> read("[1, 2]"))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("scheduler_config.json").hasMessageContaining("expected an object");
        assertThatThrownBy(() -> read("null"))
                .isInstanceOf(PipelineException.class).hasMessageContaining("scheduler_config.json");
    }

    @Test
    void laxJson_isRejected() {
        assertThatThrownBy(() -> read("{\"beta_start\": 0.1, // a comment\n}"))
                .isInstanceOf(PipelineException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> read("{\"beta_start\": 0.1, \"beta_start\": 0.2}"))
                .isInstanceOf(PipelineException.class).hasMessageContaining("beta_start");
        assertThatThrownBy(() -> read("{\"beta_start\": 0.1} {}"))
                .isInstanceOf(PipelineException.class);
        assertThatThrownBy(() -> read("{\"beta_start\": NaN}"))
                .isInstanceOf(PipelineException.class).hasMessageContaining("not valid JSON");
    }
}
