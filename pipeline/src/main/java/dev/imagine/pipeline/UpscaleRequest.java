package dev.imagine.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * An upscale of a picture to twice its size. {@link Kind#X2}: the super-resolution network (4x) then Pillow's Lanczos
 * down to 2x. {@link Kind#X2_DETAILED}: that picture refined by LCM image to image in overlapping tiles (each tile
 * exactly diffusers' {@code LatentConsistencyModelImg2ImgPipeline} with the same seed), blended across the overlaps.
 *
 * @param source   the picture to upscale (at most {@link GenerationRequest#MAX_SIZE} a side)
 * @param prompt   what the picture shows: guides the detailed refinement, and is written into the PNG either way
 * @param seed     the refinement's seed (every tile uses it); written into the PNG
 * @param steps    refinement steps per tile
 * @param strength refinement strength: low, so that the tiles keep the upscaled picture and only sharpen it
 * @param tile     tile size in pixels (a multiple of the model's size step)
 * @param overlap  the least overlap between neighbouring tiles, in pixels
 */
public record UpscaleRequest(Picture source, Kind kind, String prompt, long seed, int steps, float guidance,
                             double strength, int tile, int overlap) {
    public static final int DEFAULT_STEPS = 2;
    /** 0.3 with 2 steps: timesteps 299 and 159, enough to redraw fine detail without changing what is there. */
    public static final double DEFAULT_STRENGTH = 0.3;
    public static final int DEFAULT_TILE = 512;
    public static final int DEFAULT_OVERLAP = 64;

    public enum Kind { X2, X2_DETAILED }

    public UpscaleRequest {
        List<String> problems = new ArrayList<>();
        if (source == null) {
            problems.add("there is no picture to upscale");
        } else if (source.width() > GenerationRequest.MAX_SIZE || source.height() > GenerationRequest.MAX_SIZE) {
            problems.add("the picture is " + source.width() + "x" + source.height() + ": upscale pictures of at most "
                    + GenerationRequest.MAX_SIZE + " pixels a side");
        }
        if (kind == null) {
            problems.add("the kind of upscale is missing: X2 or X2_DETAILED");
        }
        if (prompt == null || (kind == Kind.X2_DETAILED && prompt.isBlank())) {
            problems.add("the prompt is empty: the detailed upscale needs the picture's prompt");
        }
        if (steps < GenerationRequest.MIN_STEPS || steps > GenerationRequest.MAX_STEPS) {
            problems.add("steps is " + steps + ": use " + GenerationRequest.MIN_STEPS + " to "
                    + GenerationRequest.MAX_STEPS);
        }
        if (!(guidance >= GenerationRequest.MIN_GUIDANCE && guidance <= GenerationRequest.MAX_GUIDANCE)) {
            problems.add("guidance is " + guidance + ": use " + GenerationRequest.MIN_GUIDANCE + " to "
                    + GenerationRequest.MAX_GUIDANCE);
        }
        if (!(strength > 0 && strength <= 1)) {
            problems.add("strength is " + strength + ": use a number above 0 and at most 1");
        } else if ((int) (GenerationRequest.ORIGINAL_INFERENCE_STEPS * strength) < steps) {
            problems.add("strength " + strength + " allows at most " + (int) (50 * strength) + " steps, not " + steps
                    + ": use a strength of at least " + GenerationRequest.minimumStrength(steps));
        }
        if (tile < 64 || tile % 8 != 0) {
            problems.add("tile is " + tile + ": use a multiple of 8 of at least 64");
        }
        if (overlap < 0 || overlap % 8 != 0 || overlap * 2 > tile) {
            problems.add("overlap is " + overlap + ": use a multiple of 8 from 0 to half the tile");
        }
        if (!problems.isEmpty()) {
            throw new PipelineException(String.join("; ", problems));
        }
    }

    /** The plain 2x upscale; prompt, seed, steps and guidance only describe the picture in the PNG. */
    public static UpscaleRequest x2(Picture source, String prompt, long seed, int steps, float guidance) {
        return new UpscaleRequest(source, Kind.X2, prompt == null ? "" : prompt, seed, steps, guidance,
                DEFAULT_STRENGTH, DEFAULT_TILE, DEFAULT_OVERLAP);
    }

    /** The detailed 2x upscale with the default strength, steps, tile and overlap. */
    public static UpscaleRequest detailed(Picture source, String prompt, long seed, float guidance) {
        return new UpscaleRequest(source, Kind.X2_DETAILED, prompt, seed, DEFAULT_STEPS, guidance, DEFAULT_STRENGTH,
                DEFAULT_TILE, DEFAULT_OVERLAP);
    }

    /**
     * How many tiles of {@link #DEFAULT_TILE} pixels the detailed upscale of a {@code width} x {@code height} picture
     * redraws (each one an image to image of its own): what it costs, compared with an ordinary picture.
     */
    public static int detailedTiles(int width, int height) {
        return Upscaling.tileCount(width * 2, height * 2, 8);
    }

    public int outputWidth() {
        return source.width() * 2;
    }

    public int outputHeight() {
        return source.height() * 2;
    }
}
