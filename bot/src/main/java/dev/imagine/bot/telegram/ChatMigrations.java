package dev.imagine.bot.telegram;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Groups that became supergroups. Telegram gives the supergroup a new chat id; a call to the old id is answered 400
 * with {@code parameters.migrate_to_chat_id}, and the bot receives a service message with {@code migrate_to_chat_id}
 * in the old chat and one with {@code migrate_from_chat_id} in the new chat. Whichever comes first teaches the bot
 * the new id; every later call for the old chat goes to the new one. Kept for the life of the process: after a
 * restart, Telegram's answer to the first call teaches it again.
 */
final class ChatMigrations {
    /** Each hop is one migration; a chain longer than this would be a loop. */
    private static final int MAX_HOPS = 8;

    private final Map<Long, Long> movedTo = new ConcurrentHashMap<>();
    private final BiConsumer<Long, Long> onMoved;

    /** @param onMoved told once per migration learned (old id, new id), on the thread that learned it */
    ChatMigrations(BiConsumer<Long, Long> onMoved) {
        this.onMoved = onMoved;
    }

    /** The id that reaches {@code chatId} now: itself, or the supergroup it became. */
    long current(long chatId) {
        long id = chatId;
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            Long next = movedTo.get(id);
            if (next == null) {
                return id;
            }
            id = next;
        }
        return id;
    }

    /** Records that chat {@code from} is now {@code to}; returns false if that was known already. */
    boolean moved(long from, long to) {
        if (from == to || to == 0 || current(to) == from) {
            return false;
        }
        Long before = movedTo.putIfAbsent(from, to);
        if (before != null) {
            return false;
        }
        onMoved.accept(from, to);
        return true;
    }
}
