package dev.imagine.bot.command;

import java.util.Objects;

/**
 * What a job starts from when it is not text alone: a picture kept in the job store under its pixel hash (so the job
 * can be drawn again, or resumed, after a restart) and what is done with it.
 *
 * @param kind     image to image, or one of the upscales
 * @param picture  the prepared picture's pixel hash ({@code Picture.pixelHash()}): its key in the job store
 * @param strength how far image to image (or the detailed upscale's refinement) may move from the picture, in (0, 1];
 *                 for inpainting, zoom out and pan the share of the steps that run
 * @param mask     for inpainting, the mask's key in the job store (kept as a grey picture at the source's size);
 *                 otherwise null
 * @param outpaint for zoom out and pan, the {@link OutpaintMode#label()}; otherwise null
 */
public record JobSource(Kind kind, String picture, double strength, String mask, String outpaint) {

    public enum Kind {
        /** diffusers' LatentConsistencyModelImg2ImgPipeline from the picture (an upload, or Vary). */
        IMAGE_TO_IMAGE,
        /** The super-resolution network, then Lanczos to twice the size. */
        UPSCALE,
        /** That picture refined tile by tile with low-strength image to image. */
        UPSCALE_DETAILED,
        /** diffusers' StableDiffusionInpaintPipeline: the mask's white part redrawn, the rest kept. */
        INPAINT,
        /** Zoom out or pan: the picture placed on a canvas, the new area drawn as inpainting. */
        OUTPAINT;

        public boolean upscales() {
            return this == UPSCALE || this == UPSCALE_DETAILED;
        }
    }

    /** Image to image or an upscale. */
    public JobSource(Kind kind, String picture, double strength) {
        this(kind, picture, strength, null, null);
    }

    public JobSource {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(picture, "picture");
        if ((kind == Kind.INPAINT) != (mask != null) || (kind == Kind.OUTPAINT) != (outpaint != null)) {
            throw new IllegalArgumentException("a mask goes with inpainting and an outpaint mode with outpainting: "
                    + kind + ", mask " + mask + ", outpaint " + outpaint);
        }
        if (!(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength must be above 0 and at most 1, got " + strength);
        }
    }
}
