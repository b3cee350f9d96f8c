package dev.imagine.pipeline;

import java.time.Duration;
import java.util.List;

/**
 * The images of one request, with where the time went.
 *
 * @param textEncoding  time to tokenize and encode the prompt
 * @param denoising     time in the UNet and scheduler, all images
 * @param decoding      time in the VAE decoder and PNG encoding, all images
 */
public record GenerationResult(List<GeneratedImage> images, TokenizedPrompt prompt, Duration textEncoding,
                               Duration denoising, Duration decoding) {
    public GenerationResult {
        images = List.copyOf(images);
    }

    public Duration total() {
        return textEncoding.plus(denoising).plus(decoding);
    }
}
