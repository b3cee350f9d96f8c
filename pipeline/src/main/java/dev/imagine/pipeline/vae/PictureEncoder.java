package dev.imagine.pipeline.vae;

import ai.onnxruntime.OrtEnvironment;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.Picture;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.scheduler.TorchGenerator;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image-to-image start of diffusers' {@code LatentConsistencyModelImg2ImgPipeline}: the prepared picture through
 * the image processor and the VAE encoder, then sampled with each image's generator. Owns the encoder, which is
 * loaded on the first picture (text-to-image-only deployments never pay for it).
 */
public final class PictureEncoder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PictureEncoder.class);

    private final OrtEnvironment env;
    private final Path file;
    private final SessionSettings settings;
    private final float scalingFactor;
    private VaeEncoder encoder;

    /** @param file the model's {@code vae_encoder/model.onnx}, or null when the folder has none */
    public PictureEncoder(OrtEnvironment env, Path file, SessionSettings settings, float scalingFactor) {
        this.env = env;
        this.file = file;
        this.settings = settings;
        this.scalingFactor = scalingFactor;
    }

    public boolean available() {
        return file != null;
    }

    /** The encoder, loaded on first use. */
    public VaeEncoder encoder() {
        if (encoder == null) {
            if (file == null) {
                throw new PipelineException("this model folder has no vae_encoder/model.onnx, which image to image "
                        + "needs: use a complete optimum export");
            }
            long start = System.nanoTime();
            encoder = VaeEncoder.load(env, file, settings);
            LOG.info("loaded the VAE encoder {} in {} ms{}", file, (System.nanoTime() - start) / 1_000_000,
                    encoder.isLegacyExport() ? " (a sampling export, rewritten to expose mean and std)" : "");
        }
        return encoder;
    }

    /**
     * diffusers' image processor on a prepared picture ({@code x / 255 * 2 - 1}, NCHW, float32), then
     * {@code vae.encode(x).latent_dist}.
     */
    public VaeEncoder.Posterior encode(Picture picture) {
        int width = picture.width();
        int height = picture.height();
        int plane = width * height;
        byte[] rgb = picture.rgb();
        float[] chw = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                chw[c * plane + p] = 2f * ((rgb[p * 3 + c] & 0xff) / 255f) - 1f;
            }
        }
        return encoder().encode(chw, new long[] {1, 3, height, width});
    }

    /**
     * {@code scaling_factor * latent_dist.sample(generator)} = {@code sf * (mean + std * randn)}: the first draw of
     * the image's generator. The caller then adds noise at the first timestep with the next draw.
     */
    public float[] sample(VaeEncoder.Posterior posterior, TorchGenerator generator) {
        float[] mean = posterior.mean();
        float[] std = posterior.std();
        float[] z = generator.randn(mean.length);
        float[] x = new float[mean.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = scalingFactor * (mean[i] + std[i] * z[i]);
        }
        return x;
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
        }
    }
}
