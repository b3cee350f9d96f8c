package dev.imagine.bot.job;

/** What /help says, the same on every platform. */
final class HelpText {
    private HelpText() {
    }

    static final String TEXT = ReplyTexts.help();
}
