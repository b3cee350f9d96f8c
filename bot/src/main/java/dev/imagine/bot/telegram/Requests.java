package dev.imagine.bot.telegram;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.JobService;
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

    /** A new message replying to the request. */
    void answer(Origin origin, String text) {
        messages.replace(origin, 0, text);
    }

    /**
     * A command that may start a job. The status message goes out first, so that its id is part of the origin the job
     * service stores with the job (a job resumed after a restart edits the same message); then the job service
     * answers, and the status message shows that answer.
     */
    void startJob(Origin origin, Command command, CallbackAnswer answer) {
        outbox.message(origin.chat(), "sendMessage",
                        (client, chat) -> ChatMessages.text(client, origin, chat, Texts.PLACEHOLDER, null))
                .whenCompleteAsync((status, failure) -> {
                    if (failure != null) {
                        LOG.warn("no status message in chat {}: {}", origin.chatId(), failure.getMessage());
                        answer.answer("Telegram did not let me answer in this chat.", true);
                        return;
                    }
                    Origin full = origin.withStatus(status.getChatId(), status.getMessageId());
                    try {
                        replies.onReply(full, jobs.handle(command, full.encode()), answer);
                    } catch (RuntimeException e) {
                        LOG.error("command in chat {} failed", origin.chatId(), e);
                        messages.replace(full, full.statusMessageId(), ReplyTexts.SOMETHING_WRONG);
                        answer.answer(ReplyTexts.SOMETHING_WRONG, false);
                    } finally {
                        answer.answerIfNot("");
                    }
                }, updates);
    }
}
