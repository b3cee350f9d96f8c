package dev.imagine.bot.job;

import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.pipeline.UpscaleRequest;

/**
 * What a job costs, in 512x512 UNet steps: the unit of ETAs, of admission and of the fair-share usage. Text to image
 * is {@link JobParameters#workUnits()}. Image to image adds the VAE encoder, measured at about one step
 * (bench/results/2026-12-07-img2img.md). The plain upscale is the super-resolution network, about half a step per
 * 512x512 of source (2026-12-07-upscale.md: 3.9 s for 256x256 where a step took 30 to 40 s). The detailed upscale adds
 * an image to image of every 512x512 tile (its steps, the encoder, and the decoder at about two steps), so the
 * detailed upscale of a 512x512 picture (9 tiles of 2 steps) weighs as much as about eleven ordinary 4-step pictures.
 * Inpainting, zoom out and pan run the last {@code int(steps x strength)} steps on the whole canvas and the encoder
 * twice (diffusers encodes the picture and the masked picture).
 */
final class WorkUnits {
    /** The VAE encoder, in UNet steps. */
    static final double ENCODER = 1.0;
    /** The VAE decoder, in UNet steps. */
    static final double DECODER = 2.0;
    /** The super-resolution network per 512x512 of source, in UNet steps. */
    static final double UPSCALER = 0.5;

    private WorkUnits() {
    }

    static double of(JobParameters p) {
        if (p.source() == null) {
            return p.workUnits();
        }
        double pictures = (double) p.size().pixels() / (512.0 * 512.0);
        return switch (p.source().kind()) {
            case IMAGE_TO_IMAGE -> (p.steps() + ENCODER) * p.count() * pictures;
            // diffusers' inpaint pipeline encodes the picture and the masked picture, and runs int(steps x strength)
            case INPAINT, OUTPAINT -> ((int) (p.steps() * p.source().strength()) + 2 * ENCODER) * p.count() * pictures;
            case UPSCALE -> UPSCALER * pictures / 4;
            case UPSCALE_DETAILED -> UPSCALER * pictures / 4 + tiles(p.size()) * (p.steps() + ENCODER + DECODER);
        };
    }

    /** The 512x512 tiles (overlapping by at least 64 pixels) of a detailed upscale to {@code output}. */
    private static int tiles(ImageSize output) {
        return UpscaleRequest.detailedTiles(output.width() / 2, output.height() / 2);
    }
}
