package dev.imagine.bot.telegram;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ModerationAction;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.job.ReplyTexts;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/**
 * {@code /moderate} in a group, for its administrators (checked with Telegram each time, briefly remembered):
 * {@code show}, {@code ban} and {@code unban} (a user id, or as a reply to the person's message), {@code pause},
 * {@code resume}, {@code policy spoiler|blur|refuse}, {@code block} and {@code unblock} words (separated by commas),
 * {@code rate N} (or {@code rate off} for the operator's limit).
 */
final class ModerationCommands {
    static final String USAGE = "/moderate show | ban <user id> | unban <user id> | pause | resume | policy"
            + " spoiler|blur|refuse | block word, word* | unblock word | rate <pictures>|off. Reply to someone's"
            + " message with /moderate ban to ban them.";
    private static final Logger LOG = LoggerFactory.getLogger(ModerationCommands.class);

    private final Requests requests;
    private final GroupAdmins admins;
    private final Executor updates;

    ModerationCommands(Requests requests, GroupAdmins admins, Executor updates) {
        this.requests = requests;
        this.admins = admins;
        this.updates = updates;
    }

    void onMessage(Origin origin, Message message, String args) {
        ModerationAction action;
        try {
            action = parse(args, message);
        } catch (IllegalArgumentException e) {
            requests.answer(origin, e.getMessage());
            return;
        }
        admins.sender(origin, message).whenCompleteAsync((isAdmin, failure) -> {
            Requester who = Requests.requester(message.getFrom(), origin, Boolean.TRUE.equals(isAdmin));
            try {
                requests.ask(origin, new Command.Moderate(who, null, action));
            } catch (RuntimeException e) {
                LOG.error("/moderate in chat {} failed", origin.chatId(), e);
                requests.answer(origin, ReplyTexts.SOMETHING_WRONG);
            }
        }, updates);
    }

    static ModerationAction parse(String args, Message message) {
        String text = args == null ? "" : args.strip();
        int space = text.indexOf(' ');
        String verb = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
        String rest = space < 0 ? "" : text.substring(space + 1).strip();
        return switch (verb) {
            case "", "show" -> new ModerationAction.Show();
            case "ban" -> new ModerationAction.Ban(target(rest, message));
            case "unban" -> new ModerationAction.Unban(target(rest, message));
            case "pause" -> new ModerationAction.Pause();
            case "resume" -> new ModerationAction.Resume();
            case "policy" -> new ModerationAction.Policy(rest);
            case "block" -> new ModerationAction.Block(words(rest));
            case "unblock" -> new ModerationAction.Unblock(words(rest));
            case "rate" -> new ModerationAction.Rate(rate(rest));
            default -> throw new IllegalArgumentException("I don't know /moderate " + verb + ". " + USAGE);
        };
    }

    /** A user id written after the verb, else the sender of the message this one replies to. */
    private static String target(String rest, Message message) {
        if (!rest.isEmpty()) {
            String id = rest.split("\\s+")[0];
            if (!id.matches("-?\\d{1,20}")) {
                throw new IllegalArgumentException("Write the person's numeric user id (" + id + " is not one), or"
                        + " reply to their message with /moderate ban.");
            }
            return id;
        }
        Message replied = message.getReplyToMessage();
        if (replied != null && replied.getFrom() != null && !Boolean.TRUE.equals(replied.getFrom().getIsBot())) {
            return Long.toString(replied.getFrom().getId());
        }
        throw new IllegalArgumentException("Whom? Write their user id (/moderate ban 12345678), or reply to their"
                + " message with /moderate ban.");
    }

    private static List<String> words(String rest) {
        String[] parts = rest.contains(",") ? rest.split(",") : rest.split("\\s+");
        return Arrays.stream(parts).map(String::strip).filter(w -> !w.isEmpty()).toList();
    }

    private static Integer rate(String rest) {
        if (rest.isEmpty() || rest.equalsIgnoreCase("off") || rest.equalsIgnoreCase("default")) {
            return null;
        }
        try {
            return Integer.parseInt(rest);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("/moderate rate takes a number of pictures (e.g. /moderate rate 5),"
                    + " or off for the operator's limit; got '" + rest + "'.");
        }
    }
}
