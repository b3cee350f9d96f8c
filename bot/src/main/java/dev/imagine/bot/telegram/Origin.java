package dev.imagine.bot.telegram;

import java.util.Locale;

/**
 * Where the answers about a job go, kept with the job in the job store so that a job resumed after a restart still
 * reaches its chat: the chat and its type, the message that asked (answers reply to it), the status message the bot
 * edits while the job waits and runs (0: none yet), and the forum topic (0: none). Never the token.
 */
record Origin(long chatId, String chatType, int requestMessageId, int statusMessageId, int threadId) {
    private static final String PREFIX = "tg1";

    Origin {
        chatType = chatType == null || chatType.isBlank() ? "private" : chatType.toLowerCase(Locale.ROOT);
    }

    boolean group() {
        return !chatType.equals("private");
    }

    Origin withStatus(int messageId) {
        return new Origin(chatId, chatType, requestMessageId, messageId, threadId);
    }

    /**
     * With the status message {@code messageId} in chat {@code statusChatId}: normally this origin's chat; if the
     * group became a supergroup meanwhile, the job answers there, and the request stayed behind in the old chat.
     */
    Origin withStatus(long statusChatId, int messageId) {
        if (statusChatId == chatId) {
            return withStatus(messageId);
        }
        return new Origin(statusChatId, "supergroup", 0, messageId, threadId);
    }

    Outbox.Chat chat() {
        return new Outbox.Chat(chatId, group());
    }

    /** {@code tg1:<chat>:<type>:<request>:<status>:<thread>}; the job service keeps it as it is. */
    String encode() {
        return PREFIX + ":" + chatId + ":" + chatType + ":" + requestMessageId + ":" + statusMessageId + ":" + threadId;
    }

    /** The origin written by {@link #encode()}, or null for anything else (another adapter's, or a damaged one). */
    static Origin decode(String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.split(":");
        if (parts.length != 6 || !parts[0].equals(PREFIX)) {
            return null;
        }
        try {
            return new Origin(Long.parseLong(parts[1]), parts[2], Integer.parseInt(parts[3]),
                    Integer.parseInt(parts[4]), Integer.parseInt(parts[5]));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
