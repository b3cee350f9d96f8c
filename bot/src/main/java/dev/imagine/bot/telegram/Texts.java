package dev.imagine.bot.telegram;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.job.Durations;
import dev.imagine.bot.job.Job;
import java.time.Duration;
import java.util.Locale;

/** What the bot writes in Telegram. Plain text (no parse mode), so prompts need no escaping. */
final class Texts {
    static final int CAPTION_LIMIT = 1024;
    static final int MESSAGE_LIMIT = 4096;
    static final int CALLBACK_ANSWER_LIMIT = 200;

    private Texts() {
    }

    static final String HELP = """
            Imagine draws pictures from a description, on an ordinary CPU.

            /imagine a lighthouse at dusk — draws it. Flags after the prompt: --seed 42 --steps 4 \
            --size 512x768 --guidance 8 --count 2 --fast (or --full). In a private chat, just send the description.
            Under every picture: Same seed draws it again exactly, Re-roll draws the prompt with a new seed, \
            Delete removes it (only for the person who asked).
            /queue — where your pictures are and how long it should take.
            /cancel — cancels your latest waiting picture (it costs you nothing).
            /settings — your defaults: /settings steps 2 size 384x384 (or /settings reset). Group admins: \
            /settings group steps 4 size 512 count 2 topics here|all.
            Everyone shares one queue fairly: whoever has used the least recently goes next.""";

    static final String START = "Hello! Send me a description and I'll draw it.\n\n" + HELP;

    static final String PLACEHOLDER = "⏳ One moment…";

    static String queued(int position, Duration eta) {
        if (position <= 0) {
            return "⏳ Waiting for the same picture, which is already being drawn";
        }
        return "⏳ Queued #" + position + " · " + Durations.about(eta);
    }

    static String running(int step, int totalSteps) {
        if (step <= 0 || totalSteps <= 0) {
            return "🎨 Drawing…";
        }
        return "🎨 Drawing · step " + step + " of " + totalSteps;
    }

    /** Prompt, then seed, steps, size, guidance, time and whether it came from the cache. */
    static String caption(Job job, Duration elapsed) {
        JobParameters p = job.parameters();
        StringBuilder line = new StringBuilder("seed ").append(p.seed());
        if (p.count() > 1) {
            line.append("–").append(p.seed() + p.count() - 1);
        }
        line.append(" · ").append(p.steps()).append(p.steps() == 1 ? " step" : " steps")
                .append(" · ").append(p.size())
                .append(" · guidance ").append(number(p.guidance()));
        if (p.decoder() == Decoder.FAST) {
            line.append(" · fast decoder");
        }
        if (job.fromCache()) {
            line.append(" · from cache");
        } else if (elapsed != null && !elapsed.isZero()) {
            line.append(" · ").append(seconds(elapsed));
        }
        String tail = "\n" + line;
        int room = CAPTION_LIMIT - tail.length();
        return shorten(p.prompt(), room) + tail;
    }

    static String seconds(Duration elapsed) {
        double s = elapsed.toMillis() / 1000.0;
        return s < 100 ? String.format(Locale.ROOT, "%.1f s", s) : Durations.words(elapsed);
    }

    static String number(float value) {
        return value == Math.rint(value) ? Integer.toString((int) value) : Float.toString(value);
    }

    static String shorten(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        return text.substring(0, Math.max(0, max - 1)) + "…";
    }
}
