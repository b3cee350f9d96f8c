package dev.imagine.bot.telegram;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.PictureInput;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.job.ReplyTexts;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.MessageEntity;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/**
 * Messages to the bot: {@code /imagine} and friends in groups and private chats (where plain text is a prompt too),
 * addressed to this bot or to none, as a message's text or as the caption of a photo or document (a picture to start
 * from, as is the one a command replies to); and the service messages that say a group became a supergroup.
 */
final class ChatCommands {
    private static final Logger LOG = LoggerFactory.getLogger(ChatCommands.class);

    private final Requests requests;
    private final TelegramPictures pictures;
    private final TelegramReplies replies;
    private final ChatMigrations migrations;
    private final GroupAdmins admins;
    private final ModerationCommands moderation;
    private final Executor updates;
    private final Supplier<String> botName;

    ChatCommands(Requests requests, TelegramPictures pictures, TelegramReplies replies, ChatMigrations migrations,
                 GroupAdmins admins, ModerationCommands moderation, Executor updates, Supplier<String> botName) {
        this.requests = requests;
        this.pictures = pictures;
        this.replies = replies;
        this.migrations = migrations;
        this.admins = admins;
        this.moderation = moderation;
        this.updates = updates;
        this.botName = botName;
    }

    void onMessage(Message message) {
        if (message.getChat() != null && message.getMigrateToChatId() != null) {
            migrations.moved(message.getChatId(), message.getMigrateToChatId());
            return;
        }
        if (message.getChat() != null && message.getMigrateFromChatId() != null) {
            migrations.moved(message.getMigrateFromChatId(), message.getChatId());
            return;
        }
        // A photo or a document says its command in its caption.
        boolean captioned = !message.hasText() && TelegramPictures.of(message).isPresent();
        if ((!message.hasText() && !captioned) || message.getFrom() == null || message.getChat() == null) {
            return;
        }
        if (Boolean.TRUE.equals(message.getFrom().getIsBot()) && !GroupAdmins.anonymousAdmin(message)) {
            return;
        }
        String text = captioned ? Objects.requireNonNullElse(message.getCaption(), "") : message.getText();
        Origin origin = new Origin(message.getChatId(), message.getChat().getType(), message.getMessageId(), 0,
                message.isTopicMessage() && message.getMessageThreadId() != null ? message.getMessageThreadId() : 0);
        String command = null;
        String args = text;
        MessageEntity entity = commandEntity(text, captioned ? message.getCaptionEntities() : message.getEntities());
        if (entity != null) {
            String name = text.substring(1, entity.getLength());
            int at = name.indexOf('@');
            if (at >= 0) {
                if (!name.substring(at + 1).equalsIgnoreCase(botName.get())) {
                    return; // addressed to another bot in the group
                }
                name = name.substring(0, at);
            }
            command = name.toLowerCase(Locale.ROOT);
            args = text.substring(entity.getLength());
        } else if (origin.group()) {
            return; // groups: only commands
        }
        Requester requester = Requests.requester(message.getFrom(), origin, false);
        switch (command == null ? "imagine" : command) {
            case "imagine" -> imagine(origin, requester, args, TelegramPictures.inOrRepliedTo(message));
            case "inpaint" -> inpaint(origin, requester, args, TelegramPictures.of(message),
                    TelegramPictures.of(message.getReplyToMessage()));
            case "queue" -> requests.ask(origin, new Command.QueueStatus(requester));
            case "cancel" -> {
                requests.ask(origin, new Command.Cancel(requester, null));
                replies.refreshCancelled();
            }
            case "settings" -> settings(origin, message, requester, args);
            case "moderate" -> moderation.onMessage(origin, message, args);
            case "help" -> requests.answer(origin, Texts.HELP);
            case "start" -> requests.answer(origin, Texts.START);
            default -> {
                if (!origin.group()) {
                    requests.answer(origin, "I don't know /" + command + ".\n\n" + Texts.HELP);
                }
            }
        }
    }

    private static MessageEntity commandEntity(String text, List<MessageEntity> entities) {
        if (entities == null) {
            return null;
        }
        for (MessageEntity entity : entities) {
            if ("bot_command".equals(entity.getType()) && entity.getOffset() == 0 && entity.getLength() > 1
                    && entity.getLength() <= text.length()) {
                return entity;
            }
        }
        return null;
    }

    /** /imagine, from words alone or from the picture it came with (or replies to), fetched from Telegram first. */
    private void imagine(Origin origin, Requester requester, String args,
                         Optional<TelegramPictures.FileRef> picture) {
        switch (CommandParser.imagine(args, requester)) {
            case CommandParser.Invalid invalid -> requests.answer(origin, invalid.message());
            case CommandParser.Imagine imagine when picture.isPresent() ->
                    pictures.download(picture.get()).whenCompleteAsync((bytes, failure) -> {
                        if (failure != null) {
                            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                            requests.answer(origin, cause instanceof TelegramPictures.Unfetchable unfetchable
                                    ? unfetchable.getMessage() : ReplyTexts.SOMETHING_WRONG);
                            return;
                        }
                        requests.startJob(origin, imagine.command().from(new PictureInput.Upload(bytes)),
                                CallbackAnswer.NONE);
                    }, updates);
            case CommandParser.Imagine imagine when imagine.command().strength() != null ->
                    requests.answer(origin, Texts.STRENGTH_WITHOUT_PICTURE);
            case CommandParser.Imagine imagine -> requests.startJob(origin, imagine.command(), CallbackAnswer.NONE);
            case CommandParser.Settings ignored -> throw new IllegalStateException("not an imagine command");
        }
    }

    /**
     * /inpaint as the caption of a mask (a photo or an image document), sent as a reply to the picture to paint in:
     * both fetched from Telegram, then the mask's white part of the picture redrawn.
     */
    private void inpaint(Origin origin, Requester requester, String args, Optional<TelegramPictures.FileRef> mask,
                         Optional<TelegramPictures.FileRef> picture) {
        if (mask.isEmpty() || picture.isEmpty()) {
            requests.answer(origin, Texts.INPAINT_HOW);
            return;
        }
        switch (CommandParser.imagine(args, requester)) {
            case CommandParser.Invalid invalid -> requests.answer(origin, invalid.message());
            case CommandParser.Imagine imagine -> pictures.download(picture.get())
                    .thenCombine(pictures.download(mask.get()), (source, maskBytes) -> new Command.Inpaint(
                            imagine.command().from(new PictureInput.Upload(source)),
                            new PictureInput.Upload(maskBytes)))
                    .whenCompleteAsync((inpaint, failure) -> {
                        if (failure != null) {
                            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                            requests.answer(origin, cause instanceof TelegramPictures.Unfetchable unfetchable
                                    ? unfetchable.getMessage() : ReplyTexts.SOMETHING_WRONG);
                            return;
                        }
                        requests.startJob(origin, inpaint, CallbackAnswer.NONE);
                    }, updates);
            case CommandParser.Settings ignored -> throw new IllegalStateException("not an imagine command");
        }
    }

    private void settings(Origin origin, Message message, Requester requester, String args) {
        String here = origin.threadId() > 0 ? Requests.topicKey(origin.threadId()) : Requests.MAIN_TOPIC;
        switch (CommandParser.settings(args, here)) {
            case CommandParser.Invalid invalid -> requests.answer(origin, invalid.message());
            case CommandParser.Settings s when s.forCommunity() && origin.group() ->
                    admins.sender(origin, message).whenCompleteAsync((admin, failure) -> {
                        Requester checked = Requests.requester(message.getFrom(), origin, Boolean.TRUE.equals(admin));
                        try {
                            requests.ask(origin, new Command.Settings(checked, s.change()));
                        } catch (RuntimeException e) {
                            LOG.error("settings in chat {} failed", origin.chatId(), e);
                            requests.answer(origin, ReplyTexts.SOMETHING_WRONG);
                        }
                    }, updates);
            case CommandParser.Settings s -> requests.ask(origin, new Command.Settings(requester, s.change()));
            case CommandParser.Imagine ignored -> throw new IllegalStateException("not a settings command");
        }
    }
}
