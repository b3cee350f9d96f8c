package dev.imagine.bot.cache;

import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.Inpainting;
import dev.imagine.pipeline.PromptChunk;
import dev.imagine.pipeline.TokenizedPrompt;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Identifies one generated image by everything that changes its pixels or its PNG: the model and its revision,
 * the prompt as the text encoder reads it (the syntax it was read in, then every chunk's token ids and weights:
 * two prompts that read the same draw the same), seed, steps, size, guidance and decoder; for image to image also
 * the prepared source picture's pixel hash ({@code Picture.pixelHash()}) and the strength; for inpainting, zoom out and
 * pan also the mask's pixel hash, the mask blur and the outpaint mode. The syntax is part of
 * the key even where it reads a prompt the same, because a plain prompt's PNG says so in its parameters.
 * The digest is a file-name-safe SHA-256 hex string.
 */
public record CacheKey(String digest) {

    public static CacheKey of(String model, String revision, TokenizedPrompt prompt, long seed, int steps, int width,
                              int height, float guidance, String decoder) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            putString(sha, "imagine-result-v2");
            putString(sha, model);
            putString(sha, revision);
            putString(sha, prompt.syntax().label());
            List<PromptChunk> chunks = prompt.chunks();
            sha.update(ByteBuffer.allocate(4).putInt(chunks.size()).array());
            for (PromptChunk chunk : chunks) {
                int[] ids = chunk.ids();
                float[] weights = chunk.weights();
                ByteBuffer bytes = ByteBuffer.allocate(4 + ids.length * 8);
                bytes.putInt(ids.length);
                for (int i = 0; i < ids.length; i++) {
                    bytes.putInt(ids[i]).putFloat(weights[i]);
                }
                sha.update(bytes.array());
            }
            ByteBuffer numbers = ByteBuffer.allocate(8 + 4 * 4);
            numbers.putLong(seed).putInt(steps).putInt(width).putInt(height).putFloat(guidance);
            sha.update(numbers.array());
            putString(sha, decoder);
            return new CacheKey(HexFormat.of().formatHex(sha.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The key of a prompt read as plain text into these ids (one chunk, every token weighing 1). */
    public static CacheKey of(String model, String revision, int[] tokenIds, long seed, int steps, int width,
                              int height, float guidance, String decoder) {
        return of(model, revision, new TokenizedPrompt(tokenIds, tokenIds.length, tokenIds.length), seed, steps,
                width, height, guidance, decoder);
    }

    /** The image-to-image key of a prompt read as plain text into these ids (one chunk, every token weighing 1). */
    public static CacheKey of(String model, String revision, int[] tokenIds, long seed, int steps, int width,
                              int height, float guidance, String decoder, String sourcePixelHash, double strength) {
        return of(model, revision, new TokenizedPrompt(tokenIds, tokenIds.length, tokenIds.length), seed, steps,
                width, height, guidance, decoder, sourcePixelHash, strength);
    }

    /**
     * The key of an image-to-image result: the text-to-image key's fields, the source picture's pixel hash (after
     * decoding, orientation, flattening and resizing: {@code Picture.pixelHash()}) and the strength. Text-to-image keys
     * are unchanged, so their cached results stay valid.
     */
    public static CacheKey of(String model, String revision, TokenizedPrompt prompt, long seed, int steps, int width,
                              int height, float guidance, String decoder, String sourcePixelHash, double strength) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            putString(sha, "imagine-result-img2img-v1");
            putString(sha, of(model, revision, prompt, seed, steps, width, height, guidance, decoder).digest());
            putString(sha, sourcePixelHash);
            sha.update(ByteBuffer.allocate(8).putDouble(strength).array());
            return new CacheKey(HexFormat.of().formatHex(sha.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The key of an inpainting, zoom-out or pan result: the image-to-image key's fields (the source picture as the
     * pipeline takes it, for zoom out and pan the prepared canvas, and the strength), the mask's pixel hash
     * ({@code Mask.pixelHash()}), the mask blur, and the outpaint mode (empty for a mask that was given). Other keys
     * are unchanged.
     */
    public static CacheKey of(String model, String revision, TokenizedPrompt prompt, long seed, int steps, int width,
                              int height, float guidance, String decoder, String sourcePixelHash, double strength,
                              String maskPixelHash, int maskBlur, String outpaintMode) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            putString(sha, "imagine-result-inpaint-v1");
            putString(sha, of(model, revision, prompt, seed, steps, width, height, guidance, decoder, sourcePixelHash,
                    strength).digest());
            putString(sha, maskPixelHash);
            sha.update(ByteBuffer.allocate(4).putInt(maskBlur).array());
            putString(sha, outpaintMode);
            return new CacheKey(HexFormat.of().formatHex(sha.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The key of image {@code index} of a request as the pipeline takes it (text to image, image to image or
     * inpainting), with the decoder named as the job parameters name it ("full", "fast"), so a text-to-image request
     * gets the key the job service computes for it.
     */
    public static CacheKey of(String model, String revision, TokenizedPrompt prompt, GenerationRequest request,
                              int index) {
        long seed = request.seedOf(index);
        String decoder = request.decoder().name().toLowerCase(Locale.ROOT);
        if (request.isInpainting()) {
            Inpainting inpainting = request.inpainting();
            return of(model, revision, prompt, seed, request.steps(), request.width(), request.height(),
                    request.guidance(), decoder, request.source().pixelHash(), request.strength(),
                    inpainting.mask().pixelHash(), inpainting.maskBlur(),
                    inpainting.outpaint() == null ? "" : inpainting.outpaint().mode().label());
        }
        if (request.isImageToImage()) {
            return of(model, revision, prompt, seed, request.steps(), request.width(), request.height(),
                    request.guidance(), decoder, request.source().pixelHash(), request.strength());
        }
        return of(model, revision, prompt, seed, request.steps(), request.width(), request.height(),
                request.guidance(), decoder);
    }

    private static void putString(MessageDigest sha, String value) {
        byte[] bytes = (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }
}
