package dev.imagine.bot.telegram;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.groupadministration.GetChatMember;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/**
 * Whether a person administers a group, as Telegram says (getChatMember: creator or administrator), remembered for a
 * while so that a moderator's burst of commands costs one call. Asked when someone changes the group's settings,
 * moderates or deletes another person's picture; a failed check counts as no.
 */
final class GroupAdmins {
    private static final Logger LOG = LoggerFactory.getLogger(GroupAdmins.class);

    private record Known(boolean admin, long expiresAtNanos) {
    }

    private final Outbox outbox;
    private final TelegramSettings settings;
    private final LongSupplier nanoClock;
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    GroupAdmins(Outbox outbox, TelegramSettings settings, LongSupplier nanoClock) {
        this.outbox = outbox;
        this.settings = settings;
        this.nanoClock = nanoClock;
    }

    /**
     * Whether the sender of {@code message} administers the group it was sent in: an anonymous administrator (who
     * posts as the group itself) does without asking; in a private chat nobody does.
     */
    CompletableFuture<Boolean> sender(Origin origin, Message message) {
        if (!origin.group()) {
            return CompletableFuture.completedFuture(false);
        }
        if (anonymousAdmin(message)) {
            return CompletableFuture.completedFuture(true);
        }
        return check(origin.chatId(), message.getFrom().getId());
    }

    /** An anonymous group administrator posts as the group itself. */
    static boolean anonymousAdmin(Message message) {
        return message.getSenderChat() != null && Objects.equals(message.getSenderChat().getId(), message.getChatId());
    }

    CompletableFuture<Boolean> check(long chatId, long userId) {
        String key = chatId + "/" + userId;
        Known remembered = known.get(key);
        if (remembered != null && remembered.expiresAtNanos() - nanoClock.getAsLong() > 0) {
            return CompletableFuture.completedFuture(remembered.admin());
        }
        return outbox.side("admins", "getChatMember", (client, ignored) -> client.executeAsync(GetChatMember.builder()
                        .chatId(chatId).userId(userId).build()))
                .thenApply(member -> {
                    boolean admin = member != null
                            && ("creator".equals(member.getStatus()) || "administrator".equals(member.getStatus()));
                    known.put(key, new Known(admin, nanoClock.getAsLong() + settings.adminCacheTtl().toNanos()));
                    return admin;
                })
                .exceptionally(e -> {
                    LOG.warn("could not check whether user {} administers chat {}: {}", userId, chatId,
                            e.getMessage());
                    return false;
                });
    }
}
