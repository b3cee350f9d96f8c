package dev.imagine.bot.telegram;

import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobPhase;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.job.Reply;
import dev.imagine.bot.job.ReplySink;
import dev.imagine.bot.job.ReplyTexts;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.ActionType;
import org.telegram.telegrambots.meta.api.methods.send.SendChatAction;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.DeleteMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;

/**
 * Everything the bot tells a chat about a job: the status message (edited as the job waits and runs, at most as
 * often as the chat's limits allow, each edit carrying the latest text), "sending photo…" every few seconds while
 * it runs, then the picture with its buttons, after which the status message is deleted. Called by the job
 * service on its worker thread: every method only records state and queues calls in the {@link Outbox}.
 */
final class TelegramReplies implements ReplySink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelegramReplies.class);

    private final Outbox outbox;
    private final ChatMessages messages;
    private final JobService jobs;
    private final ScheduledExecutorService timers;
    private final TelegramSettings settings;
    private final LongSupplier nanoClock;
    private final Map<String, StatusMessage> tracked = new ConcurrentHashMap<>();
    /**
     * Commands being handed to the job service, by origin: the worker may report on their jobs before the command's
     * first reply is even queued, and that news must wait for it instead of sending a status message of its own.
     */
    private final Map<String, Integer> handingOver = new ConcurrentHashMap<>();

    TelegramReplies(Outbox outbox, ChatMessages messages, JobService jobs, ScheduledExecutorService timers,
                    TelegramSettings settings, LongSupplier nanoClock) {
        this.outbox = outbox;
        this.messages = messages;
        this.jobs = jobs;
        this.timers = timers;
        this.settings = settings;
        this.nanoClock = nanoClock;
    }

    // ---- the job service's news ----

    @Override
    public void queued(Job job, int position, Duration eta) {
        guarded(job, "queued", t -> {
            if (t.advance(JobPhase.WAITING, ReplyTexts.queued(position, eta).withIcon())) {
                showStatus(t, true);
            }
        });
    }

    @Override
    public void started(Job job) {
        guarded(job, "started", t -> {
            t.advance(JobPhase.RUNNING, ReplyTexts.drawing(0, job.parameters().steps()).withIcon());
            startChatAction(t);
            showStatus(t, true);
        });
    }

    @Override
    public void progress(Job job, int step, int totalSteps) {
        guarded(job, "progress", t -> {
            if (t.advance(JobPhase.RUNNING, ReplyTexts.drawing(step, totalSteps).withIcon())) {
                showStatus(t, false);
            }
        });
    }

    @Override
    public void finished(Job job, List<byte[]> pngs, Duration elapsed) {
        deliver(job, pngs, elapsed, false);
    }

    /** {@code fromTheCache}: the picture is the request's answer at once, its first reply. */
    private void deliver(Job job, List<byte[]> pngs, Duration elapsed, boolean fromTheCache) {
        guarded(job, "finished", t -> {
            t.advance(JobPhase.OVER, t.text);
            close(t);
            messages.picture(t.origin, job, pngs, elapsed, fromTheCache).whenComplete((sent, failure) -> {
                if (failure == null) {
                    deleteStatus(t);
                } else {
                    LOG.warn("picture of job {} not delivered: {}", job.id(), failure.getMessage());
                    t.advance(JobPhase.OVER, ReplyTexts.failed("Your picture is ready, but Telegram did not accept it"
                            + " here. Ask again with --seed " + job.parameters().seed() + " to get the same picture"
                            + " (from the cache).").withIcon());
                    showStatus(t, true);
                }
            });
        });
    }

    @Override
    public void failed(Job job, String message) {
        guarded(job, "failed", t -> finalStatus(t, ReplyTexts.failed(message).withIcon()));
    }

    @Override
    public void cancelled(Job job, String reason) {
        guarded(job, "cancelled", t -> finalStatus(t, ReplyTexts.cancelled(reason).withIcon()));
    }

    @Override
    public void notice(Job job, String message) {
        guarded(job, "notice", t -> {
            if (t.note(ReplyTexts.notice(message).withIcon())) {
                showStatus(t, true);
            }
        });
    }

    private interface StatusAction {
        void run(StatusMessage t);
    }

    /** Never throws into the worker thread. */
    private void guarded(Job job, String event, StatusAction action) {
        try {
            StatusMessage t = track(job);
            if (t == null) {
                LOG.warn("job {} ({}) has no Telegram origin; its '{}' is not shown", job.id(), job.owner().key(),
                        event);
                return;
            }
            action.run(t);
        } catch (RuntimeException e) {
            LOG.error("could not tell Telegram that job {} {}", job.id(), event, e);
        }
    }

    // ---- what the adapter learned at once ----

    /**
     * The job service's immediate answer to a command, shown in the command's first reply, which goes ahead of the
     * chat's other news ({@link Outbox#reply}); with a status message already there ({@code origin.statusMessageId()}
     * not 0), in that message. For an accepted job the first reply becomes its status message: the future gives the
     * job's origin with that message once it is out (null when there is none to keep: another answer, or the status
     * message could not be sent; later news then sends a new one).
     */
    CompletableFuture<Origin> onReply(Origin origin, Reply reply, CallbackAnswer answer) {
        switch (reply) {
            case Reply.Accepted accepted -> {
                ReplyTexts.Line queued = ReplyTexts.queued(accepted.position(), accepted.eta());
                answer.answer(queued.text(), false);
                StatusMessage t = track(accepted.job());
                if (t == null) {
                    return CompletableFuture.completedFuture(null);
                }
                t.advance(JobPhase.WAITING, queued.withIcon());
                if (t.statusId != 0) {
                    showStatus(t, true);
                    return CompletableFuture.completedFuture(null);
                }
                return sendStatus(t);
            }
            case Reply.Finished finished -> {
                answer.answer("From the cache", false);
                deliver(finished.job(), finished.pngs(), Duration.ZERO, true);
            }
            case Reply.Refused refused -> {
                if (answer.isCallback()) {
                    messages.delete(origin, origin.statusMessageId());
                    answer.answer(refused.message(), true);
                } else {
                    answer(origin, refused.message());
                }
            }
            case Reply.Info info -> {
                answer(origin, info.text());
                answer.answer(info.text(), false);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Answers a command with {@code text}: a first reply ahead of the chat's other news, or an edit of the status
     * message the origin names.
     */
    void answer(Origin origin, String text) {
        if (origin.statusMessageId() != 0) {
            messages.replace(origin, origin.statusMessageId(), text);
            return;
        }
        outbox.reply(origin.chat(), "sendMessage", (client, chat) -> ChatMessages.text(client, origin, chat, text, null))
                .exceptionally(e -> {
                    LOG.debug("answer not sent: {}", e.getMessage());
                    return null;
                });
    }

    /**
     * Sends the job's status message as the command's first reply, with the text the job has when its turn comes; if
     * the job has moved on while it was sent, an edit follows. Nothing is sent when the picture is already there.
     */
    private CompletableFuture<Origin> sendStatus(StatusMessage t) {
        t.firstReplyPending = true;
        return outbox.<Message>reply(t.origin.chat(), "sendMessage", (client, chat) -> {
            if (t.statusGone) {
                return null; // the picture came first: it replies to the command itself
            }
            String text = t.text;
            t.lastSent = text;
            // It counts as the status message's last edit: progress edits keep the chat's interval after it.
            t.edited = true;
            t.lastEditNanos = nanoClock.getAsLong();
            return ChatMessages.text(client, t.origin, chat, text, t.closed ? null : ChatMessages.waitingKeyboard(t.jobId))
                    .thenApply(m -> {
                        t.statusChatId = chat;
                        t.statusId = m.getMessageId();
                        return m;
                    });
        }).handle((sent, failure) -> {
            t.firstReplyPending = false;
            if (failure != null) {
                LOG.warn("no status message for job {} in chat {}: {}", t.jobId, t.origin.chatId(),
                        failure.getMessage());
                return null;
            }
            if (sent == null) {
                return null;
            }
            // News that came while it was sent follows as one edit with the latest text. (Had the picture come, its
            // deletion is already queued behind it in the chat's lane.)
            if (!t.statusGone && !t.text.equals(t.lastSent)) {
                showStatus(t, true);
            }
            return t.origin.withStatus(t.statusChatId, t.statusId);
        });
    }

    /** Jobs cancelled while they waited get no news from the job service: close their status messages here. */
    void refreshCancelled() {
        for (StatusMessage t : List.copyOf(tracked.values())) {
            jobs.job(t.jobId).filter(job -> job.state() == JobState.CANCELLED)
                    .ifPresent(job -> finalStatus(t, ReplyTexts.cancelled(null).withIcon()));
        }
    }

    /** A command from {@code origin} goes to the job service now; {@link #onReply} follows. */
    void handingOver(Origin origin) {
        handingOver.merge(origin.encode(), 1, Integer::sum);
    }

    /** The job service answered the command from {@code origin} (its first reply, if any, is queued). */
    void handedOver(Origin origin) {
        handingOver.computeIfPresent(origin.encode(), (key, count) -> count == 1 ? null : count - 1);
    }

    // ---- status messages ----

    StatusMessage track(Job job) {
        StatusMessage existing = tracked.get(job.id());
        if (existing != null) {
            return existing;
        }
        Origin origin = Origin.decode(job.origin());
        if (origin == null) {
            return null;
        }
        return tracked.computeIfAbsent(job.id(), id -> {
            StatusMessage t = new StatusMessage(id, origin);
            t.firstReplyPending = origin.statusMessageId() == 0 && handingOver.containsKey(job.origin());
            return t;
        });
    }

    private void close(StatusMessage t) {
        t.closed = true;
        tracked.remove(t.jobId);
        ScheduledFuture<?> action = t.chatAction;
        if (action != null) {
            action.cancel(false);
        }
    }

    private void finalStatus(StatusMessage t, String text) {
        if (t.advance(JobPhase.OVER, text)) {
            close(t);
            showStatus(t, true);
        }
    }

    /**
     * Brings the status message up to date: at most one edit is queued per job, and it sends whatever the text is
     * when its turn comes, so quick progress collapses into one edit. Progress ({@code force} false) is also held
     * to one edit per interval of the chat. With no status message yet, one is sent.
     */
    private void showStatus(StatusMessage t, boolean force) {
        if (t.firstReplyPending) {
            return; // the first reply carries the latest text, or is followed by an edit that does
        }
        long now = nanoClock.getAsLong();
        Duration interval = t.origin.group() ? settings.groupEditInterval() : settings.privateEditInterval();
        if (!force && t.edited && now - t.lastEditNanos < interval.toNanos()) {
            return;
        }
        if (!t.editQueued.compareAndSet(false, true)) {
            return;
        }
        t.edited = true;
        t.lastEditNanos = now;
        outbox.<Serializable>message(t.origin.chat(), "editMessageText", (client, chat) -> {
            t.editQueued.set(false);
            String text = t.text;
            if (t.statusGone || (text.equals(t.lastSent) && chat == t.statusChatId)) {
                return null;
            }
            t.lastSent = text;
            InlineKeyboardMarkup keyboard = t.closed ? null : ChatMessages.waitingKeyboard(t.jobId);
            if (chat != t.statusChatId) {
                // The group became a supergroup: its messages stayed behind, so a new status message is sent.
                t.statusId = 0;
                t.statusChatId = chat;
            }
            if (t.statusId == 0) {
                if (t.closed) {
                    return ChatMessages.text(client, t.origin, chat, text, null).thenApply(m -> (Serializable) m);
                }
                return ChatMessages.text(client, t.origin, chat, text, keyboard).thenApply(m -> {
                    t.statusId = m.getMessageId();
                    return (Serializable) m;
                });
            }
            return client.executeAsync(EditMessageText.builder().chatId(chat).messageId(t.statusId)
                    .text(Texts.message(text)).replyMarkup(keyboard).build());
        }).exceptionally(e -> {
            LOG.debug("status of job {} not updated: {}", t.jobId, e.getMessage());
            return null;
        });
    }

    private void deleteStatus(StatusMessage t) {
        t.statusGone = true;
        // Queued behind the photo in the chat's lane, so the status goes only when the picture is there.
        outbox.light(t.origin.chat(), "deleteMessage", (client, chat) -> t.statusId == 0 || chat != t.statusChatId
                ? null : client.executeAsync(DeleteMessage.builder().chatId(chat).messageId(t.statusId).build()))
                .exceptionally(e -> {
                    LOG.debug("status message of job {} not deleted: {}", t.jobId, e.getMessage());
                    return null;
                });
    }

    private void startChatAction(StatusMessage t) {
        if (t.chatAction != null) {
            return;
        }
        long every = settings.chatActionInterval().toNanos();
        try {
            t.chatAction = timers.scheduleAtFixedRate(() -> {
                if (t.closed || !t.actionQueued.compareAndSet(false, true)) {
                    return;
                }
                outbox.light(t.origin.chat(), "sendChatAction", (client, chat) -> {
                    t.actionQueued.set(false);
                    if (t.closed) {
                        return null;
                    }
                    SendChatAction.SendChatActionBuilder<?, ?> action = SendChatAction.builder()
                            .chatId(chat).action(ActionType.UPLOAD_PHOTO.toString());
                    if (t.origin.threadId() > 0) {
                        action.messageThreadId(t.origin.threadId());
                    }
                    return client.executeAsync(action.build());
                }).exceptionally(e -> null);
            }, 0, every, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            LOG.debug("bot stopped; no chat action for job {}", t.jobId);
        }
        if (t.closed && t.chatAction != null) {
            t.chatAction.cancel(false);
        }
    }

    /** The messages it sends besides the status messages (the picture, answers). */
    ChatMessages messages() {
        return messages;
    }

    @Override
    public void close() {
        for (StatusMessage t : tracked.values()) {
            ScheduledFuture<?> action = t.chatAction;
            if (action != null) {
                action.cancel(false);
            }
        }
    }
}
