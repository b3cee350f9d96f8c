package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.Reply;
import dev.imagine.bot.job.ReplyTexts;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.api.methods.botapimethods.PartialBotApiMethod;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.chat.Chat;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * What a chat is told about a job, on made-up time ({@link ManualScheduler}) with a client that answers at once:
 * the command's first reply and the status message it becomes. Nothing sleeps or opens a socket.
 */
class TelegramRepliesTest {
    private static final long S = 1_000_000_000L;
    private static final long CHAT = 700;

    private final ManualScheduler scheduler = new ManualScheduler();
    /** What the bot sent: "sendMessage: text" or "editMessageText #id: text". */
    private final List<String> sent = new ArrayList<>();
    private final AtomicInteger messageIds = new AtomicInteger(5000);
    private final AtomicReference<String> refuseSendMessage = new AtomicReference<>();
    /** When set, sendMessage is answered only when the test completes this. */
    private CompletableFuture<Message> heldAnswer;
    private final TelegramClient client = (TelegramClient) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {TelegramClient.class}, (proxy, method, args) -> {
                Object call = args == null ? null : args[0];
                if (call instanceof SendMessage message) {
                    if (refuseSendMessage.get() != null) {
                        return CompletableFuture.failedFuture(new TelegramApiRequestException(refuseSendMessage.get()));
                    }
                    sent.add("sendMessage: " + message.getText());
                    Message answer = new Message();
                    answer.setMessageId(messageIds.incrementAndGet());
                    answer.setChat(Chat.builder().id(CHAT).type("private").build());
                    if (heldAnswer != null) {
                        CompletableFuture<Message> later = heldAnswer;
                        heldAnswer = null;
                        return later.thenApply(ignored -> answer);
                    }
                    return CompletableFuture.completedFuture(answer);
                }
                if (call instanceof EditMessageText edit) {
                    sent.add("editMessageText #" + edit.getMessageId() + ": " + edit.getText());
                    return CompletableFuture.completedFuture(Boolean.TRUE);
                }
                if (call instanceof PartialBotApiMethod<?> other) {
                    sent.add(other.getMethod());
                    return CompletableFuture.completedFuture(Boolean.TRUE);
                }
                throw new UnsupportedOperationException(method.getName());
            });
    private final Outbox outbox = new Outbox(client, new ChatMigrations((from, to) -> { }),
            new RateLimiter(TelegramSettings.Pacing.TELEGRAM), scheduler, scheduler::nanoTime);
    private final TelegramReplies replies = new TelegramReplies(outbox, new ChatMessages(outbox), null, scheduler,
            TelegramSettings.defaults().withEditIntervals(Duration.ofMillis(1), Duration.ofMillis(1)),
            scheduler::nanoTime);

    private final Origin command = new Origin(CHAT, "private", 42, 0, 0);
    private final Job job = Job.queued("abcdefghij", new User("telegram", Long.toString(CHAT), "alice"), null, null,
            new JobParameters("a red fox", 1, 2, new ImageSize(256, 256), 8f, 1, Decoder.FULL), Instant.EPOCH,
            command.encode(), null);

    /** What was sent, without the "sending photo…" chat actions. */
    private List<String> messages() {
        return sent.stream().filter(s -> !s.equals("sendChatAction")).toList();
    }

    private static String drawing(int step) {
        return ReplyTexts.drawing(step, 2).withIcon();
    }

    /** The command goes to the job service, which accepts it; {@code meanwhile} is what the worker says first. */
    private CompletableFuture<Origin> accept(Runnable meanwhile) {
        replies.handingOver(command);
        try {
            meanwhile.run();
            return replies.onReply(command, new Reply.Accepted(job, 1, Duration.ZERO), CallbackAnswer.NONE);
        } finally {
            replies.handedOver(command);
        }
    }

    @Test
    void aPictureFromTheCache_isTheCommandsFirstReply_aheadOfTheNewsWaitingInItsChat() {
        outbox.message(command.chat(), "editMessageText", recorded("edit just sent"));
        scheduler.runUntil(0); // the chat must now wait a second
        outbox.message(command.chat(), "editMessageText", recorded("edit of an earlier job"));

        replies.handingOver(command);
        replies.onReply(command, new Reply.Finished(job, List.of(new byte[] {1, 2, 3})), CallbackAnswer.NONE);
        replies.handedOver(command);
        scheduler.runUntil(10 * S);

        assertThat(messages()).containsExactly("edit just sent", "sendphoto", "edit of an earlier job");
    }

    private Outbox.ApiCall<Boolean> recorded(String name) {
        return (client, chat) -> {
            sent.add(name);
            return CompletableFuture.completedFuture(Boolean.TRUE);
        };
    }

    @Test
    void newsOfAJobThatComesBeforeItsFirstReplyIsOut_travelsInTheFirstReply_withoutAnEditOfItsOwn() {
        CompletableFuture<Origin> status = accept(() -> {
            replies.queued(job, 1, Duration.ZERO);
            replies.started(job); // the worker took it up at once
        });
        scheduler.runUntil(0);

        assertThat(messages()).containsExactly("sendMessage: " + drawing(0));
        assertThat(status).isCompletedWithValue(command.withStatus(CHAT, 5001));
    }

    @Test
    void editsQueuedWhileTheChatWaitsItsSecond_collapseIntoOneEditWithTheLatestText() {
        accept(() -> { });
        scheduler.runUntil(0); // the first reply is out; the chat's next message may go a second later

        replies.started(job);
        replies.progress(job, 1, 2);
        replies.notice(job, "Imagine restarted");
        replies.progress(job, 2, 2);
        scheduler.runUntil(10 * S);

        assertThat(messages()).hasSize(2);
        assertThat(messages().get(1)).as("one edit, with only the latest text")
                .isEqualTo("editMessageText #5001: " + drawing(2));
    }

    @Test
    void newsThatComesWhileTheFirstReplyIsOnItsWay_followsInOneEdit() {
        CompletableFuture<Message> telegramAnswers = new CompletableFuture<>();
        heldAnswer = telegramAnswers;
        accept(() -> { });
        scheduler.runUntil(0); // the first reply is sent with the text of the moment, and not answered yet
        replies.started(job);
        telegramAnswers.complete(null);
        scheduler.runUntil(10 * S);

        assertThat(messages()).containsExactly("sendMessage: " + ReplyTexts.queued(1, Duration.ZERO).withIcon(),
                "editMessageText #5001: " + drawing(0));
    }

    @Test
    void aStatusMessageTelegramRefuses_losesNothing_theNextNewsSendsOneAnew() {
        refuseSendMessage.set("Forbidden: bot was blocked by the user");
        CompletableFuture<Origin> status = accept(() -> { });
        scheduler.runUntil(10 * S);
        assertThat(status).isCompletedWithValue(null);

        refuseSendMessage.set(null);
        replies.started(job);
        scheduler.runUntil(20 * S);

        assertThat(messages()).containsExactly("sendMessage: " + drawing(0));
    }
}
