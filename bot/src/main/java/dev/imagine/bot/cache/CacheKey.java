package dev.imagine.bot.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Identifies one generated image by everything that changes its pixels: the model and its revision, the prompt
 * as tokenized (two prompts that tokenize the same draw the same), seed, steps, size, guidance and decoder; for image
 * to image also the prepared source picture's pixel hash ({@code Picture.pixelHash()}) and the strength.
 * The digest is a file-name-safe SHA-256 hex string.
 */
public record CacheKey(String digest) {

    public static CacheKey of(String model, String revision, int[] tokenIds, long seed, int steps, int width,
                              int height, float guidance, String decoder) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            putString(sha, "imagine-result-v1");
            putString(sha, model);
            putString(sha, revision);
            ByteBuffer numbers = ByteBuffer.allocate(4 + tokenIds.length * 4 + 8 + 4 * 4);
            numbers.putInt(tokenIds.length);
            for (int id : tokenIds) {
                numbers.putInt(id);
            }
            numbers.putLong(seed).putInt(steps).putInt(width).putInt(height).putFloat(guidance);
            sha.update(numbers.array());
            putString(sha, decoder);
            return new CacheKey(HexFormat.of().formatHex(sha.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The key of an image-to-image result: the text-to-image key's fields, the source picture's pixel hash (after
     * decoding, orientation, flattening and resizing: {@code Picture.pixelHash()}) and the strength. Text-to-image keys
     * are unchanged, so their cached results stay valid.
     */
    public static CacheKey of(String model, String revision, int[] tokenIds, long seed, int steps, int width,
                              int height, float guidance, String decoder, String sourcePixelHash, double strength) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            putString(sha, "imagine-result-img2img-v1");
            putString(sha, of(model, revision, tokenIds, seed, steps, width, height, guidance, decoder).digest());
            putString(sha, sourcePixelHash);
            sha.update(ByteBuffer.allocate(8).putDouble(strength).array());
            return new CacheKey(HexFormat.of().formatHex(sha.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static void putString(MessageDigest sha, String value) {
        byte[] bytes = (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }
}
