package dev.imagine.bot.telegram;

import dev.imagine.bot.job.JobPhase;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The message that follows one job in its chat while it waits and is drawn: where it is, what it says now and what was
 * last sent, and how far the job is ({@link JobPhase}: news from two threads never moves it backwards).
 */
final class StatusMessage {
    final String jobId;
    final Origin origin;
    volatile int statusId;
    /** The chat the status message is in: the origin's, unless the group has become a supergroup since. */
    volatile long statusChatId;
    volatile String text = Texts.PLACEHOLDER;
    private JobPhase phase = JobPhase.NEW; // guarded by this: news never moves the status backwards
    volatile String lastSent;
    volatile boolean closed;
    volatile boolean statusGone;
    volatile long lastEditNanos;
    volatile boolean edited;
    final AtomicBoolean editQueued = new AtomicBoolean();
    final AtomicBoolean actionQueued = new AtomicBoolean();
    volatile ScheduledFuture<?> chatAction;

    StatusMessage(String jobId, Origin origin) {
        this.jobId = jobId;
        this.origin = origin;
        this.statusId = origin.statusMessageId();
        this.statusChatId = origin.chatId();
    }

    /** Sets the status text unless the job is already further along; returns whether it did. */
    synchronized boolean advance(JobPhase next, String newText) {
        if (!phase.allows(next)) {
            return false;
        }
        phase = next;
        text = newText;
        return true;
    }

    /** A notice replaces the text in any phase but the last. */
    synchronized boolean note(String newText) {
        JobPhase next = phase.afterNotice();
        if (next == null) {
            return false;
        }
        phase = next;
        text = newText;
        return true;
    }
}
