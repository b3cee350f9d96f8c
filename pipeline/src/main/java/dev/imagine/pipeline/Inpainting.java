package dev.imagine.pipeline;

import java.util.Objects;

/**
 * The masked part of a request ({@link GenerationRequest#withMask}, {@link GenerationRequest#withOutpaint}): which
 * pixels to redraw and how the seam is feathered.
 *
 * <p>The pipeline reads the mask as AUTOMATIC1111 and diffusers together do: binarized at 128, blurred by
 * {@code maskBlur} with Pillow's GaussianBlur ({@code VaeImageProcessor.blur}), handed to diffusers'
 * {@code StableDiffusionInpaintPipeline} (which binarizes it again at 0.5 and takes every 8th pixel for the latents),
 * and afterwards the source is pasted back over the result through {@code min(255, 2 * blurred)}: exactly the source
 * where the blurred mask is 0, the generated picture from the blurred mask's half-way line outwards, a blend in
 * between (AUTOMATIC1111's overlay).
 *
 * @param mask     the mask at the request's size
 * @param maskBlur the blur's standard deviation in pixels, 0 to {@value #MAX_MASK_BLUR} (A1111's "Mask blur")
 * @param outpaint what zoom out or pan made the source and mask, or null for a mask that was given
 */
public record Inpainting(Mask mask, int maskBlur, Outpaint outpaint) {
    public static final int MAX_MASK_BLUR = 64;

    public Inpainting {
        Objects.requireNonNull(mask, "mask");
        if (maskBlur < 0 || maskBlur > MAX_MASK_BLUR) {
            throw new PipelineException("mask blur is " + maskBlur + ": use 0 (a hard edge) to " + MAX_MASK_BLUR
                    + " pixels (" + GenerationRequest.DEFAULT_MASK_BLUR + " is the default)");
        }
    }
}
