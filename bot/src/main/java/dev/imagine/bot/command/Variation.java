package dev.imagine.bot.command;

/**
 * The two variations under a picture, by the strength of their image to image (the same prompt, a new seed).
 *
 * <p>Why these strengths: with LCM's 4 steps, a strength {@code s} starts from timestep {@code 20 * int(50 s) - 1}
 * of the training schedule, where the source keeps {@code sqrt(alphas_cumprod)} of its amplitude against
 * {@code sqrt(1 - alphas_cumprod)} of noise (SD 1.5's scaled-linear betas). <b>Subtle, 0.35</b>: timesteps 339, 259,
 * 179, 99; the source still weighs 0.72 against 0.69 of noise, so the layout, the colours and the shapes stay and the
 * textures and small details are redrawn (AUTOMATIC1111's users' usual 0.3 to 0.4 for "the same picture, a little
 * different"). <b>Strong, 0.7</b>: timesteps 699, 539, 359, 179; the source weighs 0.29 against 0.96, so only the
 * composition and the palette survive and the objects themselves are redrawn, like Midjourney's Vary (Strong). Above
 * about 0.8 little of the source is left (a Re-roll does that better); below 0.3 the change is hard to see.
 */
public enum Variation {
    SUBTLE(0.35),
    STRONG(0.7);

    private final double strength;

    Variation(double strength) {
        this.strength = strength;
    }

    public double strength() {
        return strength;
    }
}
