package dev.imagine.pipeline.scheduler;

import dev.imagine.pipeline.PipelineException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code scheduler_config.json} keys that change what diffusers' {@code LCMScheduler} computes, with the
 * constructor defaults of diffusers.
 *
 * <p>Left out on purpose, because LCM never reads them: {@code set_alpha_to_one} (its value is only used when the
 * previous timestep is negative, which {@code step} never produces), {@code steps_offset} and
 * {@code timestep_spacing} (LCM's {@code set_timesteps} ignores both). They and any other key (for example
 * {@code skip_prk_steps}, {@code interpolation_type}, {@code _class_name}) are accepted and ignored, because model
 * folders often carry a config converted from another Stable Diffusion scheduler.
 *
 * @param trainedBetas explicit betas (one per training timestep) or null; when given, the beta range and schedule
 *     are not used, as in diffusers
 */
public record LcmSchedulerConfig(
        int numTrainTimesteps,
        double betaStart,
        double betaEnd,
        BetaSchedule betaSchedule,
        List<Double> trainedBetas,
        int originalInferenceSteps,
        boolean clipSample,
        double clipSampleRange,
        PredictionType predictionType,
        boolean thresholding,
        double dynamicThresholdingRatio,
        double sampleMaxValue,
        double timestepScaling,
        boolean rescaleBetasZeroSnr) {

    /** How the betas are spaced over the training timesteps ({@code beta_schedule}). */
    public enum BetaSchedule {
        LINEAR("linear"),
        SCALED_LINEAR("scaled_linear"),
        SQUAREDCOS_CAP_V2("squaredcos_cap_v2");

        private final String jsonName;

        BetaSchedule(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }

        /** The schedule named {@code name} in {@code scheduler_config.json}. */
        public static BetaSchedule fromJson(String name) {
            return choice("beta_schedule", name, values());
        }
    }

    /** What the UNet predicts ({@code prediction_type}). */
    public enum PredictionType {
        EPSILON("epsilon"),
        SAMPLE("sample"),
        V_PREDICTION("v_prediction");

        private final String jsonName;

        PredictionType(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }

        /** The prediction type named {@code name} in {@code scheduler_config.json}. */
        public static PredictionType fromJson(String name) {
            return choice("prediction_type", name, values());
        }
    }

    public LcmSchedulerConfig {
        require(numTrainTimesteps >= 1, "num_train_timesteps", numTrainTimesteps, "a whole number of at least 1");
        require(isBeta(betaStart), "beta_start", betaStart, "a number in [0, 1)");
        require(isBeta(betaEnd), "beta_end", betaEnd, "a number in [0, 1)");
        if (betaSchedule == null) {
            throw new PipelineException("beta_schedule is missing; expected one of " + names(BetaSchedule.values()));
        }
        if (trainedBetas != null) {
            require(trainedBetas.size() == numTrainTimesteps, "trained_betas", trainedBetas.size() + " values",
                    "one beta per training timestep (num_train_timesteps = " + numTrainTimesteps + ")");
            for (int i = 0; i < trainedBetas.size(); i++) {
                Double beta = trainedBetas.get(i);
                require(beta != null && isBeta(beta), "trained_betas[" + i + "]", beta, "a number in [0, 1)");
            }
            trainedBetas = List.copyOf(trainedBetas);
        }
        require(originalInferenceSteps >= 1, "original_inference_steps", originalInferenceSteps,
                "a whole number of at least 1");
        require(clipSampleRange > 0 && Double.isFinite(clipSampleRange), "clip_sample_range", clipSampleRange,
                "a finite number greater than 0");
        if (predictionType == null) {
            throw new PipelineException(
                    "prediction_type is missing; expected one of " + names(PredictionType.values()));
        }
        require(dynamicThresholdingRatio >= 0 && dynamicThresholdingRatio <= 1, "dynamic_thresholding_ratio",
                dynamicThresholdingRatio, "a quantile in [0, 1]");
        require(sampleMaxValue > 0 && Double.isFinite(sampleMaxValue), "sample_max_value", sampleMaxValue,
                "a finite number greater than 0");
        require(timestepScaling > 0 && Double.isFinite(timestepScaling), "timestep_scaling", timestepScaling,
                "a finite number greater than 0");
    }

    /** diffusers' {@code LCMScheduler()} with no arguments, which is also what SD1.5 LCM models ship. */
    public static LcmSchedulerConfig defaults() {
        return new LcmSchedulerConfig(1000, 0.00085, 0.012, BetaSchedule.SCALED_LINEAR, null, 50, false, 1.0,
                PredictionType.EPSILON, false, 0.995, 1.0, 10.0, false);
    }

    private static boolean isBeta(double beta) {
        return beta >= 0 && beta < 1;
    }

    private static void require(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new PipelineException("Scheduler config " + key + " = " + value + " is not accepted; expected "
                    + expected);
        }
    }

    private static <E extends Enum<E>> E choice(String key, String name, E[] options) {
        for (E option : options) {
            if (jsonName(option).equals(name)) {
                return option;
            }
        }
        throw new PipelineException("Scheduler config " + key + " = \"" + name + "\" is not supported; expected one of "
                + names(options));
    }

    private static String jsonName(Enum<?> option) {
        return option instanceof BetaSchedule b ? b.jsonName() : ((PredictionType) option).jsonName();
    }

    private static String names(Enum<?>[] options) {
        List<String> names = new ArrayList<>();
        for (Enum<?> option : options) {
            names.add('"' + jsonName(option) + '"');
        }
        return String.join(", ", names);
    }

}