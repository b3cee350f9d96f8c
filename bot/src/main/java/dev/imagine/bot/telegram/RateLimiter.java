package dev.imagine.bot.telegram;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Telegram's outbound limits as arithmetic on timestamps (nanoseconds from any fixed origin): at most one message
 * per {@code perChatInterval} in a chat, at most {@code groupMessagesPerMinute} in any 60 s in one group, at most
 * {@code messagesPerSecond} in any second overall. It never reads a clock itself: the caller passes "now", so a
 * test can drive it with made-up times. Not thread-safe: the outbox uses it from its one sender thread.
 *
 * <p>Edits and photos ({@link Priority#UPDATE}) leave part of the overall and of a group's budget free: a third of
 * the messages a second, a quarter of a group's minute. A command's first reply ({@link Priority#FIRST_REPLY}) may
 * use the whole budget, so it finds room at once even while a backlog of updates is sent as fast as Telegram allows.
 */
final class RateLimiter {
    /** Whose turn it is when the budget is short. */
    enum Priority { FIRST_REPLY, UPDATE }

    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;

    private final long perChatNanos;
    private final int groupPerMinute;
    private final int globalPerSecond;
    private final int groupPerMinuteForUpdates;
    private final int globalPerSecondForUpdates;
    private final Map<String, Long> lastByChat = new HashMap<>();
    private final Map<String, Deque<Long>> groupWindows = new HashMap<>();
    private final Deque<Long> globalWindow = new ArrayDeque<>();

    RateLimiter(TelegramSettings.Pacing pacing) {
        this.perChatNanos = pacing.perChatInterval().toNanos();
        this.groupPerMinute = pacing.groupMessagesPerMinute();
        this.globalPerSecond = pacing.messagesPerSecond();
        this.groupPerMinuteForUpdates = Math.max(1, groupPerMinute - groupPerMinute / 4);
        this.globalPerSecondForUpdates = Math.max(1, globalPerSecond - globalPerSecond / 3);
    }

    /** How long (nanoseconds, 0 = now) until a message to {@code chat} may be sent, using the whole budget. */
    long delayNanos(String chat, boolean group, long now) {
        return delayNanos(chat, group, Priority.FIRST_REPLY, now);
    }

    /** How long (nanoseconds, 0 = now) until a message of {@code priority} to {@code chat} may be sent. */
    long delayNanos(String chat, boolean group, Priority priority, long now) {
        boolean first = priority == Priority.FIRST_REPLY;
        int groupBudget = first ? groupPerMinute : groupPerMinuteForUpdates;
        int globalBudget = first ? globalPerSecond : globalPerSecondForUpdates;
        long delay = 0;
        Long last = lastByChat.get(chat);
        if (last != null) {
            delay = Math.max(delay, last + perChatNanos - now);
        }
        if (group) {
            Deque<Long> window = groupWindows.get(chat);
            if (window != null) {
                prune(window, now - MINUTE);
                if (window.size() >= groupBudget) {
                    delay = Math.max(delay, nth(window, window.size() - groupBudget) + MINUTE - now);
                }
            }
        }
        prune(globalWindow, now - SECOND);
        if (globalWindow.size() >= globalBudget) {
            delay = Math.max(delay, nth(globalWindow, globalWindow.size() - globalBudget) + SECOND - now);
        }
        return Math.max(0, delay);
    }

    /** A message to {@code chat} went out at {@code now}. */
    void record(String chat, boolean group, long now) {
        lastByChat.put(chat, now);
        if (group) {
            groupWindows.computeIfAbsent(chat, c -> new ArrayDeque<>()).addLast(now);
        }
        globalWindow.addLast(now);
        if (lastByChat.size() > 10_000) {
            forgetIdle(now);
        }
    }

    /** Drops what can no longer delay anything, so chats seen once do not stay in memory. */
    void forgetIdle(long now) {
        lastByChat.values().removeIf(last -> last + perChatNanos <= now);
        for (Iterator<Deque<Long>> it = groupWindows.values().iterator(); it.hasNext(); ) {
            Deque<Long> window = it.next();
            prune(window, now - MINUTE);
            if (window.isEmpty()) {
                it.remove();
            }
        }
    }

    /** The {@code index}th (from 0, oldest first) time in the window: when it leaves, one more may go. */
    private static long nth(Deque<Long> window, int index) {
        Iterator<Long> it = window.iterator();
        for (int i = 0; i < index; i++) {
            it.next();
        }
        return it.next();
    }

    private static void prune(Deque<Long> window, long before) {
        while (!window.isEmpty() && window.peekFirst() <= before) {
            window.removeFirst();
        }
    }
}
