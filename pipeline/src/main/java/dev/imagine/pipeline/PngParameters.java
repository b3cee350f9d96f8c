package dev.imagine.pipeline;

import dev.imagine.pipeline.image.GenerationParameters;
import dev.imagine.pipeline.image.PngEncoder;
import dev.imagine.pipeline.image.PngText;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The words a picture carries: the {@code parameters} text chunk every generated PNG holds, in the form
 * AUTOMATIC1111's web UI writes and Civitai and image viewers read (the prompt, then {@code Steps: …, Seed: …}).
 *
 * <p>Pixels may be shared between requests (two prompts that tokenize alike draw the same picture), words may not:
 * a picture kept for reuse is stored {@link #withoutText without text}, and each delivery is {@link #labelled} with
 * its own request. Both copy the image chunks byte for byte, so the pixels and their compressed data stay identical
 * and labelling a picture with the request that made it gives exactly the bytes the generator wrote.
 */
public final class PngParameters {
    /** The keyword of the text chunk. */
    public static final String KEYWORD = GenerationParameters.PNG_KEYWORD;
    /** The key that says an int8 UNet drew the picture ({@code UNet precision: int8}); fp32 pictures have none. */
    public static final String UNET_PRECISION = "UNet precision";
    /**
     * The key that says the int8 copy of the full VAE decoder decoded the picture ({@code VAE decoder precision:
     * int8}); pictures of the float32 decoder or of TAESD have none.
     */
    public static final String DECODER_PRECISION = "VAE decoder precision";

    private PngParameters() {
    }

    /** The text image {@code index} of {@code request} carries, as a generator with a float32 decoder writes it. */
    public static String textOf(GenerationRequest request, int index, String modelName) {
        return textOf(request, index, modelName, Precision.FP32);
    }

    /**
     * The text image {@code index} of {@code request} carries, as the generator writes it.
     *
     * @param decoderPrecision the generator's full VAE decoder ({@link ImageGenerator#decoderPrecision()})
     */
    public static String textOf(GenerationRequest request, int index, String modelName, Precision decoderPrecision) {
        Map<String, String> extra = new LinkedHashMap<>();
        if (request.isImageToImage()) {
            extra.put(GenerationParameters.DENOISING_STRENGTH, GenerationParameters.formatStrength(request.strength()));
            extra.put(GenerationParameters.INIT_IMAGE_HASH, request.source().pixelHash().substring(0, 16));
        }
        if (request.isInpainting()) {
            Inpainting inpainting = request.inpainting();
            extra.put(GenerationParameters.MASK_BLUR, Integer.toString(inpainting.maskBlur()));
            extra.put(GenerationParameters.MASK_HASH, inpainting.mask().pixelHash().substring(0, 16));
            Outpaint outpaint = inpainting.outpaint();
            if (outpaint != null) {
                extra.put(GenerationParameters.MASKED_CONTENT, "fill");
                extra.put(GenerationParameters.OUTPAINT, outpaint.mode().label());
                extra.put(GenerationParameters.OUTPAINT_PADDING, outpaint.paddingText());
                extra.put(GenerationParameters.OUTPAINT_SOURCE_HASH, outpaint.sourceHash().substring(0, 16));
            }
        }
        if (request.precision() == Precision.INT8) {
            // Imagine's key (the web UI has none): the picture was denoised by the int8 copy of the UNet.
            extra.put(UNET_PRECISION, request.precision().label());
        }
        if (decoderPrecision == Precision.INT8 && request.decoder() == GenerationRequest.Decoder.FULL) {
            extra.put(DECODER_PRECISION, decoderPrecision.label());
        }
        return new GenerationParameters(request.prompt(), request.steps(), request.guidance(), request.seedOf(index),
                request.width(), request.height(), modelName, LcmPipeline.VERSION, request.promptSyntax(), extra)
                .toText();
    }

    /**
     * The text an upscaled picture carries, in AUTOMATIC1111's words: for the plain 2x its extras tab's
     * {@code Postprocess upscale by} and {@code Postprocess upscaler}; for the detailed one its SD upscale script's
     * {@code Denoising strength}, {@code SD upscale overlap} and {@code SD upscale upscaler}; for both the source's
     * {@code Init image hash}.
     *
     * @param upscaler the super-resolution network's name ({@link ImageGenerator#upscalerName()})
     */
    public static String textOf(UpscaleRequest request, String modelName, String upscaler) {
        Map<String, String> extra = new LinkedHashMap<>();
        if (request.kind() == UpscaleRequest.Kind.X2) {
            extra.put("Postprocess upscale by", "2");
            extra.put("Postprocess upscaler", upscaler);
        } else {
            extra.put(GenerationParameters.DENOISING_STRENGTH, GenerationParameters.formatStrength(request.strength()));
            extra.put("SD upscale overlap", Integer.toString(request.overlap()));
            extra.put("SD upscale upscaler", upscaler);
        }
        extra.put(GenerationParameters.INIT_IMAGE_HASH, request.source().pixelHash().substring(0, 16));
        return new GenerationParameters(request.prompt(), request.steps(), request.guidance(), request.seed(),
                request.outputWidth(), request.outputHeight(), modelName, LcmPipeline.VERSION, extra).toText();
    }

    /** {@code png} with the text of {@link #textOf(UpscaleRequest, String, String)} as its only text. */
    public static byte[] labelled(byte[] png, UpscaleRequest request, String modelName, String upscaler) {
        return PngEncoder.withText(png, Map.of(KEYWORD, textOf(request, modelName, upscaler)));
    }

    /**
     * {@code png} with the parameters of image {@code index} of {@code request} as its only text.
     *
     * @throws IllegalArgumentException when {@code png} is not a whole PNG file
     */
    public static byte[] labelled(byte[] png, GenerationRequest request, int index, String modelName) {
        return labelled(png, request, index, modelName, Precision.FP32);
    }

    /** {@code png} with the text of {@link #textOf(GenerationRequest, int, String, Precision)} as its only text. */
    public static byte[] labelled(byte[] png, GenerationRequest request, int index, String modelName,
                                  Precision decoderPrecision) {
        return PngEncoder.withText(png, Map.of(KEYWORD, textOf(request, index, modelName, decoderPrecision)));
    }

    /**
     * {@code png} with no text chunk at all: the picture alone, nothing of whoever asked for it.
     *
     * @throws IllegalArgumentException when {@code png} is not a whole PNG file
     */
    public static byte[] withoutText(byte[] png) {
        return PngEncoder.withText(png, Map.of());
    }

    /** The parameters text of {@code png}, if it has one. */
    public static Optional<String> read(byte[] png) {
        return Optional.ofNullable(PngText.read(png).get(KEYWORD));
    }
}
