package dev.imagine.bot.telegram;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.job.ReplyTexts;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.MessageEntity;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/**
 * Messages to the bot: {@code /imagine} and friends in groups and private chats (where plain text is a prompt too),
 * addressed to this bot or to none; and the service messages that say a group became a supergroup.
 */
final class ChatCommands {
    private static final Logger LOG = LoggerFactory.getLogger(ChatCommands.class);

    private final Requests requests;
    private final TelegramReplies replies;
    private final ChatMigrations migrations;
    private final GroupAdmins admins;
    private final ModerationCommands moderation;
    private final Executor updates;
    private final Supplier<String> botName;

    ChatCommands(Requests requests, TelegramReplies replies, ChatMigrations migrations, GroupAdmins admins,
                 ModerationCommands moderation, Executor updates, Supplier<String> botName) {
        this.requests = requests;
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
        if (!message.hasText() || message.getFrom() == null || message.getChat() == null) {
            return;
        }
        if (Boolean.TRUE.equals(message.getFrom().getIsBot()) && !GroupAdmins.anonymousAdmin(message)) {
            return;
        }
        String text = message.getText();
        Origin origin = new Origin(message.getChatId(), message.getChat().getType(), message.getMessageId(), 0,
                message.isTopicMessage() && message.getMessageThreadId() != null ? message.getMessageThreadId() : 0);
        String command = null;
        String args = text;
        MessageEntity entity = commandEntity(message);
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
            case "imagine" -> imagine(origin, requester, args);
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

    private static MessageEntity commandEntity(Message message) {
        if (message.getEntities() == null) {
            return null;
        }
        for (MessageEntity entity : message.getEntities()) {
            if ("bot_command".equals(entity.getType()) && entity.getOffset() == 0 && entity.getLength() > 1
                    && entity.getLength() <= message.getText().length()) {
                return entity;
            }
        }
        return null;
    }

    private void imagine(Origin origin, Requester requester, String args) {
        switch (CommandParser.imagine(args, requester)) {
            case CommandParser.Invalid invalid -> requests.answer(origin, invalid.message());
            case CommandParser.Imagine imagine -> requests.startJob(origin, imagine.command(), CallbackAnswer.NONE);
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
