package dev.imagine.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * What to draw. Image {@code i} of a request uses seed {@code seed + i}, so every image of a batch can be replayed
 * on its own (as in AUTOMATIC1111's web UI and diffusers with one generator per image).
 *
 * @param guidance  classifier-free guidance scale as diffusers defines it (the LCM embedding uses guidance - 1)
 * @param count     how many images, 1..4
 * @param decoder   which decoder turns the latents into pixels; {@link Decoder#FAST} needs a generator opened
 *                  with a fast decoder ({@link PipelineOptions#fastDecoder()})
 * @param promptSyntax how the prompt's text is read: {@link PromptSyntax#A1111} (weights, BREAK, long prompts in
 *                  chunks; the default) or {@link PromptSyntax#PLAIN} (as written, cut after 75 tokens, as diffusers)
 * @param source    for image to image (diffusers' {@code LatentConsistencyModelImg2ImgPipeline}): the picture to start
 *                  from, already prepared at the request's width and height ({@link PictureDecoder},
 *                  {@link Picture#resized}); null for text to image
 * @param strength  image to image only (1.0 otherwise): how far from the source the picture may go, in (0, 1]. The
 *                  schedule is built from {@code int(50 * strength)} of the model's 50 distillation steps, so
 *                  {@code steps} may not exceed that number
 */
public record GenerationRequest(String prompt, long seed, int steps, float guidance, int width, int height,
                                int count, Decoder decoder, PromptSyntax promptSyntax, Picture source,
                                double strength) {
    public static final int MIN_SIZE = 256;
    public static final int MAX_SIZE = 1024;
    public static final int MIN_STEPS = 1;
    public static final int MAX_STEPS = 8;
    public static final float MIN_GUIDANCE = 1f;
    public static final float MAX_GUIDANCE = 20f;
    public static final int MAX_COUNT = 4;
    public static final int DEFAULT_STEPS = 4;
    public static final float DEFAULT_GUIDANCE = 8f;
    public static final int DEFAULT_SIZE = 512;
    /**
     * The strength of image to image when none is given (and of the chat commands'): 0.5 keeps the source's layout
     * and colours and redraws its details (LCM at 4 steps: timesteps 499, 379, 259, 139).
     */
    public static final double DEFAULT_STRENGTH = 0.5;
    /** LCM's distillation schedule length ({@code original_inference_steps}) in every LCM SD 1.5 model. */
    static final int ORIGINAL_INFERENCE_STEPS = 50;

    /**
     * The decoder from latents to pixels. {@code FULL} is the model's own VAE decoder: the exact diffusers
     * picture. {@code FAST} is the tiny TAESD decoder (diffusers' {@code AutoencoderTiny}): about 17x cheaper,
     * slightly softer details and colours.
     */
    public enum Decoder { FULL, FAST }

    /** A request decoded with the full VAE, its prompt read in the default syntax (A1111). */
    public GenerationRequest(String prompt, long seed, int steps, float guidance, int width, int height, int count) {
        this(prompt, seed, steps, guidance, width, height, count, Decoder.FULL);
    }

    /** A text-to-image request whose prompt is read in the default syntax (A1111). */
    public GenerationRequest(String prompt, long seed, int steps, float guidance, int width, int height, int count,
                             Decoder decoder) {
        this(prompt, seed, steps, guidance, width, height, count, decoder, PromptSyntax.DEFAULT);
    }

    /** A text-to-image request. */
    public GenerationRequest(String prompt, long seed, int steps, float guidance, int width, int height, int count,
                             Decoder decoder, PromptSyntax promptSyntax) {
        this(prompt, seed, steps, guidance, width, height, count, decoder, promptSyntax, null, 1.0);
    }

    /** Rejects bad input with one message that names every wrong value and what would be accepted. */
    public GenerationRequest {
        List<String> problems = new ArrayList<>();
        if (decoder == null) {
            problems.add("the decoder is missing: use FULL or FAST");
        }
        if (promptSyntax == null) {
            problems.add("the prompt syntax is missing: use A1111 or PLAIN");
        }
        if (prompt == null || prompt.isBlank()) {
            problems.add("the prompt is empty: describe the picture you want");
        }
        if (steps < MIN_STEPS || steps > MAX_STEPS) {
            problems.add("steps is " + steps + ": use " + MIN_STEPS + " to " + MAX_STEPS + " (4 is a good default)");
        }
        if (!(guidance >= MIN_GUIDANCE && guidance <= MAX_GUIDANCE)) {
            problems.add("guidance is " + guidance + ": use " + MIN_GUIDANCE + " to " + MAX_GUIDANCE);
        }
        checkSize("width", width, problems);
        checkSize("height", height, problems);
        if (count < 1 || count > MAX_COUNT) {
            problems.add("count is " + count + ": use 1 to " + MAX_COUNT);
        }
        if (source != null) {
            checkImageToImage(source, strength, steps, width, height, problems);
        } else if (strength != 1.0) {
            problems.add("strength is " + strength + " without a source picture: strength is for image to image");
        }
        if (!problems.isEmpty()) {
            throw new PipelineException(String.join("; ", problems));
        }
    }

    private static void checkSize(String name, int value, List<String> problems) {
        if (value < MIN_SIZE || value > MAX_SIZE || value % 8 != 0) {
            problems.add(name + " is " + value + ": use a multiple of 8 from " + MIN_SIZE + " to " + MAX_SIZE);
        }
    }

    private static void checkImageToImage(Picture source, double strength, int steps, int width, int height,
                                          List<String> problems) {
        if (source.width() != width || source.height() != height) {
            problems.add("the source picture is " + source.width() + "x" + source.height() + " but the request is "
                    + width + "x" + height + ": resize the picture to the request's size first");
        }
        if (!(strength > 0 && strength <= 1)) {
            problems.add("strength is " + strength + ": use a number above 0 and at most 1 (" + DEFAULT_STRENGTH
                    + " is the default; lower keeps more of the picture)");
            return;
        }
        // diffusers: LCMScheduler.set_timesteps(steps, strength) needs int(50 * strength) >= steps (Python's int
        // truncates the double product: 0.55 gives 27). Refused rather than clamped, so the picture is the one asked.
        int available = (int) (ORIGINAL_INFERENCE_STEPS * strength);
        if (available < steps) {
            int most = Math.max(available, 0);
            problems.add("strength " + strength + " leaves int(50 x " + strength + ") = " + available
                    + " of LCM's 50 schedule steps, fewer than the " + steps + " steps asked: use "
                    + (most >= 1 ? "at most " + most + (most == 1 ? " step" : " steps") + " or " : "")
                    + "a strength of at least " + minimumStrength(steps));
        }
    }

    /** The smallest strength with int(50 * strength) >= steps, as a short decimal. */
    static String minimumStrength(int steps) {
        double strength = (double) steps / ORIGINAL_INFERENCE_STEPS;
        while ((int) (ORIGINAL_INFERENCE_STEPS * strength) < steps) {
            strength = Math.nextUp(strength);
        }
        return java.math.BigDecimal.valueOf(Math.ceil(strength * 1000) / 1000).stripTrailingZeros().toPlainString();
    }

    /** Whether this is image to image. */
    public boolean isImageToImage() {
        return source != null;
    }

    /**
     * The same request drawn from {@code picture} (its size becomes the request's) with {@code strength}.
     *
     * @throws PipelineException when the picture's size or the strength is not accepted
     */
    public GenerationRequest withSource(Picture picture, double sourceStrength) {
        return new GenerationRequest(prompt, seed, steps, guidance, picture.width(), picture.height(), count, decoder,
                promptSyntax, picture, sourceStrength);
    }

    /** The request with the defaults for everything but prompt and seed. */
    public static GenerationRequest of(String prompt, long seed) {
        return new GenerationRequest(prompt, seed, DEFAULT_STEPS, DEFAULT_GUIDANCE, DEFAULT_SIZE, DEFAULT_SIZE, 1);
    }

    /** The same request decoded with {@code choice}. */
    public GenerationRequest withDecoder(Decoder choice) {
        return new GenerationRequest(prompt, seed, steps, guidance, width, height, count, choice, promptSyntax, source,
                strength);
    }

    /** The same request with its prompt read in {@code syntax}. */
    public GenerationRequest withPromptSyntax(PromptSyntax syntax) {
        return new GenerationRequest(prompt, seed, steps, guidance, width, height, count, decoder, syntax, source,
                strength);
    }

    public long seedOf(int index) {
        return seed + index;
    }
}
