package dev.imagine.bot.telegram;

import dev.imagine.bot.command.Action;
import dev.imagine.bot.command.ActionRef;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.Reply;
import dev.imagine.bot.job.ReplyTexts;
import java.util.Optional;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;
import org.telegram.telegrambots.meta.api.objects.message.MaybeInaccessibleMessage;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/**
 * A press on a button under a picture or a status message: its {@link Action} for the person who pressed it. An
 * action that draws a picture gets a status message like an /imagine; the others are answered in the button's pop-up.
 * Every press is answered exactly once, errors included: Telegram shows a spinner on the button until then.
 */
final class ButtonPresses {
    private final JobService jobs;
    private final Requests requests;
    private final TelegramReplies replies;
    private final GroupAdmins admins;

    ButtonPresses(JobService jobs, Requests requests, TelegramReplies replies, GroupAdmins admins) {
        this.jobs = jobs;
        this.requests = requests;
        this.replies = replies;
        this.admins = admins;
    }

    void onCallback(CallbackQuery query) {
        CallbackAnswer answer = requests.answerTo(query);
        boolean handedOff = false;
        try {
            Optional<ActionRef> pressed = CallbackData.parse(query.getData());
            MaybeInaccessibleMessage message = query.getMessage();
            if (pressed.isEmpty() || message == null || message.getChat() == null || query.getFrom() == null) {
                answer.answer(ReplyTexts.UNKNOWN_BUTTON, false);
                return;
            }
            int thread = message instanceof Message m && m.isTopicMessage() && m.getMessageThreadId() != null
                    ? m.getMessageThreadId() : 0;
            Origin origin = new Origin(message.getChatId(), message.getChat().getType(), message.getMessageId(), 0,
                    thread);
            Requester requester = Requests.requester(query.getFrom(), origin, false);
            ActionRef ref = pressed.get();
            Command command = ref.action().command(requester, ref.jobId());
            switch (ref.action()) {
                case DELETE -> {
                    handedOff = deleteAsAdminIfNeeded(origin, query, ref, command, answer);
                    if (!handedOff) {
                        delete(origin, ref, command, answer);
                    }
                }
                case CANCEL -> {
                    answerWith(answer, jobs.handle(command, origin.encode()));
                    replies.refreshCancelled();
                }
                default -> handedOff = draw(origin, ref, command, answer);
            }
        } catch (RuntimeException e) {
            answer.answer(ReplyTexts.SOMETHING_WRONG, false);
            throw e;
        } finally {
            if (!handedOff) {
                answer.answerIfNot("");
            }
        }
    }

    /** Returns true when the answer was handed to the job's status message (which answers the press later). */
    private boolean draw(Origin origin, ActionRef ref, Command command, CallbackAnswer answer) {
        if (!ref.action().drawsAPicture() || !ref.action().ready()) {
            answerWith(answer, jobs.handle(command, origin.encode()));
            return false;
        }
        if (ref.action() == Action.SAME_SEED && cachedAlready(ref.jobId())) {
            // Served at once from the cache: no status message needed.
            replies.onReply(origin, jobs.handle(command, origin.encode()), answer);
            return false;
        }
        requests.startJob(origin, command, answer);
        return true;
    }

    /**
     * Someone else's picture in a group: its administrators may delete it too, so Telegram is asked first whether
     * the presser is one (then the press is answered later). Returns whether it was handed off so.
     */
    private boolean deleteAsAdminIfNeeded(Origin origin, CallbackQuery query, ActionRef ref, Command command,
                                          CallbackAnswer answer) {
        Optional<Job> job = jobs.job(ref.jobId());
        if (!origin.group() || job.isEmpty() || job.get().ownedBy(command.requester().user())) {
            return false;
        }
        admins.check(origin.chatId(), query.getFrom().getId()).whenComplete((admin, failure) -> {
            try {
                Requester checked = Requests.requester(query.getFrom(), origin, Boolean.TRUE.equals(admin));
                delete(origin, ref, ref.action().command(checked, ref.jobId()), answer);
            } catch (RuntimeException e) {
                answer.answer(ReplyTexts.SOMETHING_WRONG, false);
            } finally {
                answer.answerIfNot("");
            }
        });
        return true;
    }

    private void delete(Origin origin, ActionRef ref, Command command, CallbackAnswer answer) {
        Reply reply = jobs.handle(command, origin.encode());
        if (reply instanceof Reply.Info) {
            requests.messages().delete(origin, origin.requestMessageId());
            for (int id : CallbackData.extraMessageIds(ref)) {
                requests.messages().delete(origin, id);
            }
        }
        answerWith(answer, reply);
    }

    private boolean cachedAlready(String jobId) {
        Optional<Job> job = jobs.job(jobId);
        return job.isPresent() && jobs.images(job.get()).isPresent();
    }

    private static void answerWith(CallbackAnswer answer, Reply reply) {
        answer.answer(ReplyTexts.text(reply), reply instanceof Reply.Refused);
    }
}
