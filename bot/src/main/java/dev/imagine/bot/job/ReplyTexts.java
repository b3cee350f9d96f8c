package dev.imagine.bot.job;

import dev.imagine.bot.command.Action;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.Defaults;
import dev.imagine.bot.command.ImagineOptions;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.PromptSyntax;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.command.User;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What Imagine says about jobs, the same words on every platform: the status of a job (queued, drawing, failed,
 * cancelled), the parts of a picture's caption, file names, the queue, help, and the adapters' own refusals. Each
 * adapter only formats them for its platform (an embed, plain text with an icon, JSON) and shortens them to its limits.
 */
public final class ReplyTexts {
    /** When an adapter's own code failed: nothing the person did. */
    public static final String SOMETHING_WRONG = "Something went wrong on my side; please try again in a moment.";
    /** A button that is not one of Imagine's (any more), or whose job id is damaged. */
    public static final String UNKNOWN_BUTTON = "This button no longer works. Use /imagine to draw again.";
    /** A picture that came from the cache, in place of the time it took. */
    public static final String FROM_CACHE = "from cache";
    /** Upscale pressed on a bot that has no upscaler network. */
    public static final String NO_UPSCALER = "Upscaling is not set up on this bot: its operator can add an upscaler"
            + " network (model.upscaler-folder in config.yaml). Meanwhile, Vary redraws the picture at its size.";
    /** A picture to start from, on a bot whose model cannot encode one. */
    public static final String NO_IMAGE_TO_IMAGE = "This bot's model has no VAE encoder, so it cannot start from a"
            + " picture; ask its operator for a model folder with vae_encoder/model.onnx. /imagine with words alone"
            + " still works.";
    /** A mask with nothing to redraw. */
    public static final String MASK_ALL_BLACK = "That mask is black everywhere, so there is nothing to redraw: paint"
            + " white where the picture should change (black is kept).";
    /** "Zoom out 2×", "Pan ⬅"…: a zoom-out or pan job by its {@code OutpaintMode} label. */
    public static String outpaintName(String mode) {
        return switch (mode) {
            case "zoom-1.5" -> "Zoom out 1.5×";
            case "zoom-2" -> "Zoom out 2×";
            case "left" -> "Pan ⬅";
            case "right" -> "Pan ➡";
            case "up" -> "Pan ⬆";
            default -> "Pan ⬇";
        };
    }

    /** How long a prompt is shown where a line has little room (the queue). */
    static final int SHORT_PROMPT = 60;
    /** How many of a prompt's tokens CLIP reads at once, between its start and end tokens. */
    private static final int TOKENS_PER_CHUNK = 75;
    /** How much of the words a cut dropped a reply shows. */
    static final int DROPPED_SHOWN = 40;

    private ReplyTexts() {
    }

    /** A status line: chat adapters show the icon before the text, other places the text alone. */
    public record Line(String icon, String text) {
        public String withIcon() {
            return icon + " " + text;
        }
    }

    /** Waiting at {@code position} (1 = next); position 0 means it waits for the same picture already being drawn. */
    public static Line queued(int position, Duration eta) {
        if (position <= 0) {
            return new Line("⏳", "Queued · the same picture is being drawn right now; you get it when it is done");
        }
        return new Line("⏳", "Queued #" + position + " · " + Durations.about(eta));
    }

    /** Being drawn; {@code step} of {@code totalSteps} done (0: just started). */
    public static Line drawing(int step, int totalSteps) {
        if (step <= 0 || totalSteps <= 0) {
            return new Line("🎨", "Drawing…");
        }
        return new Line("🎨", "Drawing… step " + step + "/" + totalSteps);
    }

    public static Line failed(String message) {
        return new Line("⚠️", message);
    }

    /** Cancelled, with the job service's reason ("cancelled by you"), or without one. */
    public static Line cancelled(String reason) {
        return new Line("✖️", reason == null || reason.isBlank() ? "Cancelled." : "Cancelled (" + reason + ").");
    }

    /** Something about the job that changes nothing about it (a restart, a delay). */
    public static Line notice(String message) {
        return new Line("ℹ️", message);
    }

    /** The immediate answer to a command as one plain text (a private answer, a button's pop-up). */
    public static String text(Reply reply) {
        return switch (reply) {
            case Reply.Refused refused -> refused.message();
            case Reply.Info info -> info.text();
            case Reply.Accepted accepted -> queued(accepted.position(), accepted.eta()).text();
            case Reply.Finished finished -> "Done.";
        };
    }

    // ---- a finished picture ----

    /** "42", or "42–45" for four pictures (picture i has seed + i). */
    public static String seeds(JobParameters p) {
        return p.count() == 1 ? Long.toString(p.seed()) : p.seed() + "–" + (p.seed() + p.count() - 1);
    }

    /** "1 step", "4 steps". */
    public static String steps(int steps) {
        return steps + (steps == 1 ? " step" : " steps");
    }

    /** "from cache", the time it took ("0.8 s", "12 s", "3 min"), or null when nothing was measured. */
    public static String took(Job job, Duration elapsed) {
        if (job.fromCache()) {
            return FROM_CACHE;
        }
        if (elapsed == null || elapsed.isZero() || elapsed.isNegative()) {
            return null;
        }
        if (elapsed.compareTo(Duration.ofSeconds(10)) < 0) {
            return String.format(Locale.ROOT, "%.1f s", elapsed.toMillis() / 1000.0);
        }
        return Durations.words(elapsed);
    }

    /** The line under a picture's prompt: "seed 42 · 4 steps · 512x512 · guidance 8 · fast decoder · 3.1 s". */
    public static String details(Job job, Duration elapsed) {
        JobParameters p = job.parameters();
        List<String> parts = new ArrayList<>(List.of("seed " + seeds(p), steps(p.steps()), p.size().toString(),
                "guidance " + RequestRules.number(p.guidance())));
        if (p.decoder() == Decoder.FAST) {
            parts.add("fast decoder");
        }
        String took = took(job, elapsed);
        if (took != null) {
            parts.add(took);
        }
        return String.join(" · ", parts);
    }

    // ---- what the model read of the prompt ----

    /** A prompt syntax as settings name it: "a1111 (weights, BREAK, long prompts)" or "plain (cut at 75 tokens)". */
    public static String promptSyntax(PromptSyntax syntax) {
        return syntax == PromptSyntax.PLAIN ? "plain (cut after 75 tokens)"
                : "a1111 (weights, BREAK, long prompts)";
    }

    /**
     * One sentence on what the model read of a prompt when there is something to say: that a long prompt (or one
     * with BREAK) was read whole in chunks, or that a plain prompt was cut, with what was dropped. Null otherwise
     * (and for jobs stored before this was kept).
     */
    public static String reading(PromptReading reading) {
        if (reading == null || !reading.worthSaying()) {
            return null;
        }
        if (reading.cut()) {
            String dropped = reading.dropped() == null ? "" : ", dropping “" + briefly(reading.dropped()) + "”";
            return "Prompt cut: the model read " + reading.read() + " of its " + reading.tokens() + " tokens" + dropped
                    + ". The a1111 prompt syntax reads it all.";
        }
        String all = "read all " + reading.tokens() + (reading.tokens() == 1 ? " token" : " tokens") + ", in "
                + reading.chunks() + " chunks.";
        return reading.tokens() > TOKENS_PER_CHUNK ? "Long prompt: the model " + all : "The model " + all;
    }

    /** The start of {@code words}, cut after letters rather than a comma: "sky, frozen lake…", not "lake, …". */
    private static String briefly(String words) {
        String shown = shorten(words, DROPPED_SHOWN);
        if (shown.length() == words.length()) {
            return shown;
        }
        return shown.substring(0, shown.length() - 1).replaceAll("[\\s,;.:]+$", "") + "…";
    }

    /** "imagine-&lt;job&gt;.png", or "imagine-&lt;job&gt;-2.png" for the second of several pictures. */
    public static String fileName(Job job, int index) {
        return "imagine-" + job.id() + (job.parameters().count() > 1 ? "-" + (index + 1) : "") + ".png";
    }

    /**
     * {@code text} cut to at most {@code max} characters, ending in "…" when cut; never between the two halves of an
     * emoji (a half would make the whole message invalid on the platforms).
     */
    public static String shorten(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        if (max <= 1) {
            return max == 1 ? "…" : "";
        }
        int end = max - 1;
        if (Character.isLowSurrogate(text.charAt(end)) && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }

    // ---- the queue ----

    /** What /queue says to {@code user}: their pictures with place and wait, and how many wait in all. */
    public static String queue(QueueView queue, User user) {
        StringBuilder text = new StringBuilder();
        boolean drawingMine = queue.drawingFor(user);
        if (drawingMine) {
            text.append("Drawing your picture now.\n");
        }
        List<QueueView.Place> mine = queue.placesOf(user);
        for (QueueView.Place place : mine) {
            text.append('#').append(place.position()).append(": \"")
                    .append(shorten(place.job().parameters().prompt(), SHORT_PROMPT)).append("\" — ")
                    .append(Durations.about(place.eta())).append('\n');
        }
        if (mine.isEmpty() && !drawingMine) {
            text.append("You have nothing waiting.\n");
        }
        text.append(queue.length() == 1 ? "1 picture is" : queue.length() + " pictures are").append(" waiting in all")
                .append(queue.running().isPresent() ? ", one is being drawn." : ".");
        return text.toString();
    }

    // ---- help ----

    /** Help that names the options, for a platform whose commands carry named options (Discord's slash commands). */
    public static String help() {
        Defaults usual = Defaults.STANDARD;
        return help("/imagine <prompt> — draw it. Options: " + ImagineOptions.SEED + ", " + ImagineOptions.STEPS
                        + " (" + RequestRules.MIN_STEPS + "–" + RequestRules.MAX_STEPS + ", default " + usual.steps()
                        + "), " + ImagineOptions.SIZE + " (e.g. 512x768), " + ImagineOptions.GUIDANCE + " ("
                        + RequestRules.number(RequestRules.MIN_GUIDANCE) + "–"
                        + RequestRules.number(RequestRules.MAX_GUIDANCE) + ", default "
                        + RequestRules.number(usual.guidance()) + "), " + ImagineOptions.COUNT + " ("
                        + RequestRules.MIN_COUNT + "–" + RequestRules.MAX_COUNT + "), " + ImagineOptions.DECODER
                        + " (full or fast), " + ImagineOptions.PROMPT_SYNTAX + " (a1111 or plain); with an image to"
                        + " start from, " + ImagineOptions.STRENGTH + " (0–1, default " + RequestRules.DEFAULT_STRENGTH
                        + "; lower keeps more of it).",
                "/settings — your defaults (prompt-syntax too); community admins also set limits here.\n/moderate —"
                        + " for community admins: ban and unban, pause and resume, the policy for flagged pictures,"
                        + " blocked words, the rate limit.");
    }

    /**
     * Help with the platform's own way of writing a request ({@code imagine}) and settings ({@code settings}); the
     * rest (the buttons, /queue, /cancel, fairness) is the same everywhere.
     */
    public static String help(String imagine, String settings) {
        List<String> buttons = new ArrayList<>();
        for (Action action : Action.UNDER_A_PICTURE) {
            if (action.ready()) {
                buttons.add(action.label() + " " + whatItDoes(action));
            }
        }
        return "Imagine draws pictures from a description, on an ordinary CPU.\n"
                + imagine + "\n"
                + PROMPT_HELP + "\n"
                + "Under every picture: " + String.join(", ", buttons) + ".\n"
                + "/queue — where your pictures are in the queue and how long it should take.\n"
                + "/cancel — cancel your latest waiting picture (it costs you nothing).\n"
                + settings + "\n"
                + "Everyone shares one queue fairly: whoever has used the least recently goes next.";
    }

    /** How prompts are read, the same on every platform. */
    public static final String PROMPT_HELP = "Prompts are read as in AUTOMATIC1111: (word:1.2) or (word) weighs words"
            + " more, [word] or (word:0.8) less, BREAK starts a new chunk, and a long prompt is read whole, in chunks"
            + " of 75 tokens. Prompt syntax plain reads the text as written and cuts it after 75 tokens, as diffusers"
            + " does.";

    private static String whatItDoes(Action action) {
        return switch (action) {
            case SAME_SEED -> "draws it again exactly";
            case REROLL -> "draws the prompt with a new seed";
            case VARY -> "redraws its details (same prompt, new seed)";
            case VARY_STRONG -> "redraws it keeping its layout and colours";
            case UPSCALE -> "makes it twice as large";
            case UPSCALE_DETAILED -> "makes it twice as large and redraws the fine detail (slower)";
            case ZOOM_OUT_1_5 -> "shrinks it into the middle and draws a border around it";
            case ZOOM_OUT_2 -> "does the same at half the size";
            case PAN_LEFT -> "extends it by half its width to the left";
            case PAN_RIGHT -> "to the right";
            case PAN_UP -> "upwards";
            case PAN_DOWN -> "downwards (up to 1024 pixels a side)";
            case DELETE -> "removes it (only for the person who asked)";
            case CANCEL -> "stops it (only for the person who asked)";
        };
    }
}
