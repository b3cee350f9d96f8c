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
 *                  {@code steps} may not exceed that number. With a mask (inpainting, diffusers'
 *                  {@code StableDiffusionInpaintPipeline}) it is the SD image-to-image truncation instead: the
 *                  {@code steps}-step schedule is built and its last {@code int(steps * strength)} steps run
 *                  ({@link #denoisingSteps()}), so {@code steps} 4 at strength 0.6 runs 2 steps
 * @param inpainting with a source picture: the mask of what to redraw and how (diffusers'
 *                  {@code StableDiffusionInpaintPipeline} with the 4-channel LCM UNet); null otherwise
 * @param precision the UNet to denoise with, when the generator holds both ({@link ImageGenerator#precisions()});
 *                  null for the generator's own ({@link ImageGenerator#precision()}). An int8 picture says so in its
 *                  PNG parameters.
 */
public record GenerationRequest(String prompt, long seed, int steps, float guidance, int width, int height,
                                int count, Decoder decoder, PromptSyntax promptSyntax, Picture source,
                                double strength, Inpainting inpainting, Precision precision) {
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
    /**
     * The strength of inpainting when none is given: diffusers' default, 1.0: the masked area starts from noise and
     * is drawn anew, only the kept area around it guides it.
     */
    public static final double DEFAULT_INPAINT_STRENGTH = 1.0;
    /**
     * The strength of zoom out and pan when none is given: 0.8 (AUTOMATIC1111's advice for outpainting): the new area
     * starts from the picture's colours flowing into it, noised to the second of four timesteps, so it continues
     * the picture's colours and invents its content (at 4 steps, 3 run: 759, 499, 259).
     */
    public static final double DEFAULT_OUTPAINT_STRENGTH = 0.8;
    /** The mask blur of inpainting when none is given, in pixels: AUTOMATIC1111's default. */
    public static final int DEFAULT_MASK_BLUR = 4;
    /** The mask blur of zoom out and pan: AUTOMATIC1111's outpainting mk2 default, a wider seam. */
    public static final int OUTPAINT_MASK_BLUR = 8;
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

    /** A text-to-image or image-to-image request (no mask). */
    public GenerationRequest(String prompt, long seed, int steps, float guidance, int width, int height, int count,
                             Decoder decoder, PromptSyntax promptSyntax, Picture source, double strength) {
        this(prompt, seed, steps, guidance, width, height, count, decoder, promptSyntax, source, strength, null);
    }

    /** A request denoised with the generator's own UNet ({@link ImageGenerator#precision()}). */
    public GenerationRequest(String prompt, long seed, int steps, float guidance, int width, int height, int count,
                             Decoder decoder, PromptSyntax promptSyntax, Picture source, double strength,
                             Inpainting inpainting) {
        this(prompt, seed, steps, guidance, width, height, count, decoder, promptSyntax, source, strength, inpainting,
                null);
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
        if (inpainting != null && source == null) {
            problems.add("a mask needs a source picture: the mask says which of its pixels to redraw");
        } else if (inpainting != null) {
            checkInpainting(source, inpainting.mask(), strength, steps, width, height, problems);
        } else if (source != null) {
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

    private static void checkInpainting(Picture source, Mask mask, double strength, int steps, int width, int height,
                                        List<String> problems) {
        if (source.width() != width || source.height() != height) {
            problems.add("the source picture is " + source.width() + "x" + source.height() + " but the request is "
                    + width + "x" + height + ": resize the picture to the request's size first");
        }
        if (mask.width() != source.width() || mask.height() != source.height()) {
            problems.add("the mask is " + mask.width() + "x" + mask.height() + " but the picture is " + source.width()
                    + "x" + source.height() + ": fit the mask to the picture first (Mask.fit)");
        }
        if (mask.redrawsNothing()) {
            problems.add("the mask is black everywhere, so there is nothing to redraw: paint white (or light grey) "
                    + "where the picture should change");
        }
        if (!(strength > 0 && strength <= 1)) {
            problems.add("strength is " + strength + ": use a number above 0 and at most 1 (" + DEFAULT_INPAINT_STRENGTH
                    + " is the default for a mask; lower keeps more of what is under it)");
            return;
        }
        // diffusers' get_timesteps: int(steps * strength) of the steps-step schedule run, and none is refused.
        if ((int) (steps * strength) < 1) {
            problems.add("strength " + strength + " with " + steps + (steps == 1 ? " step" : " steps") + " runs int("
                    + steps + " x " + strength + ") = 0 steps: use a strength of at least "
                    + java.math.BigDecimal.valueOf(Math.ceil(1000.0 / steps) / 1000).stripTrailingZeros()
                    .toPlainString() + " or more steps");
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

    /** Whether this starts from a source picture: image to image, or inpainting (with a mask). */
    public boolean isImageToImage() {
        return source != null;
    }

    /** Whether this redraws the masked part of its source picture. */
    public boolean isInpainting() {
        return inpainting != null;
    }

    /**
     * How many denoising steps each image runs: {@code steps}, or with a mask {@code min(int(steps * strength),
     * steps)}, as diffusers' inpaint pipeline truncates its schedule.
     */
    public int denoisingSteps() {
        return inpainting == null ? steps : Math.min((int) (steps * strength), steps);
    }

    /**
     * The same request drawn from {@code picture} (its size becomes the request's) with {@code strength}.
     *
     * @throws PipelineException when the picture's size or the strength is not accepted
     */
    public GenerationRequest withSource(Picture picture, double sourceStrength) {
        return new GenerationRequest(prompt, seed, steps, guidance, picture.width(), picture.height(), count, decoder,
                promptSyntax, picture, sourceStrength, null, precision);
    }

    /**
     * The same request redrawing the white part of {@code mask} over {@code picture} (its size becomes the
     * request's): diffusers' {@code StableDiffusionInpaintPipeline} with the 4-channel LCM UNet, then the source
     * pasted back outside the feathered mask ({@link Inpainting}). A mask that redraws every pixel leaves nothing to
     * keep or paste back: that is image to image, and this returns {@link #withSource} at the same strength.
     *
     * @param mask     the mask at the picture's size ({@link Mask#fit})
     * @param maskBlur the feathering in pixels ({@link #DEFAULT_MASK_BLUR} is A1111's default)
     * @throws PipelineException when the mask does not fit, redraws nothing, or the strength runs no step
     */
    public GenerationRequest withMask(Picture picture, Mask mask, int maskBlur, double maskStrength) {
        if (mask.redrawsEverything()) {
            return withSource(picture, maskStrength);
        }
        return new GenerationRequest(prompt, seed, steps, guidance, picture.width(), picture.height(), count, decoder,
                promptSyntax, picture, maskStrength, new Inpainting(mask, maskBlur, null), precision);
    }

    /**
     * The same request zooming out or panning: the canvas ({@link Outpaint#prepare}) becomes the source and its size
     * the request's, its new area is drawn with mask blur {@link #OUTPAINT_MASK_BLUR}.
     */
    public GenerationRequest withOutpaint(Outpaint.Canvas canvas, double outpaintStrength) {
        return withOutpaint(canvas, outpaintStrength, OUTPAINT_MASK_BLUR);
    }

    /** {@link #withOutpaint(Outpaint.Canvas, double)} with another mask blur. */
    public GenerationRequest withOutpaint(Outpaint.Canvas canvas, double outpaintStrength, int maskBlur) {
        Picture picture = canvas.picture();
        return new GenerationRequest(prompt, seed, steps, guidance, picture.width(), picture.height(), count, decoder,
                promptSyntax, picture, outpaintStrength, new Inpainting(canvas.mask(), maskBlur, canvas.outpaint()),
                precision);
    }

    /** The request with the defaults for everything but prompt and seed. */
    public static GenerationRequest of(String prompt, long seed) {
        return new GenerationRequest(prompt, seed, DEFAULT_STEPS, DEFAULT_GUIDANCE, DEFAULT_SIZE, DEFAULT_SIZE, 1);
    }

    /** The same request decoded with {@code choice}. */
    public GenerationRequest withDecoder(Decoder choice) {
        return new GenerationRequest(prompt, seed, steps, guidance, width, height, count, choice, promptSyntax, source,
                strength, inpainting, precision);
    }

    /** The same request with its prompt read in {@code syntax}. */
    public GenerationRequest withPromptSyntax(PromptSyntax syntax) {
        return new GenerationRequest(prompt, seed, steps, guidance, width, height, count, decoder, syntax, source,
                strength, inpainting, precision);
    }

    /** The same request denoised with the UNet of {@code unet} (null: the generator's own). */
    public GenerationRequest withPrecision(Precision unet) {
        return new GenerationRequest(prompt, seed, steps, guidance, width, height, count, decoder, promptSyntax, source,
                strength, inpainting, unet);
    }

    public long seedOf(int index) {
        return seed + index;
    }
}
