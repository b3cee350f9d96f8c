package dev.imagine.bot.job;

/** What /help says, the same on every platform. */
final class HelpText {
    private HelpText() {
    }

    static final String TEXT = """
            Imagine draws pictures from a description, on an ordinary CPU.
            /imagine <prompt> — draw it. Options: seed, steps (1–8, default 4), size (e.g. 512x768), guidance \
            (1–20, default 8), count (1–4), decoder (full or fast).
            Under every picture: Same seed draws it again exactly, Re-roll draws the prompt with a new seed, \
            Delete removes it (only for the person who asked).
            /queue — where your pictures are in the queue and how long it should take.
            /cancel — cancel your latest waiting picture (it costs you nothing).
            /settings — your defaults; community admins also set limits here.
            Everyone shares one queue fairly: whoever has used the least recently goes next.""";
}
