package dev.imagine.bot.command;

import java.util.Objects;

/**
 * What a job starts from when it is not text alone: a picture kept in the job store under its pixel hash (so the job
 * can be drawn again, or resumed, after a restart) and what is done with it.
 *
 * @param kind     image to image, or one of the upscales
 * @param picture  the prepared picture's pixel hash ({@code Picture.pixelHash()}): its key in the job store
 * @param strength how far image to image (or the detailed upscale's refinement) may move from the picture, in (0, 1]
 */
public record JobSource(Kind kind, String picture, double strength) {

    public enum Kind {
        /** diffusers' LatentConsistencyModelImg2ImgPipeline from the picture (an upload, or Vary). */
        IMAGE_TO_IMAGE,
        /** The super-resolution network, then Lanczos to twice the size. */
        UPSCALE,
        /** That picture refined tile by tile with low-strength image to image. */
        UPSCALE_DETAILED;

        public boolean upscales() {
            return this != IMAGE_TO_IMAGE;
        }
    }

    public JobSource {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(picture, "picture");
        if (!(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength must be above 0 and at most 1, got " + strength);
        }
    }
}
