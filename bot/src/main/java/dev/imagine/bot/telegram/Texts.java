package dev.imagine.bot.telegram;

import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.ReplyTexts;
import java.time.Duration;

/**
 * The shared texts ({@link ReplyTexts}) as Telegram shows them: plain text (no parse mode, so prompts need no
 * escaping), an icon before a status, cut to Telegram's limits; and what only Telegram says.
 */
final class Texts {
    static final int CAPTION_LIMIT = 1024;
    static final int MESSAGE_LIMIT = 4096;
    static final int CALLBACK_ANSWER_LIMIT = 200;

    private Texts() {
    }

    static final String HELP = ReplyTexts.help("/imagine a lighthouse at dusk — draws it. Flags after the prompt: "
                    + CommandParser.IMAGINE_FLAGS + " (or --full), --prompt-syntax plain. In a private chat, just send the"
                    + " description. To start from a picture, send it with /imagine … as its caption, or reply to a"
                    + " picture with /imagine … (--strength 0.5: lower keeps more of it). To redraw part of a picture,"
                    + " reply to it with a mask (white = redraw, black = keep) with /inpaint … as its caption.",
            "/settings — your defaults: /settings steps 2 size 384x384 prompt-syntax plain (or /settings reset)."
                    + " Group admins:"
                    + " /settings group steps 4 size 512 count 2 topics here|all.\n/moderate — group admins: "
                    + ModerationCommands.USAGE.substring("/moderate ".length()));

    static final String START = "Hello! Send me a description and I'll draw it.\n\n" + HELP;

    /** --strength on a request with no picture to start from. */
    static final String STRENGTH_WITHOUT_PICTURE = "--strength is for starting from a picture: send a photo with"
            + " /imagine … as its caption, or reply to one with /imagine … --strength 0.5.";

    static final String INPAINT_HOW = "To inpaint, reply to the picture with its mask (a photo or file of the same"
            + " size, white where to redraw, black where to keep) and /inpaint what to draw as the mask's caption.";

    /** The status message's first words, sent before the job service is asked, so a resumed job can edit it. */
    static final String PLACEHOLDER = "⏳ One moment…";

    /**
     * The prompt, then seed, steps, size, guidance, time and whether it came from the cache, and what the model read
     * of a prompt that was long or cut.
     */
    static String caption(Job job, Duration elapsed) {
        String reading = ReplyTexts.reading(job.reading());
        String tail = "\n" + ReplyTexts.details(job, elapsed)
                + (reading == null ? "" : "\n" + ReplyTexts.notice(reading).withIcon());
        return ReplyTexts.shorten(job.parameters().prompt(), CAPTION_LIMIT - tail.length()) + tail;
    }

    static String message(String text) {
        return ReplyTexts.shorten(text, MESSAGE_LIMIT);
    }
}
