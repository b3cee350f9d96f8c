package dev.imagine.bot.telegram;

import dev.imagine.bench.LoadFront;
import dev.imagine.bot.testing.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The load benchmark's way in through Telegram: the real TelegramBots client long-polling {@link FakeTelegram}, paced
 * by Telegram's real limits (one message a second per chat, 30 a second in all). A person writes {@code /imagine}
 * in their private chat with the bot; the acknowledgement is the bot's first message replying to it.
 */
public final class TelegramLoadFront implements LoadFront {
    private final FakeTelegram telegram;
    private Map<Integer, FakeTelegram.Call> firstReplies;
    /** The last text each bot message was edited to, by "chat:message". */
    private Map<String, String> lastEdits;

    private TelegramLoadFront(FakeTelegram telegram) {
        this.telegram = telegram;
    }

    public static LoadFront start(Engine engine, Path data) {
        FakeTelegram telegram;
        try {
            telegram = new FakeTelegram();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TelegramSettings settings = TelegramSettings.defaults().withApiUrl(telegram.url())
                .withPollTimeout(Duration.ofSeconds(2));
        try {
            engine.open(new TelegramBot(settings, engine.jobs(), FakeTelegram.TOKEN));
        } catch (RuntimeException e) {
            telegram.close();
            throw e;
        }
        return new TelegramLoadFront(telegram);
    }

    @Override
    public String name() {
        return "telegram";
    }

    @Override
    public Object send(int person, String prompt) {
        long user = 500_000_000L + person;
        return telegram.sendText(user, "private", user, "person" + person, "/imagine " + prompt);
    }

    @Override
    public synchronized Answer answer(Object handle) {
        if (firstReplies == null) {
            firstReplies = new HashMap<>();
            lastEdits = new HashMap<>();
            for (FakeTelegram.Call call : telegram.calls()) {
                if (call.replyToMessageId() != 0) {
                    firstReplies.putIfAbsent(call.replyToMessageId(), call);
                }
                if (call.method().equalsIgnoreCase("editMessageText")) {
                    lastEdits.put(call.param("chat_id") + ":" + call.param("message_id"), call.param("text"));
                }
            }
        }
        FakeTelegram.Call reply = firstReplies.get((Integer) handle);
        if (reply == null) {
            return Answer.NONE;
        }
        // The first reply may be a placeholder ("One moment…") that is then edited into the answer.
        String text = reply.param("text") != null ? reply.param("text") : String.valueOf(reply.param("caption"));
        if (reply.result() != null && reply.result().has("message_id")) {
            text = lastEdits.getOrDefault(reply.param("chat_id") + ":" + reply.result().path("message_id").asInt(),
                    text);
        }
        return new Answer(reply.atNanos(), text);
    }

    @Override
    public void close() {
        telegram.close();
    }
}
