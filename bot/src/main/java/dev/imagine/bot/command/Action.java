package dev.imagine.bot.command;

import java.util.List;
import java.util.Optional;

/**
 * What a person can do to a picture with one press: the buttons under a finished picture and the one under a waiting
 * one, the same on every platform. Each adapter only encodes an action for its platform (a Discord custom id, Telegram
 * callback data, an API route) and decodes it back; what the action means is {@link #command}.
 *
 * <p>A new action (vary a region) is one more constant here, a {@link Command} for the job service, and
 * whatever label the platforms show; until the job service does it, it stays not {@link #ready()}.
 */
public enum Action {
    SAME_SEED("same", "Same seed", "🎯", true, true),
    REROLL("rr", "Re-roll", "🎲", true, true),
    VARY("var", "Vary (subtle)", "✨", true, true),
    VARY_STRONG("vst", "Vary (strong)", "🌀", true, true),
    UPSCALE("up", "Upscale 2×", "🔍", true, true),
    UPSCALE_DETAILED("upd", "Upscale 2× (detailed)", "🔬", true, true),
    ZOOM_OUT_1_5("zo", "Zoom out 1.5×", "🔭", true, true),
    ZOOM_OUT_2("zoo", "Zoom out 2×", "🔭", true, true),
    PAN_LEFT("pl", "Pan ⬅", "⬅", true, true),
    PAN_RIGHT("pr", "Pan ➡", "➡", true, true),
    PAN_UP("pu", "Pan ⬆", "⬆", true, true),
    PAN_DOWN("pd", "Pan ⬇", "⬇", true, true),
    DELETE("del", "Delete", "🗑", false, true),
    CANCEL("cx", "Cancel", "✖", false, true);

    /** The buttons under a finished picture, in the order they are shown. */
    public static final List<Action> UNDER_A_PICTURE = List.of(SAME_SEED, REROLL, VARY, VARY_STRONG, UPSCALE,
            UPSCALE_DETAILED, ZOOM_OUT_1_5, ZOOM_OUT_2, PAN_LEFT, PAN_RIGHT, PAN_UP, PAN_DOWN, DELETE);
    /** The four pans, which platforms with room show together in one row. */
    public static final List<Action> PANS = List.of(PAN_LEFT, PAN_RIGHT, PAN_UP, PAN_DOWN);
    /** The button under a picture that waits or is being drawn. */
    public static final List<Action> WHILE_WAITING = List.of(CANCEL);

    private final String code;
    private final String label;
    private final String icon;
    private final boolean drawsAPicture;
    private final boolean ready;

    Action(String code, String label, String icon, boolean drawsAPicture, boolean ready) {
        this.code = code;
        this.label = label;
        this.icon = icon;
        this.drawsAPicture = drawsAPicture;
        this.ready = ready;
    }

    /**
     * The short word a button carries ("same", "rr"…). It is stored in messages that stay in chats for years, so it
     * never changes: a button pressed long after a restart must still mean the same.
     */
    public String code() {
        return code;
    }

    /** What the button says ("Same seed"). */
    public String label() {
        return label;
    }

    /** An emoji for platforms whose buttons carry one ("🎯"). */
    public String icon() {
        return icon;
    }

    /**
     * True when the action makes a new picture from an earlier one: its answer is a public job (queued, drawn,
     * posted) like an /imagine; the other actions get a private answer.
     */
    public boolean drawsAPicture() {
        return drawsAPicture;
    }

    /** False while the job service does not do it yet: its button is shown disabled, or answers that it is coming. */
    public boolean ready() {
        return ready;
    }

    /** What pressing it asks of the job service, for the person who pressed it. */
    public Command command(Requester requester, String jobId) {
        return switch (this) {
            case SAME_SEED -> new Command.Replay(requester, jobId);
            case REROLL -> new Command.Reroll(requester, jobId);
            case VARY -> new Command.Vary(requester, jobId, Variation.SUBTLE);
            case VARY_STRONG -> new Command.Vary(requester, jobId, Variation.STRONG);
            case UPSCALE -> new Command.Upscale(requester, jobId, false);
            case UPSCALE_DETAILED -> new Command.Upscale(requester, jobId, true);
            case ZOOM_OUT_1_5 -> new Command.Outpaint(requester, jobId, OutpaintMode.ZOOM_OUT_1_5);
            case ZOOM_OUT_2 -> new Command.Outpaint(requester, jobId, OutpaintMode.ZOOM_OUT_2);
            case PAN_LEFT -> new Command.Outpaint(requester, jobId, OutpaintMode.PAN_LEFT);
            case PAN_RIGHT -> new Command.Outpaint(requester, jobId, OutpaintMode.PAN_RIGHT);
            case PAN_UP -> new Command.Outpaint(requester, jobId, OutpaintMode.PAN_UP);
            case PAN_DOWN -> new Command.Outpaint(requester, jobId, OutpaintMode.PAN_DOWN);
            case DELETE -> new Command.Delete(requester, jobId);
            case CANCEL -> new Command.Cancel(requester, jobId);
        };
    }

    public static Optional<Action> ofCode(String code) {
        for (Action action : values()) {
            if (action.code.equals(code)) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }
}
