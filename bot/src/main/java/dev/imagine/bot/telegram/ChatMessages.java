package dev.imagine.bot.telegram;

import dev.imagine.bot.command.Action;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.ReplyTexts;
import java.io.ByteArrayInputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.send.SendMediaGroup;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.DeleteMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.ReplyParameters;
import org.telegram.telegrambots.meta.api.objects.media.InputMedia;
import org.telegram.telegrambots.meta.api.objects.media.InputMediaPhoto;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * The messages Imagine sends in a chat, in reply to the request that asked: texts, and a finished picture with its
 * caption and buttons (one photo, or an album whose buttons follow on the next message). Each goes through the
 * {@link Outbox} into the chat's lane.
 */
final class ChatMessages {
    private static final Logger LOG = LoggerFactory.getLogger(ChatMessages.class);

    private final Outbox outbox;

    ChatMessages(Outbox outbox) {
        this.outbox = outbox;
    }

    /** The picture(s) of a finished job with caption and buttons; completes when Telegram has taken them. */
    CompletableFuture<?> picture(Origin origin, Job job, List<byte[]> pngs, Duration elapsed) {
        return picture(origin, job, pngs, elapsed, false);
    }

    /**
     * The picture(s) with caption and buttons. {@code firstReply}: they answer the request at once (from the cache),
     * so they go ahead of the chat's other news, as a command's first reply does ({@link Outbox#reply}).
     */
    CompletableFuture<?> picture(Origin origin, Job job, List<byte[]> pngs, Duration elapsed, boolean firstReply) {
        String caption = Texts.caption(job, elapsed);
        if (pngs.size() == 1) {
            byte[] png = pngs.get(0);
            return send(origin, "sendPhoto", firstReply, (client, chat) -> {
                SendPhoto.SendPhotoBuilder<?, ?> photo = SendPhoto.builder().chatId(chat)
                        .photo(new InputFile(new ByteArrayInputStream(png), ReplyTexts.fileName(job, 0)))
                        // A flagged picture: Telegram shows it blurred until it is tapped.
                        .hasSpoiler(job.spoiler(0))
                        .caption(caption)
                        .replyMarkup(resultKeyboard(job.id(), CallbackData.of(Action.DELETE, job.id())));
                if (repliesIn(origin, chat)) {
                    photo.replyParameters(replyTo(origin.requestMessageId()));
                }
                if (origin.threadId() > 0) {
                    photo.messageThreadId(origin.threadId());
                }
                return client.executeAsync(photo.build());
            });
        }
        // An album keeps the pictures together (one message in the chat, not four), but an album cannot carry
        // buttons: they go on a message right after it, whose Delete also removes the album.
        return send(origin, "sendMediaGroup", firstReply, (client, chat) -> {
            List<InputMedia> media = new ArrayList<>();
            for (int i = 0; i < pngs.size(); i++) {
                InputMediaPhoto photo = new InputMediaPhoto(new ByteArrayInputStream(pngs.get(i)),
                        ReplyTexts.fileName(job, i));
                if (i == 0) {
                    photo.setCaption(caption);
                }
                photo.setHasSpoiler(job.spoiler(i));
                media.add(photo);
            }
            SendMediaGroup.SendMediaGroupBuilder<?, ?> album = SendMediaGroup.builder().chatId(chat).medias(media);
            if (repliesIn(origin, chat)) {
                album.replyParameters(replyTo(origin.requestMessageId()));
            }
            if (origin.threadId() > 0) {
                album.messageThreadId(origin.threadId());
            }
            return client.executeAsync(album.build());
        }).thenCompose(messages -> {
            List<Integer> ids = messages.stream().map(Message::getMessageId).toList();
            String delete = CallbackData.deleteWithMessages(job.id(), ids);
            // The buttons reply to the album, in the chat the album went to.
            Origin album = new Origin(messages.get(0).getChatId(), origin.chatType(), ids.get(0), 0, origin.threadId());
            return outbox.message(album.chat(), "sendMessage", (client, chat) -> text(client, album, chat, caption,
                    resultKeyboard(job.id(), delete)));
        });
    }

    private <T> CompletableFuture<T> send(Origin origin, String method, boolean firstReply, Outbox.ApiCall<T> call) {
        return firstReply ? outbox.reply(origin.chat(), method, call) : outbox.message(origin.chat(), method, call);
    }

    /**
     * Replaces the text of a message the bot sent (a status message that became an answer); with no message yet
     * ({@code messageId} 0), the text goes out as a new message replying to the request.
     */
    void replace(Origin origin, int messageId, String text) {
        if (messageId == 0) {
            outbox.message(origin.chat(), "sendMessage",
                            (client, chat) -> text(client, origin, chat, text, null))
                    .exceptionally(e -> null);
            return;
        }
        outbox.<Serializable>message(origin.chat(), "editMessageText", (client, chat) -> chat != origin.chatId()
                        // The message stayed behind in the group that became this supergroup: answer anew.
                        ? text(client, origin, chat, text, null).thenApply(m -> (Serializable) m)
                        : client.executeAsync(EditMessageText.builder().chatId(chat).messageId(messageId)
                                .text(Texts.message(text)).build()))
                .exceptionally(e -> {
                    LOG.debug("answer not shown: {}", e.getMessage());
                    return null;
                });
    }

    /** Deletes a message the bot sent in the origin's chat (not once that chat became a supergroup). */
    void delete(Origin origin, int messageId) {
        if (messageId == 0) {
            return;
        }
        outbox.light(origin.chat(), "deleteMessage", (client, chat) -> chat != origin.chatId() ? null
                        : client.executeAsync(DeleteMessage.builder().chatId(chat).messageId(messageId).build()))
                .exceptionally(e -> {
                    LOG.debug("message not deleted: {}", e.getMessage());
                    return null;
                });
    }

    /** The actions under a picture, two a row (the pans four); {@code deleteData} is Delete's (an album's carries its messages). */
    static InlineKeyboardMarkup resultKeyboard(String jobId, String deleteData) {
        List<InlineKeyboardButton> buttons = new ArrayList<>();
        for (Action action : Action.UNDER_A_PICTURE) {
            buttons.add(button(action, action == Action.DELETE ? deleteData : CallbackData.of(action, jobId)));
        }
        // Two a row, so that every label fits on a phone; the four short pans share one row.
        InlineKeyboardMarkup.InlineKeyboardMarkupBuilder<?, ?> keyboard = InlineKeyboardMarkup.builder();
        int pans = Action.UNDER_A_PICTURE.indexOf(Action.PAN_LEFT);
        for (int i = 0; i < buttons.size(); ) {
            int width = i == pans ? Action.PANS.size() : 2;
            keyboard.keyboardRow(new InlineKeyboardRow(buttons.subList(i, Math.min(i + width, buttons.size()))));
            i += width;
        }
        return keyboard.build();
    }

    /** Under a status message while the job waits or is drawn. */
    static InlineKeyboardMarkup waitingKeyboard(String jobId) {
        List<InlineKeyboardButton> buttons = new ArrayList<>();
        for (Action action : Action.WHILE_WAITING) {
            buttons.add(button(action, CallbackData.of(action, jobId)));
        }
        return InlineKeyboardMarkup.builder().keyboardRow(new InlineKeyboardRow(buttons)).build();
    }

    private static InlineKeyboardButton button(Action action, String data) {
        return InlineKeyboardButton.builder().text(action.icon() + " " + action.label()).callbackData(data).build();
    }

    static ReplyParameters replyTo(int messageId) {
        return ReplyParameters.builder().messageId(messageId).allowSendingWithoutReply(true).build();
    }

    /**
     * Whether an answer in {@code chat} can reply to the origin's request: not once the group has become a
     * supergroup, whose message ids start anew (the same number would name some other message there).
     */
    static boolean repliesIn(Origin origin, long chat) {
        return origin.requestMessageId() > 0 && chat == origin.chatId();
    }

    /** Sends {@code text} to {@code chat} (the origin's chat, or the supergroup it became). */
    static CompletableFuture<Message> text(TelegramClient client, Origin origin, long chat, String text,
                                           InlineKeyboardMarkup keyboard) throws TelegramApiException {
        SendMessage.SendMessageBuilder<?, ?> message = SendMessage.builder().chatId(chat)
                .text(Texts.message(text)).replyMarkup(keyboard);
        if (repliesIn(origin, chat)) {
            message.replyParameters(replyTo(origin.requestMessageId()));
        }
        if (origin.threadId() > 0) {
            message.messageThreadId(origin.threadId());
        }
        return client.executeAsync(message.build());
    }
}
