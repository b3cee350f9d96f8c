package dev.imagine.bot.telegram;

import dev.imagine.bot.job.ReplyTexts;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;

/**
 * The one answer a callback query gets. Telegram shows a spinner on the button until the bot answers, so every
 * path through a button press answers exactly once, errors included ({@link #answerIfNot}).
 */
final class CallbackAnswer {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackAnswer.class);
    static final CallbackAnswer NONE = new CallbackAnswer(null, null);

    private final Outbox outbox;
    private final String queryId;
    private final AtomicBoolean answered = new AtomicBoolean();

    CallbackAnswer(Outbox outbox, String queryId) {
        this.outbox = outbox;
        this.queryId = queryId;
    }

    boolean isCallback() {
        return queryId != null;
    }

    /** Shows {@code text} to the person who pressed (as an alert they must close when {@code alert}). */
    void answer(String text, boolean alert) {
        if (queryId == null || !answered.compareAndSet(false, true)) {
            return;
        }
        AnswerCallbackQuery.AnswerCallbackQueryBuilder<?, ?> answer = AnswerCallbackQuery.builder()
                .callbackQueryId(queryId);
        if (text != null && !text.isBlank()) {
            answer.text(ReplyTexts.shorten(text, Texts.CALLBACK_ANSWER_LIMIT)).showAlert(alert);
        }
        AnswerCallbackQuery built = answer.build();
        outbox.side("callbacks", "answerCallbackQuery", (client, ignored) -> client.executeAsync(built))
                .exceptionally(e -> {
                    LOG.debug("callback query not answered: {}", e.getMessage());
                    return null;
                });
    }

    void answerIfNot(String text) {
        answer(text, false);
    }
}
