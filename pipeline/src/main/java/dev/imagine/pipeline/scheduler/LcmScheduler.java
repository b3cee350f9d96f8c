package dev.imagine.pipeline.scheduler;

import dev.imagine.pipeline.PipelineException;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * diffusers' {@code LCMScheduler} (0.24 and later): the timestep schedule, the consistency-model step and
 * {@code add_noise}. Immutable and shareable; the per-generation state lives in a {@link Run}.
 *
 * <p>Every element-wise formula is evaluated in float32 in the order torch evaluates it, because the reference
 * runs use float32 tensors and 0-d float32 scalars (the timestep is an int64 tensor, so even {@code t * 10.0} is a
 * float32 product).
 */
public final class LcmScheduler {
    private static final float SIGMA_DATA_SQUARED = 0.25f;

    private final LcmSchedulerConfig config;
    private final float[] betas;
    private final float[] alphasCumprod;

    public LcmScheduler(LcmSchedulerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.betas = NoiseSchedule.betas(config);
        this.alphasCumprod = NoiseSchedule.alphasCumprod(betas);
    }

    public LcmSchedulerConfig config() {
        return config;
    }

    /** The training betas, one per timestep (a copy). */
    public float[] betas() {
        return betas.clone();
    }

    /** The cumulative products of {@code 1 - beta}, indexed by timestep (a copy). */
    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /** The text-to-image schedule: {@code set_timesteps(steps)}. */
    public int[] timesteps(int steps) {
        return timesteps(steps, 1.0);
    }

    /** The image-to-image schedule: {@code set_timesteps(steps, strength=strength)}. */
    public int[] timesteps(int steps, double strength) {
        return timesteps(steps, strength, config.originalInferenceSteps());
    }

    /**
     * {@code set_timesteps(steps, original_inference_steps=originalSteps, strength=strength)}: the LCM distillation
     * schedule has {@code int(originalSteps * strength)} timesteps spaced {@code T / originalSteps} apart, and
     * {@code steps} of them are picked at evenly spaced indices, starting from the noisiest.
     *
     * @throws PipelineException when the combination cannot produce {@code steps} distinct timesteps
     */
    public int[] timesteps(int steps, double strength, int originalSteps) {
        int[] origin = originTimesteps(strength, originalSteps);
        int trainSteps = config.numTrainTimesteps();
        if (steps < 1) {
            throw new PipelineException("num_inference_steps = " + steps + " is not accepted; expected at least 1");
        }
        if (steps > trainSteps) {
            throw new PipelineException("num_inference_steps = " + steps + " is larger than num_train_timesteps = "
                    + trainSteps + "; expected at most " + trainSteps);
        }
        if (origin.length / steps < 1) {
            double neededStrength = (double) steps / originalSteps;
            throw new PipelineException("num_inference_steps = " + steps + " is larger than int(original_inference_steps"
                    + " x strength) = int(" + originalSteps + " x " + strength + ") = " + origin.length
                    + "; expected at most " + origin.length + " steps"
                    + (neededStrength <= 1 ? " or a strength of at least " + neededStrength : ""));
        }
        if (steps > originalSteps) {
            throw new PipelineException("num_inference_steps = " + steps + " is larger than original_inference_steps = "
                    + originalSteps + "; expected at most " + originalSteps);
        }
        int[] timesteps = new int[steps];
        // numpy linspace(0, len, steps, endpoint=False): i * (len / steps) in double, then floor.
        double spacing = (double) origin.length / steps;
        for (int i = 0; i < steps; i++) {
            int index = (int) Math.floor(i * spacing);
            timesteps[i] = origin[origin.length - 1 - index];
        }
        return timesteps;
    }

    /** A text-to-image generation with {@code steps} steps. */
    public Run start(int steps) {
        return start(steps, 1.0);
    }

    /** An image-to-image generation; the first timestep is the one to noise the encoded image to. */
    public Run start(int steps, double strength) {
        int[] timesteps = timesteps(steps, strength);
        return new Run(timesteps, timesteps.length, 0);
    }

    /**
     * The schedule of diffusers' inpaint pipeline (SD image to image's truncation): {@code set_timesteps(steps)},
     * then, as its {@code get_timesteps} does, the run begins at index {@code steps - min(int(steps * strength), steps)}
     * ({@code set_begin_index}), so that the schedule's last step is still the last one (no noise added) and
     * {@code int(steps * strength)} steps run.
     *
     * @throws PipelineException when no step would run
     */
    public Run startTruncated(int steps, double strength) {
        checkStrength(strength);
        int[] timesteps = timesteps(steps);
        int kept = Math.min((int) (steps * strength), steps);
        if (kept < 1) {
            throw new PipelineException("strength = " + strength + " with " + steps + " steps runs int(" + steps
                    + " x " + strength + ") = 0 steps; expected a strength of at least " + 1.0 / steps);
        }
        return new Run(timesteps, steps, steps - kept);
    }

    /**
     * A generation on a caller-chosen schedule ({@code set_timesteps(timesteps=custom, strength=strength)}).
     * As in SD img2img, strength drops the first {@code n - min(int(n * strength), n)} entries. diffusers keeps
     * {@code num_inference_steps = n} afterwards, so a shortened schedule never reaches its "last step" and adds noise
     * on every step; the run reproduces that, and the result to decode is then {@link StepResult#denoised()}.
     *
     * @param timesteps strictly descending, each in [0, num_train_timesteps)
     */
    public Run startCustom(int[] timesteps, double strength) {
        Objects.requireNonNull(timesteps, "timesteps");
        checkStrength(strength);
        int trainSteps = config.numTrainTimesteps();
        if (timesteps.length == 0) {
            throw new PipelineException("Custom timesteps are empty; expected at least one timestep");
        }
        if (timesteps[0] >= trainSteps) {
            throw new PipelineException("Custom timestep " + timesteps[0] + " is not accepted; expected timesteps below"
                    + " num_train_timesteps = " + trainSteps);
        }
        for (int i = 0; i < timesteps.length; i++) {
            if (i > 0 && timesteps[i] >= timesteps[i - 1]) {
                throw new PipelineException("Custom timesteps " + Arrays.toString(timesteps)
                        + " are not accepted; expected strictly descending timesteps");
            }
            // diffusers would index alphas_cumprod from the end for a negative timestep; refuse it instead.
            if (timesteps[i] < 0) {
                throw new PipelineException("Custom timestep " + timesteps[i] + " is not accepted; expected 0 or more");
            }
        }
        int n = timesteps.length;
        int kept = Math.min((int) (n * strength), n);
        int start = Math.max(n - kept, 0);
        if (start >= n) {
            throw new PipelineException("strength = " + strength + " keeps none of the " + n
                    + " custom timesteps; expected a strength of at least " + 1.0 / n);
        }
        return new Run(Arrays.copyOfRange(timesteps, start, n), n, 0);
    }

    /**
     * {@code add_noise}: {@code sqrt(ac[t]) * x0 + sqrt(1 - ac[t]) * noise}, for image-to-image.
     *
     * @return a new array
     */
    public float[] addNoise(float[] x0, float[] noise, int t) {
        requireSameLength("noise", noise, "x0", x0);
        float alphaProd = alphaCumprodAt(t);
        float sqrtAlpha = (float) Math.sqrt(alphaProd);
        float sqrtOneMinusAlpha = (float) Math.sqrt(1f - alphaProd);
        float[] out = new float[x0.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sqrtAlpha * x0[i] + sqrtOneMinusAlpha * noise[i];
        }
        return out;
    }

    /** The consistency-model boundary scaling of the current sample: {@code sigma_data^2 / (s^2 + sigma_data^2)}. */
    float cSkip(int t) {
        float s = scaledTimestep(t);
        // torch evaluates `0.25 / x` as reciprocal(x) * 0.25; with a power-of-two numerator that equals a division.
        return SIGMA_DATA_SQUARED / (s * s + SIGMA_DATA_SQUARED);
    }

    /** The boundary scaling of the predicted x0: {@code s / sqrt(s^2 + sigma_data^2)}. */
    float cOut(int t) {
        float s = scaledTimestep(t);
        return s / (float) Math.sqrt(s * s + SIGMA_DATA_SQUARED);
    }

    private float scaledTimestep(int t) {
        return (float) t * (float) config.timestepScaling();
    }

    private float alphaCumprodAt(int t) {
        if (t < 0 || t >= alphasCumprod.length) {
            throw new PipelineException("Timestep " + t + " is not accepted; expected 0 to " + (alphasCumprod.length - 1));
        }
        return alphasCumprod[t];
    }

    private int[] originTimesteps(double strength, int originalSteps) {
        int trainSteps = config.numTrainTimesteps();
        if (originalSteps < 1 || originalSteps > trainSteps) {
            throw new PipelineException("original_inference_steps = " + originalSteps + " is not accepted; expected 1 to"
                    + " num_train_timesteps = " + trainSteps);
        }
        checkStrength(strength);
        int k = trainSteps / originalSteps;
        int count = (int) (originalSteps * strength);
        int[] origin = new int[count];
        for (int i = 0; i < count; i++) {
            origin[i] = (i + 1) * k - 1;
        }
        return origin;
    }

    private static void checkStrength(double strength) {
        // The diffusers pipelines reject strengths outside [0, 1]; above 1 the schedule would leave the training range.
        if (!(strength >= 0 && strength <= 1)) {
            throw new PipelineException("strength = " + strength + " is not accepted; expected a number in [0, 1]");
        }
    }

    private static void requireSameLength(String name, float[] array, String otherName, float[] other) {
        Objects.requireNonNull(array, name);
        Objects.requireNonNull(other, otherName);
        if (array.length != other.length) {
            throw new PipelineException(name + " has " + array.length + " values but " + otherName + " has "
                    + other.length + "; expected tensors of the same shape");
        }
    }

    /** The outcome of one step; on the last step of a standard schedule both are the same array. */
    public record StepResult(float[] prevSample, float[] denoised) {
    }

    /**
     * One generation's pass over the schedule: call {@link #step} once per timestep, in order. Not thread-safe.
     */
    public final class Run {
        private final int[] timesteps;
        // diffusers' num_inference_steps, which differs from timesteps.length after a custom schedule with strength.
        private final int numInferenceSteps;
        private int stepIndex;

        private Run(int[] timesteps, int numInferenceSteps, int beginIndex) {
            this.timesteps = timesteps;
            this.numInferenceSteps = numInferenceSteps;
            this.stepIndex = beginIndex;
        }

        /** All timesteps of this run, noisiest first (a copy). */
        public int[] timesteps() {
            return timesteps.clone();
        }

        /** The index of the next step in {@link #timesteps()}: how many have been taken, after the begin index. */
        public int stepIndex() {
            return stepIndex;
        }

        public boolean isDone() {
            return stepIndex == timesteps.length;
        }

        /** The timestep the next {@link #step} denoises, which is also what the UNet must be given. */
        public int currentTimestep() {
            if (isDone()) {
                throw new PipelineException("All " + timesteps.length + " steps of this run are done");
            }
            return timesteps[stepIndex];
        }

        /** {@link #step(float[], float[], int, Supplier)} for a single image (batch size 1). */
        public StepResult step(float[] modelOutput, float[] sample, Supplier<float[]> noise) {
            return step(modelOutput, sample, 1, noise);
        }

        /**
         * One LCM step at {@link #currentTimestep()}: predicts x0, applies the boundary condition, and, unless this is
         * the last step, re-noises to the next timestep.
         *
         * @param modelOutput the UNet output for {@code sample}, same shape
         * @param sample the current latents [batch, channels, h, w], flattened
         * @param batch the leading dimension of both tensors; only dynamic thresholding works per batch item
         * @param noise standard normal noise for the whole tensor, requested only when a step needs it, so that the
         *     random stream advances exactly as diffusers' does
         */
        public StepResult step(float[] modelOutput, float[] sample, int batch, Supplier<float[]> noise) {
            requireSameLength("modelOutput", modelOutput, "sample", sample);
            Objects.requireNonNull(noise, "noise");
            if (batch < 1 || sample.length % batch != 0) {
                throw new PipelineException("batch = " + batch + " is not accepted; expected a positive divisor of the "
                        + sample.length + " sample values");
            }
            int t = currentTimestep();
            boolean hasNext = stepIndex + 1 < timesteps.length;
            int prevT = hasNext ? timesteps[stepIndex + 1] : t;

            float alphaProdT = alphaCumprodAt(t);
            float alphaProdPrev = alphaCumprodAt(prevT);
            float sqrtAlphaT = (float) Math.sqrt(alphaProdT);
            float sqrtBetaT = (float) Math.sqrt(1f - alphaProdT);
            float cSkip = cSkip(t);
            float cOut = cOut(t);

            float[] denoised = predictOriginal(modelOutput, sample, sqrtAlphaT, sqrtBetaT);
            if (config.thresholding()) {
                Thresholding.apply(denoised, batch, (float) config.dynamicThresholdingRatio(),
                        (float) config.sampleMaxValue());
            } else if (config.clipSample()) {
                float range = (float) config.clipSampleRange();
                for (int i = 0; i < denoised.length; i++) {
                    denoised[i] = Math.min(Math.max(denoised[i], -range), range);
                }
            }
            for (int i = 0; i < denoised.length; i++) {
                denoised[i] = cOut * denoised[i] + cSkip * sample[i];
            }

            float[] prevSample;
            if (stepIndex != numInferenceSteps - 1) {
                float[] z = noise.get();
                if (z == null || z.length != sample.length) {
                    throw new PipelineException("The noise supplier returned " + (z == null ? "null" : z.length
                            + " values") + "; expected " + sample.length + " values, one per sample value");
                }
                float sqrtAlphaPrev = (float) Math.sqrt(alphaProdPrev);
                float sqrtBetaPrev = (float) Math.sqrt(1f - alphaProdPrev);
                prevSample = new float[sample.length];
                for (int i = 0; i < prevSample.length; i++) {
                    prevSample[i] = sqrtAlphaPrev * denoised[i] + sqrtBetaPrev * z[i];
                }
            } else {
                prevSample = denoised;
            }
            stepIndex++;
            return new StepResult(prevSample, denoised);
        }

        private float[] predictOriginal(float[] modelOutput, float[] sample, float sqrtAlphaT, float sqrtBetaT) {
            float[] x0 = new float[sample.length];
            switch (config.predictionType()) {
                case EPSILON -> {
                    for (int i = 0; i < x0.length; i++) {
                        x0[i] = (sample[i] - sqrtBetaT * modelOutput[i]) / sqrtAlphaT;
                    }
                }
                case SAMPLE -> System.arraycopy(modelOutput, 0, x0, 0, x0.length);
                case V_PREDICTION -> {
                    for (int i = 0; i < x0.length; i++) {
                        x0[i] = sqrtAlphaT * sample[i] - sqrtBetaT * modelOutput[i];
                    }
                }
            }
            return x0;
        }
    }
}
