package dev.imagine.pipeline;

import dev.imagine.pipeline.image.PillowCompositing;
import java.util.Arrays;
import java.util.Locale;

/**
 * Zoom out and pan: the source picture placed on a larger canvas (or shrunk into one of its own size), the new area
 * to be drawn by masked generation ({@link GenerationRequest#withOutpaint}). This record says what was done; the
 * pixels come from {@link #prepare}.
 *
 * <ul>
 *   <li>{@link Mode#ZOOM_1_5}, {@link Mode#ZOOM_2}: the canvas keeps the picture's size; the picture is shrunk by
 *       the factor (Pillow's Lanczos, sides rounded to whole pixels) into its middle, and the border around it is
 *       new.</li>
 *   <li>{@link Mode#LEFT}, {@link Mode#RIGHT}, {@link Mode#UP}, {@link Mode#DOWN}: the canvas grows on that side by
 *       half the picture's side in that direction, rounded to the model's size step (at least one step); a canvas
 *       that would be longer than the largest side allowed stays at that side, and the picture's far end is cut
 *       off, so the new strip always has the same width and panning again and again moves on like a camera.</li>
 * </ul>
 *
 * <p>The new area starts as AUTOMATIC1111's "fill": the picture's colours flowing into it, smooth and without
 * streaks, so that a strength below 1 continues the colours at the edges ({@link GenerationRequest#DEFAULT_OUTPAINT_STRENGTH}).
 * The mask is white but for the picture, whose sides next to the new area are redrawn {@value #OVERLAP} pixels deep
 * (the inner edges on multiples of 8, the latent grid) so that the seam is drawn rather than pasted; the mask blur
 * ({@link GenerationRequest#OUTPAINT_MASK_BLUR}) feathers the paste of the picture over the result.
 *
 * @param mode       how the picture was placed
 * @param left       the new area's depth on the canvas's left side, in canvas pixels
 * @param top        the same on its top
 * @param right      the same on its right
 * @param bottom     the same at its bottom
 * @param sourceHash the picture's {@link Picture#pixelHash()} before it was placed
 */
public record Outpaint(Mode mode, int left, int top, int right, int bottom, String sourceHash) {
    /** How deep into the picture, on its sides next to the new area, the mask reaches (before rounding to 8). */
    public static final int OVERLAP = 8;

    /** The ways to outpaint, with their names on the command line. */
    public enum Mode {
        ZOOM_1_5("zoom-1.5"), ZOOM_2("zoom-2"), LEFT("left"), RIGHT("right"), UP("up"), DOWN("down");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The zoom factor, or 0 for a pan. */
        double zoom() {
            return this == ZOOM_1_5 ? 1.5 : this == ZOOM_2 ? 2.0 : 0;
        }

        /** @throws PipelineException naming the modes when {@code text} is none of them */
        public static Mode parse(String text) {
            String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            return Arrays.stream(values()).filter(m -> m.label.equals(wanted)).findFirst()
                    .orElseThrow(() -> new PipelineException("outpaint '" + text + "' is not known: use "
                            + String.join(", ", Arrays.stream(values()).map(Mode::label).toList())));
        }
    }

    /** The prepared canvas: the picture to hand to the pipeline, its mask, and what was done. */
    public record Canvas(Picture picture, Mask mask, Outpaint outpaint) {
    }

    /**
     * What zoom out or pan will do to a picture of a given size, before any pixel is touched: the canvas's size and
     * the new area's depth on each side. A chat button or the queue can say and charge this before the work starts
     * ({@link #prepare} makes exactly this canvas).
     *
     * @param sourceWidth  the picture's width
     * @param sourceHeight its height
     * @param width        the canvas's width
     * @param height       the canvas's height
     * @param cut          how many pixels of the picture's far end a pan at the largest side leaves out (0 when none)
     * @param largestSide  the longest side allowed, which a pan does not go beyond
     */
    public record Plan(Mode mode, int sourceWidth, int sourceHeight, int width, int height, int left, int top,
                       int right, int bottom, int cut, int largestSide) {
        /**
         * One sentence saying what will happen, e.g. "Pan right: the canvas grows by 256 pixels on the right, from
         * 512x512 to 768x512 (largest side 1024)." or "Zoom out 2x: the picture shrinks to 256x256 in the middle of
         * a 512x512 canvas, and the border around it is drawn."
         */
        public String describe() {
            if (mode.zoom() > 0) {
                return "Zoom out " + (mode == Mode.ZOOM_2 ? "2" : "1.5") + "x: the picture shrinks to "
                        + (width - left - right) + "x" + (height - top - bottom) + " in the middle of a " + width + "x"
                        + height + " canvas, and the border around it is drawn.";
            }
            String side = switch (mode) {
                case LEFT -> "on the left";
                case RIGHT -> "on the right";
                case UP -> "at the top";
                default -> "at the bottom";
            };
            int grow = left + top + right + bottom;
            String from = sourceWidth + "x" + sourceHeight;
            String to = width + "x" + height;
            if (cut == 0) {
                return "Pan " + mode.label() + ": the canvas grows by " + grow + " pixels " + side + ", from " + from
                        + " to " + to + " (largest side " + largestSide + ").";
            }
            return "Pan " + mode.label() + ": " + grow + " new pixels " + side + "; the " + to + " canvas is at the"
                    + " largest side allowed (" + largestSide + "), so the picture's other end (" + cut
                    + " pixels) is left out.";
        }
    }

    /**
     * The canvas {@link #prepare} would make from a {@code width} x {@code height} picture, without the pixels.
     *
     * @throws PipelineException when the size step is not a multiple of 8 or the picture is larger than allowed
     */
    public static Plan plan(int width, int height, Mode mode, int sizeStep, int maxSide) {
        int largest = largestSide(width, height, sizeStep, maxSide);
        Placement at = place(width, height, mode, sizeStep, largest);
        int cut = mode.zoom() > 0 ? 0 : width - at.w + height - at.h;
        return new Plan(mode, width, height, at.width, at.height, at.x, at.y, at.width - at.w - at.x,
                at.height - at.h - at.y, cut, largest);
    }

    /**
     * Zoom out or pan of image {@code index} of a finished request: one picture from {@code picture} (that image's
     * pixels, at the size the request drew), the same prompt, prompt syntax, steps, guidance and decoder, that
     * image's seed, the outpaint defaults ({@link GenerationRequest#DEFAULT_OUTPAINT_STRENGTH},
     * {@link GenerationRequest#OUTPAINT_MASK_BLUR}). Replaying the same finished picture and mode draws the same
     * result. What was done (mode, padding, the source's hash) goes into the result's PNG parameters.
     *
     * @param sizeStep the model's size step ({@link ImageGenerator#sizeStep()})
     * @param maxSide  the longest side allowed
     * @throws PipelineException when the picture is not the size the request drew, or the index is not one of its
     */
    public static GenerationRequest request(GenerationRequest finished, int index, Picture picture, Mode mode,
                                            int sizeStep, int maxSide) {
        if (index < 0 || index >= finished.count()) {
            throw new PipelineException("image " + (index + 1) + " is not one of the " + finished.count()
                    + " the request drew");
        }
        if (picture.width() != finished.width() || picture.height() != finished.height()) {
            throw new PipelineException("the picture is " + picture.width() + "x" + picture.height() + " but the"
                    + " request drew " + finished.width() + "x" + finished.height() + ": use the picture it drew");
        }
        GenerationRequest one = new GenerationRequest(finished.prompt(), finished.seedOf(index), finished.steps(),
                finished.guidance(), finished.width(), finished.height(), 1, finished.decoder(),
                finished.promptSyntax()).withPrecision(finished.precision());
        return one.withOutpaint(prepare(picture, mode, sizeStep, maxSide), GenerationRequest.DEFAULT_OUTPAINT_STRENGTH);
    }

    /** "left 64 top 64 right 64 bottom 64": the padding as the PNG parameters write it. */
    public String paddingText() {
        return "left " + left + " top " + top + " right " + right + " bottom " + bottom;
    }

    /**
     * Places {@code picture} (already at a size the model draws, see {@link ImageGenerator#prepareSource}) for
     * {@code mode}.
     *
     * @param sizeStep the model's size step ({@link ImageGenerator#sizeStep()}): a pan grows by a multiple of it
     * @param maxSide  the longest side allowed (at most {@link GenerationRequest#MAX_SIZE}); rounded down to the step
     */
    public static Canvas prepare(Picture picture, Mode mode, int sizeStep, int maxSide) {
        int w0 = picture.width();
        int h0 = picture.height();
        int largest = largestSide(w0, h0, sizeStep, maxSide);
        Placement at = place(w0, h0, mode, sizeStep, largest);
        Picture inner = picture;
        if (at.cropX != 0 || at.cropY != 0 || at.w != w0 || at.h != h0) {
            inner = mode.zoom() > 0 ? picture.resized(at.w, at.h) : picture.crop(at.cropX, at.cropY, at.w, at.h);
        }
        byte[] placed = new byte[at.width * at.height * 3];
        byte[] unknown = new byte[at.width * at.height];
        Arrays.fill(unknown, (byte) 255);
        byte[] innerRgb = inner.rgb();
        for (int y = 0; y < at.h; y++) {
            System.arraycopy(innerRgb, y * at.w * 3, placed, ((at.y + y) * at.width + at.x) * 3, at.w * 3);
            Arrays.fill(unknown, (at.y + y) * at.width + at.x, (at.y + y) * at.width + at.x + at.w, (byte) 0);
        }
        byte[] canvas = PillowCompositing.fill(placed, unknown, at.width, at.height);
        int left = at.x;
        int top = at.y;
        int right = at.width - at.w - at.x;
        int bottom = at.height - at.h - at.y;
        int keptX0 = left > 0 ? ceil8(at.x + OVERLAP) : 0;
        int keptY0 = top > 0 ? ceil8(at.y + OVERLAP) : 0;
        int keptX1 = right > 0 ? floor8(at.x + at.w - OVERLAP) : at.width;
        int keptY1 = bottom > 0 ? floor8(at.y + at.h - OVERLAP) : at.height;
        byte[] mask = new byte[at.width * at.height];
        Arrays.fill(mask, (byte) 255);
        for (int y = keptY0; y < keptY1; y++) {
            Arrays.fill(mask, y * at.width + keptX0, y * at.width + Math.max(keptX0, keptX1), (byte) 0);
        }
        return new Canvas(Picture.ofRgb(canvas, at.width, at.height), Mask.ofGrey(mask, at.width, at.height),
                new Outpaint(mode, left, top, right, bottom, picture.pixelHash()));
    }

    /** The longest side allowed, rounded down to the step; refuses a bad step and a picture larger than that. */
    private static int largestSide(int w0, int h0, int sizeStep, int maxSide) {
        if (sizeStep < 8 || sizeStep % 8 != 0) {
            throw new PipelineException("the size step must be a multiple of 8, got " + sizeStep);
        }
        int largest = Math.min(maxSide, GenerationRequest.MAX_SIZE) / sizeStep * sizeStep;
        if (w0 > largest || h0 > largest) {
            throw new PipelineException("the picture is " + w0 + "x" + h0 + ", more than the " + largest
                    + " pixels a side allowed: prepare it first");
        }
        return largest;
    }

    /** The canvas size, the picture's size and position in it, and which part of the source it shows. */
    private record Placement(int width, int height, int w, int h, int x, int y, int cropX, int cropY) {
    }

    private static Placement place(int w0, int h0, Mode mode, int step, int largest) {
        if (mode.zoom() > 0) {
            int w = (int) Math.floor(w0 / mode.zoom() + 0.5);
            int h = (int) Math.floor(h0 / mode.zoom() + 0.5);
            return new Placement(w0, h0, w, h, (w0 - w) / 2, (h0 - h) / 2, 0, 0);
        }
        boolean horizontal = mode == Mode.LEFT || mode == Mode.RIGHT;
        int side = horizontal ? w0 : h0;
        int grow = Math.max(step, (side + step) / (2 * step) * step);
        int newSide = Math.min(side + grow, largest);
        int kept = newSide - grow;
        return switch (mode) {
            case RIGHT -> new Placement(newSide, h0, kept, h0, 0, 0, side - kept, 0);
            case LEFT -> new Placement(newSide, h0, kept, h0, grow, 0, 0, 0);
            case DOWN -> new Placement(w0, newSide, w0, kept, 0, 0, 0, side - kept);
            case UP -> new Placement(w0, newSide, w0, kept, 0, grow, 0, 0);
            default -> throw new IllegalStateException(mode.toString());
        };
    }

    private static int ceil8(int v) {
        return (v + 7) / 8 * 8;
    }

    private static int floor8(int v) {
        return v / 8 * 8;
    }
}
