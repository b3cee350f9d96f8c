package dev.imagine.bot.command;

/**
 * Zoom out and pan under a picture. Each has the name the pipeline and {@code generate --outpaint} give it
 * ({@link #label()}), which is also what the job store records, so a job made before a restart is drawn the same.
 *
 * <p>Zoom out shrinks the picture into the middle of a canvas of its own size and draws the border; a pan grows the
 * canvas by half the picture's side in that direction (rounded to the model's size step, the canvas at most the
 * largest side allowed, then the picture's far end is left out) and draws the new strip.
 */
public enum OutpaintMode {
    ZOOM_OUT_1_5("zoom-1.5"),
    ZOOM_OUT_2("zoom-2"),
    PAN_LEFT("left"),
    PAN_RIGHT("right"),
    PAN_UP("up"),
    PAN_DOWN("down");

    private final String label;

    OutpaintMode(String label) {
        this.label = label;
    }

    /** "zoom-1.5", "left"…: the pipeline's name of the mode. */
    public String label() {
        return label;
    }
}
