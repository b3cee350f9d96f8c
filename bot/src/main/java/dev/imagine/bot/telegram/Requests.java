package dev.imagine.bot.telegram;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.Reply;
import dev.imagine.bot.job.ReplyTexts;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;

/**
 * What messages and button presses have in common: who asks (a person, in a chat, in a topic), and how a command
 * reaches the job service and its answer reaches the chat.
 */
final class Requests {
    /** A group's topic-less messages (and a forum's General topic), for the topics its admins allow. */
    static final String MAIN_TOPIC = "main";
    private static final Logger LOG = LoggerFactory.getLogger(Requests.class);

    private final JobService jobs;
    private final Outbox outbox;
    private final ChatMessages messages;
    private final TelegramReplies replies;
    private final Executor updates;

    /** @param updates the thread updates are handled on; answers that arrive later continue there */
    Requests(JobService jobs, Outbox outbox, TelegramReplies replies, Executor updates) {
        this.jobs = jobs;
        this.outbox = outbox;
        this.messages = replies.messages();
        this.replies = replies;
        this.updates = updates;
    }

    ChatMessages messages() {
        return messages;
    }

    static String topicKey(int threadId) {
        return "topic:" + threadId;
    }

    /** The person, and in a group the group and the topic (what its admins may restrict Imagine to). */
    static Requester requester(org.telegram.telegrambots.meta.api.objects.User from, Origin origin, boolean admin) {
        String name = from.getUserName() != null && !from.getUserName().isBlank() ? from.getUserName()
                : from.getFirstName();
        User user = new User(TelegramBot.PLATFORM, Long.toString(from.getId()), name);
        if (!origin.group()) {
            return new Requester(user, null, null, false);
        }
        String channel = origin.threadId() > 0 ? topicKey(origin.threadId()) : MAIN_TOPIC;
        return new Requester(user, Long.toString(origin.chatId()), channel, admin);
    }

    /** The one answer a button press gets (its pop-up). */
    CallbackAnswer answerTo(CallbackQuery query) {
        return new CallbackAnswer(outbox, query.getId());
    }

    /** Asks the job service; the answer goes into a new message replying to the request. */
    void ask(Origin origin, Command command) {
        answer(origin, ReplyTexts.text(jobs.handle(command, origin.encode())));
    }

    /** A new message replying to the request, ahead of the chat's other news. */
    void answer(Origin origin, String text) {
        replies.answer(origin, text);
    }

    /**
     * A command that may start a job. It reaches the job service at once; the answer is the command's first reply,
     * which goes ahead of the chat's edits and photos, and for an accepted job becomes its status message. Once that
     * message is out, its id is kept with the job (a job resumed after a restart edits the same message). Nothing
     * waits for Telegram here: if the status message cannot be sent, the job still runs and its news comes anew.
     */
    void startJob(Origin origin, Command command, CallbackAnswer answer) {
        replies.handingOver(origin);
        try {
            Reply reply = jobs.handle(command, origin.encode());
            replies.onReply(origin, reply, answer).thenAcceptAsync(status -> {
                if (status != null && reply instanceof Reply.Accepted accepted) {
                    keepStatusMessage(accepted.job().id(), status);
                }
            }, updates);
        } catch (RuntimeException e) {
            LOG.error("command in chat {} failed", origin.chatId(), e);
            answer(origin, ReplyTexts.SOMETHING_WRONG);
            answer.answer(ReplyTexts.SOMETHING_WRONG, false);
        } finally {
            replies.handedOver(origin);
            answer.answerIfNot("");
        }
    }

    private void keepStatusMessage(String jobId, Origin status) {
        try {
            jobs.updateOrigin(jobId, status.encode());
        } catch (RuntimeException e) {
            LOG.warn("the status message of job {} is not kept with it: {}", jobId, e.toString());
        }
    }
}
