package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The outbox on made-up time ({@link ManualScheduler}): who goes first, and Telegram's limits kept. Calls answer at
 * once; nothing here sleeps or opens a socket.
 */
class OutboxTest {
    private static final long S = 1_000_000_000L;

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Outbox outbox = new Outbox(null, new ChatMigrations((from, to) -> { }),
            new RateLimiter(TelegramSettings.Pacing.TELEGRAM), scheduler, scheduler::nanoTime);

    /** What went out: the call's name and chat, and when. */
    record Sent(String name, long chat, long atNanos) {
    }

    private final List<Sent> sent = new ArrayList<>();

    private Outbox.ApiCall<String> answered(String name) {
        return (client, chat) -> {
            sent.add(new Sent(name, chat, scheduler.nanoTime()));
            return CompletableFuture.completedFuture(name);
        };
    }

    private static Outbox.Chat privateChat(long id) {
        return new Outbox.Chat(id, false);
    }

    @Test
    void aCommandsFirstReply_goesAheadOfTheEditsAndPhotosWaitingInItsChat() {
        Outbox.Chat chat = privateChat(700);
        outbox.message(chat, "editMessageText", answered("edit just sent"));
        scheduler.runUntil(0); // the chat must now wait a second
        outbox.message(chat, "sendPhoto", answered("photo of an earlier job"));
        outbox.message(chat, "editMessageText", answered("edit of an earlier job"));
        outbox.reply(chat, "sendMessage", answered("first reply"));

        scheduler.runUntil(10 * S);

        assertThat(sent).extracting(Sent::name).containsExactly("edit just sent", "first reply",
                "photo of an earlier job", "edit of an earlier job");
        assertThat(sent).extracting(Sent::atNanos).as("still a message a second in a chat")
                .containsExactly(0L, S, 2 * S, 3 * S);
    }

    @Test
    void aFirstReply_findsRoomAtOnce_whileOtherChatsHaveABacklogOfUpdates() {
        for (int chat = 0; chat < 100; chat++) {
            for (int edit = 0; edit < 3; edit++) {
                outbox.message(privateChat(1000 + chat), "editMessageText", answered("update"));
            }
        }
        scheduler.runUntil(S / 2);
        outbox.reply(privateChat(700), "sendMessage", answered("first reply"));
        scheduler.runUntil(S / 2);

        assertThat(sent).filteredOn(s -> s.name().equals("first reply")).singleElement()
                .extracting(Sent::atNanos).isEqualTo(S / 2);
    }

    @Test
    void firstRepliesAndUpdatesTogether_stayWithinTelegramsLimits() {
        // 200 people, each in their own chat, with a burst of first replies on top of their jobs' updates.
        for (int round = 0; round < 5; round++) {
            for (int chat = 0; chat < 200; chat++) {
                outbox.message(privateChat(1000 + chat), "editMessageText", answered("update"));
                outbox.reply(privateChat(1000 + chat), "sendMessage", answered("first reply"));
            }
        }
        scheduler.runUntil(200 * S);

        assertThat(sent).hasSize(2000);
        for (Sent each : sent) {
            long inTheSecond = sent.stream().filter(s -> s.atNanos() > each.atNanos() - S
                    && s.atNanos() <= each.atNanos()).count();
            assertThat(inTheSecond).as("messages in the second up to %d ns", each.atNanos()).isLessThanOrEqualTo(30);
            long sameChatWithinASecond = sent.stream().filter(s -> s != each && s.chat() == each.chat()
                    && Math.abs(s.atNanos() - each.atNanos()) < S).count();
            assertThat(sameChatWithinASecond).as("chat %d", each.chat()).isZero();
        }
        long lastFirstReply = sent.stream().filter(s -> s.name().equals("first reply")).mapToLong(Sent::atNanos)
                .max().orElseThrow();
        // The 20 updates queued before the first replies went at once; then 1,000 first replies at 30 a second,
        // ahead of the other 980 updates.
        assertThat(lastFirstReply).isLessThanOrEqualTo(35 * S);
    }

    @Test
    void aGroupsFirstReply_isStillHeldToTwentyMessagesAMinute() {
        Outbox.Chat group = new Outbox.Chat(-100, true);
        for (int i = 0; i < 25; i++) {
            outbox.reply(group, "sendMessage", answered("first reply"));
        }
        scheduler.runUntil(120 * S);

        assertThat(sent).hasSize(25);
        for (Sent each : sent) {
            assertThat(sent.stream().filter(s -> s.atNanos() > each.atNanos() - 60 * S
                    && s.atNanos() <= each.atNanos())).hasSizeLessThanOrEqualTo(20);
        }
    }
}
