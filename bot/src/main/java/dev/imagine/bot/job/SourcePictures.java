package dev.imagine.bot.job;

import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.JobSource;
import dev.imagine.pipeline.Mask;
import dev.imagine.pipeline.Picture;
import dev.imagine.pipeline.PictureDecoder;
import dev.imagine.pipeline.PictureRejectedException;
import dev.imagine.pipeline.PipelineException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * The pictures jobs start from. A file people send is checked and decoded by the pipeline's {@link PictureDecoder}
 * (the same limits and the same words of refusal on every platform); a prepared picture is kept in the job store as
 * a lossless PNG under its pixel hash, which is all a job records of it, and read back exactly when the job is drawn.
 */
record SourcePictures(JobStore store, PictureDecoder decoder) {

    /**
     * @throws PictureRejectedException when it is not a picture Imagine accepts; the message says what is
     */
    Picture decode(byte[] file) {
        return decoder.decode(file);
    }

    /**
     * A mask file as people send it: the same checks as a picture, its transparency read by the pipeline's rule.
     *
     * @throws PictureRejectedException when it is not a picture Imagine accepts; the message says what is
     */
    Picture decodeMask(byte[] file) {
        return decoder.decodeMask(file);
    }

    /** Keeps a mask (fitted to its source) as a grey picture; returns its key. */
    String keep(Mask mask) {
        byte[] grey = mask.grey();
        byte[] rgb = new byte[grey.length * 3];
        for (int p = 0; p < grey.length; p++) {
            rgb[p * 3] = grey[p];
            rgb[p * 3 + 1] = grey[p];
            rgb[p * 3 + 2] = grey[p];
        }
        return keep(Picture.ofRgb(rgb, mask.width(), mask.height()));
    }

    /** The mask of an inpainting job, exactly as it was kept (a grey picture's luma is its grey). */
    Mask maskOf(JobSource source) {
        byte[] png = store.picture(source.mask()).orElseThrow(() -> new PipelineException(
                "the mask " + source.mask() + " of this job is not in the job store"));
        return Mask.of(decoder.decode(png));
    }

    /** Keeps {@code picture} in the store; returns its key, the pixel hash. */
    String keep(Picture picture) {
        String hash = picture.pixelHash();
        store.savePicture(hash, png(picture));
        return hash;
    }

    /**
     * The picture a job starts from.
     *
     * @throws PipelineException when the store no longer has it (a store copied without its pictures)
     */
    Picture of(JobSource source) {
        byte[] png = store.picture(source.picture()).orElseThrow(() -> new PipelineException(
                "the picture " + source.picture() + " this job starts from is not in the job store"));
        return decoder.decode(png);
    }

    /** The picture of a job with a source, or null for text to image. */
    Picture of(JobParameters parameters) {
        return parameters.source() == null ? null : of(parameters.source());
    }

    /** A PNG of the picture's pixels as they are: RGB, 8 bits, no text. */
    static byte[] png(Picture picture) {
        BufferedImage image = new BufferedImage(picture.width(), picture.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        byte[] rgb = picture.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("a PNG of a picture in memory", e);
        }
        return out.toByteArray();
    }
}
