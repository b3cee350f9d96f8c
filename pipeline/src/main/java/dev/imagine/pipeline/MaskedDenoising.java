package dev.imagine.pipeline;

import dev.imagine.pipeline.image.PillowBlur;
import dev.imagine.pipeline.image.PillowCompositing;
import dev.imagine.pipeline.scheduler.LcmScheduler;
import dev.imagine.pipeline.scheduler.TorchGenerator;
import dev.imagine.pipeline.vae.PictureEncoder;
import dev.imagine.pipeline.vae.VaeEncoder;

/**
 * diffusers' {@code StableDiffusionInpaintPipeline} running the ordinary 4-channel LCM UNet with {@code LCMScheduler}
 * (the guidance embedding as in text to image, no classifier-free guidance), for one request: the mask prepared once
 * ({@link Inpainting}), then per image the start and the blend after every step ({@link Image}), and at the end the
 * source pasted back ({@link #pasteSource}).
 *
 * <p>What diffusers does with a 4-channel UNet, in its order:
 * <ol>
 *   <li>{@code set_timesteps(steps)}, then {@code get_timesteps}: the last {@code int(steps * strength)} timesteps
 *       run, and the scheduler begins at the first of them (so the last step adds no noise);</li>
 *   <li>random draws from the image's generator: the source's VAE posterior sampled ({@code image_latents}, always,
 *       since {@code return_image_latents} is true for 4 channels), the noise, then the masked source encoded and
 *       sampled, whose result only a 9-channel UNet reads (the draw is made all the same; the encoding is not), then
 *       one draw per step but the last ({@code LCMScheduler.step});</li>
 *   <li>the start: at strength 1.0 the noise itself, otherwise {@code add_noise(image_latents, noise, t0)};</li>
 *   <li>after every step: {@code (1 - m) * add_noise(image_latents, noise, t_next) + m * latents}, with the clean
 *       {@code image_latents} after the last step, {@code m} the mask sampled at every 8th pixel;</li>
 *   <li>the blended latents (not the denoised sample) decoded.</li>
 * </ol>
 */
final class MaskedDenoising {
    private final LcmScheduler scheduler;
    private final PictureEncoder encoder;
    private final int steps;
    private final double strength;
    private final float[] latentMask; // one value per latent pixel: 1 = redraw, 0 = keep
    private final byte[] overlayAlpha; // one value per pixel: min(255, 2 * blurred mask)
    private final byte[] sourceRgb;
    private final int width;
    private final int height;

    private MaskedDenoising(LcmScheduler scheduler, PictureEncoder encoder, GenerationRequest request,
                            float[] latentMask, byte[] overlayAlpha) {
        this.scheduler = scheduler;
        this.encoder = encoder;
        this.steps = request.steps();
        this.strength = request.strength();
        this.latentMask = latentMask;
        this.overlayAlpha = overlayAlpha;
        this.sourceRgb = request.source().rgb();
        this.width = request.width();
        this.height = request.height();
    }

    /**
     * Prepares the mask of {@code request} for a model whose VAE scales by {@code vaeScale} and whose UNet takes
     * {@code unetChannels} channels.
     *
     * @throws PipelineException for a UNet that is not the ordinary 4-channel one, or a mask whose white part is too
     *                           small to reach a single latent pixel
     */
    static MaskedDenoising prepare(GenerationRequest request, LcmScheduler scheduler, PictureEncoder encoder,
                                   int vaeScale, int unetChannels) {
        if (unetChannels != 4) {
            throw new PipelineException("this model's UNet takes " + unetChannels + " input channels; Imagine inpaints"
                    + " with the ordinary 4-channel LCM UNet (dedicated 9-channel inpainting UNets are not supported):"
                    + " use an LCM text-to-image model such as LCM Dreamshaper v7");
        }
        Inpainting inpainting = request.inpainting();
        int w = request.width();
        int h = request.height();
        byte[] grey = inpainting.mask().grey();
        byte[] binary = new byte[grey.length];
        for (int p = 0; p < grey.length; p++) {
            binary[p] = (byte) ((grey[p] & 0xff) >= Mask.REDRAW_FROM ? 255 : 0);
        }
        byte[] blurred = PillowBlur.gaussian(binary, w, h, 1, inpainting.maskBlur());
        int lw = w / vaeScale;
        int lh = h / vaeScale;
        float[] latentMask = new float[lw * lh];
        boolean any = false;
        for (int y = 0; y < lh; y++) {
            for (int x = 0; x < lw; x++) {
                // torch's nearest interpolation by an exact factor reads pixel (8x, 8y); diffusers binarized at 0.5.
                boolean redraw = (blurred[y * vaeScale * w + x * vaeScale] & 0xff) >= Mask.REDRAW_FROM;
                latentMask[y * lw + x] = redraw ? 1f : 0f;
                any |= redraw;
            }
        }
        if (!any) {
            throw new PipelineException("the white part of the mask is too small to redraw: the model redraws the "
                    + "picture in blocks of " + vaeScale + "x" + vaeScale + " pixels and no block's corner is white"
                    + (inpainting.maskBlur() > 0 ? " after the mask blur of " + inpainting.maskBlur() + " pixels" : "")
                    + "; paint a larger area" + (inpainting.maskBlur() > 0 ? " or use a smaller mask blur" : ""));
        }
        byte[] overlay = new byte[blurred.length];
        for (int p = 0; p < blurred.length; p++) {
            overlay[p] = (byte) Math.min(255, 2 * (blurred[p] & 0xff));
        }
        return new MaskedDenoising(scheduler, encoder, request, latentMask, overlay);
    }

    /** Starts one image: its random draws before the steps, in diffusers' order, and its scheduler run. */
    Image start(VaeEncoder.Posterior posterior, TorchGenerator generator) {
        LcmScheduler.Run run = scheduler.startTruncated(steps, strength);
        float[] imageLatents = encoder.sample(posterior, generator);
        float[] noise = generator.randn(imageLatents.length);
        generator.randn(imageLatents.length); // the masked source's posterior sample, which a 4-channel UNet ignores
        float[] latents = strength == 1.0 ? noise : scheduler.addNoise(imageLatents, noise, run.currentTimestep());
        return new Image(run, imageLatents, noise, latents);
    }

    /** One image being drawn: the source's latents and the noise that re-noises them for every blend. */
    final class Image {
        private final LcmScheduler.Run run;
        private final float[] imageLatents;
        private final float[] noise;
        private final float[] initialLatents;

        private Image(LcmScheduler.Run run, float[] imageLatents, float[] noise, float[] initialLatents) {
            this.run = run;
            this.imageLatents = imageLatents;
            this.noise = noise;
            this.initialLatents = initialLatents;
        }

        LcmScheduler.Run run() {
            return run;
        }

        float[] initialLatents() {
            return initialLatents;
        }

        /**
         * After {@code run.step}: the kept area takes the source's latents noised to the next timestep (the clean
         * latents after the last step); the rest keeps {@code stepped}. Evaluated as torch does,
         * {@code (1 - m) * proper + m * latents}.
         */
        float[] blend(float[] stepped) {
            float[] proper = run.isDone() ? imageLatents
                    : scheduler.addNoise(imageLatents, noise, run.currentTimestep());
            int plane = latentMask.length;
            float[] out = new float[stepped.length];
            for (int i = 0; i < out.length; i++) {
                float m = latentMask[i % plane];
                out[i] = (1f - m) * proper[i] + m * stepped[i];
            }
            return out;
        }
    }

    /**
     * The source pasted back over the decoded picture through the feathered mask (diffusers' {@code apply_overlay}
     * with AUTOMATIC1111's {@code min(255, 2 * blurred)}): exactly the source wherever the blurred mask is 0.
     */
    byte[] pasteSource(byte[] generatedRgb) {
        return PillowCompositing.overlay(sourceRgb, generatedRgb, overlayAlpha, width, height);
    }
}
