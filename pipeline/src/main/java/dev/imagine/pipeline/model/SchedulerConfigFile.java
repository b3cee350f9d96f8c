package dev.imagine.pipeline.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.imagine.pipeline.scheduler.LcmSchedulerConfig;
import dev.imagine.pipeline.scheduler.LcmSchedulerConfig.BetaSchedule;
import dev.imagine.pipeline.scheduler.LcmSchedulerConfig.PredictionType;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code scheduler/scheduler_config.json} as written: each key the LCM scheduler uses, null when absent (or JSON
 * null), when it then takes diffusers' default. Other keys are ignored (see {@link LcmSchedulerConfig} for why).
 */
record SchedulerConfigFile(
        @JsonProperty("num_train_timesteps") Integer numTrainTimesteps,
        @JsonProperty("beta_start") Double betaStart,
        @JsonProperty("beta_end") Double betaEnd,
        @JsonProperty("beta_schedule") String betaSchedule,
        @JsonProperty("trained_betas") List<Double> trainedBetas,
        @JsonProperty("original_inference_steps") Integer originalInferenceSteps,
        @JsonProperty("clip_sample") Boolean clipSample,
        @JsonProperty("clip_sample_range") Double clipSampleRange,
        @JsonProperty("prediction_type") String predictionType,
        @JsonProperty("thresholding") Boolean thresholding,
        @JsonProperty("dynamic_thresholding_ratio") Double dynamicThresholdingRatio,
        @JsonProperty("sample_max_value") Double sampleMaxValue,
        @JsonProperty("timestep_scaling") Double timestepScaling,
        @JsonProperty("rescale_betas_zero_snr") Boolean rescaleBetasZeroSnr) {

    /**
     * Reads the file and checks every value.
     *
     * @throws dev.imagine.pipeline.PipelineException naming the key when a value has the wrong type or is out of range
     */
    static LcmSchedulerConfig read(Path file) {
        return JsonFiles.read(file, SchedulerConfigFile.class).toConfig();
    }

    /** The configuration these values make, with diffusers' default for each one that is absent. */
    LcmSchedulerConfig toConfig() {
        LcmSchedulerConfig d = LcmSchedulerConfig.defaults();
        return new LcmSchedulerConfig(
                or(numTrainTimesteps, d.numTrainTimesteps()),
                or(betaStart, d.betaStart()),
                or(betaEnd, d.betaEnd()),
                betaSchedule == null ? d.betaSchedule() : BetaSchedule.fromJson(betaSchedule),
                trainedBetas,
                or(originalInferenceSteps, d.originalInferenceSteps()),
                or(clipSample, d.clipSample()),
                or(clipSampleRange, d.clipSampleRange()),
                predictionType == null ? d.predictionType() : PredictionType.fromJson(predictionType),
                or(thresholding, d.thresholding()),
                or(dynamicThresholdingRatio, d.dynamicThresholdingRatio()),
                or(sampleMaxValue, d.sampleMaxValue()),
                or(timestepScaling, d.timestepScaling()),
                or(rescaleBetasZeroSnr, d.rescaleBetasZeroSnr()));
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
