package dev.imagine.bot.job;

/** What people are told about their picture when Imagine stops before drawing it. */
final class RestartNotices {
    private RestartNotices() {
    }

    /** To someone whose picture was waiting: it is QUEUED in the store and resumed at the next start. */
    static final String KEEPS_ITS_PLACE = "Imagine is restarting; your picture keeps its place and will be drawn when"
            + " it is back.";

    /** To someone whose picture was being drawn: it is drawn again from the start at the next start. */
    static final String DRAWN_WHEN_BACK = "Imagine is restarting; your picture will be drawn when it is back.";
}
