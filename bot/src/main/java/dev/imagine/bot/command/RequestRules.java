package dev.imagine.bot.command;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a picture request may be, the same on every platform: the range of each option, the sizes offered as choices,
 * the decoders and the seeds. Adapters read what people typed with {@link ImagineOptions}; the job service checks a
 * request against the person's limits with {@link RequestValidator}; both take their numbers from here, so a value out
 * of range gets the same answer on Discord, Telegram and the web.
 *
 * <p>Options still to come (a mask, a zoom) get their ranges here too.
 */
public final class RequestRules {
    public static final long MIN_SEED = 0;
    /** torch's CPU generator reads only the low 32 bits of a seed: larger seeds would repeat pictures. */
    public static final long MAX_SEED = 0xFFFF_FFFFL;

    public static final int MIN_STEPS = 1;
    /** LCM draws in 2 to 8 steps; more only costs time. */
    public static final int MAX_STEPS = 8;

    public static final int MIN_COUNT = 1;
    public static final int MAX_COUNT = 4;

    public static final int MIN_SIDE = 256;
    public static final int MAX_SIDE = 1024;
    /** The VAE works on an eighth of the picture in each direction. */
    public static final int SIDE_STEP = 8;

    public static final float MIN_GUIDANCE = 1f;
    public static final float MAX_GUIDANCE = 20f;

    /** Image to image's strength is above this (0: the picture unchanged, which is no request)... */
    public static final double MIN_STRENGTH = 0;
    /** ... and at most this (1: from pure noise, the picture only sets the size). */
    public static final double MAX_STRENGTH = 1;
    /**
     * LCM's distillation schedule length: image to image builds its schedule from {@code int(50 * strength)} of
     * these points, so that number must be at least the steps (diffusers' rule).
     */
    public static final int LCM_SCHEDULE_POINTS = 50;
    /**
     * The strength of image to image when none is given (the pipeline's and the command line's default too): 0.5
     * keeps the picture's layout and colours and redraws its details.
     */
    public static final double DEFAULT_STRENGTH = 0.5;
    /**
     * The largest picture file accepted (20 MB): what adapters may download, and what the job service decodes. It is
     * Telegram's getFile limit too, and above any Discord attachment a bot can be sent without Nitro boosts.
     */
    public static final long MAX_PICTURE_BYTES = 20L * 1000 * 1000;

    /**
     * The sizes offered as choices (Discord's option, the playground's menu, the help texts), in the order they are
     * shown: the usual square first, then portrait and landscape, a quick small one and the large ones. Where people
     * type a size (Telegram, the JSON API) any multiple of 8 within the limits works.
     */
    public static final List<ImageSize> SIZE_CHOICES = List.of(new ImageSize(512, 512), new ImageSize(512, 768),
            new ImageSize(768, 512), new ImageSize(384, 384), new ImageSize(256, 256), new ImageSize(768, 768),
            new ImageSize(1024, 1024));

    private RequestRules() {
    }

    /** A seed in the range from any random long (a new seed for a request without one, or a re-roll). */
    public static long seedFrom(long random) {
        return random & MAX_SEED;
    }

    public static boolean seedInRange(long seed) {
        return seed >= MIN_SEED && seed <= MAX_SEED;
    }

    /** Whether {@code side} is a width or height the pipeline can draw within {@code maxSide}. */
    public static boolean sideAllowed(int side, int maxSide) {
        return side >= MIN_SIDE && side <= maxSide && side % SIDE_STEP == 0;
    }

    /** The size choices within {@code limits}, with {@code always} (the default size) among them. */
    public static List<ImageSize> sizesWithin(Limits limits, ImageSize always) {
        Set<ImageSize> sizes = new LinkedHashSet<>();
        for (ImageSize size : SIZE_CHOICES) {
            if (size.width() <= limits.maxSide() && size.height() <= limits.maxSide()) {
                sizes.add(size);
            }
        }
        sizes.add(always);
        return List.copyOf(sizes);
    }

    /** Inpainting redraws the mask's white part from noise unless a strength is given (diffusers' default). */
    public static final double DEFAULT_INPAINT_STRENGTH = 1.0;

    /**
     * What is wrong with an inpainting strength for {@code steps} steps, or null: diffusers' inpaint pipeline runs
     * the last {@code int(steps * strength)} of the steps, so that must be at least one.
     */
    public static String inpaintStrengthProblem(double strength, int steps) {
        if (!(strength > MIN_STRENGTH && strength <= MAX_STRENGTH)) {
            return "strength " + strength + " must be above 0 and at most 1 (1 redraws the masked part from scratch;"
                    + " lower keeps more of what is there)";
        }
        if ((int) (steps * strength) < 1) {
            return "strength " + strength + " runs none of the " + steps + " steps (inpainting runs the last"
                    + " steps x strength of them): use a strength of at least " + number((float) (1.0 / steps));
        }
        return null;
    }

    /**
     * Why {@code strength} cannot be drawn in {@code steps} steps, or null when it can: it must be in
     * ({@link #MIN_STRENGTH}, {@link #MAX_STRENGTH}] and leave at least {@code steps} of LCM's schedule points.
     */
    public static String strengthProblem(double strength, int steps) {
        if (!(strength > MIN_STRENGTH && strength <= MAX_STRENGTH)) {
            return "strength " + strength + " must be above 0 and at most 1 (0.5 is the usual choice; lower keeps more"
                    + " of your picture)";
        }
        int points = (int) (LCM_SCHEDULE_POINTS * strength);
        if (points < steps) {
            double least = (double) steps / LCM_SCHEDULE_POINTS;
            while ((int) (LCM_SCHEDULE_POINTS * least) < steps) {
                least = Math.nextUp(least);
            }
            return "strength " + strength + " leaves " + points + " of LCM's " + LCM_SCHEDULE_POINTS + " schedule"
                    + " points, fewer than the " + steps + " steps asked: use a strength of at least "
                    + java.math.BigDecimal.valueOf(Math.ceil(least * 1000) / 1000).stripTrailingZeros().toPlainString()
                    + (points >= 1 ? " or at most " + points + (points == 1 ? " step" : " steps") : "");
        }
        return null;
    }

    /** A number as people write it: 8 as "8", 7.5 as "7.5" (a guidance, in texts and answers). */
    public static String number(float value) {
        return value == Math.rint(value) && Math.abs(value) < 1e9 ? Long.toString((long) value) : Float.toString(value);
    }

    /** The decoders a request may ask for: the full VAE always, the fast one where it is installed. */
    public static List<Decoder> decoders(boolean fastInstalled) {
        List<Decoder> decoders = new ArrayList<>(List.of(Decoder.FULL));
        if (fastInstalled) {
            decoders.add(Decoder.FAST);
        }
        return List.copyOf(decoders);
    }
}
