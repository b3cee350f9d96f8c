package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Telegram's pacing with made-up timestamps: nothing here sleeps. */
class RateLimiterTest {
    private static final long S = 1_000_000_000L;
    private final RateLimiter limiter = new RateLimiter(TelegramSettings.Pacing.TELEGRAM);

    /** Sends {@code count} messages to {@code chat}, each as soon as the limiter allows; returns their times. */
    private List<Long> sendAsSoonAsAllowed(String chat, boolean group, int count, long start) {
        List<Long> sent = new ArrayList<>();
        long now = start;
        for (int i = 0; i < count; i++) {
            now += limiter.delayNanos(chat, group, now);
            limiter.record(chat, group, now);
            sent.add(now);
        }
        return sent;
    }

    @Test
    void aPrivateChat_getsAboutOneMessageASecond() {
        assertThat(sendAsSoonAsAllowed("700", false, 4, 0)).containsExactly(0L, S, 2 * S, 3 * S);
    }

    @Test
    void aGroup_getsAtMostTwentyMessagesInAnyMinute() {
        List<Long> sent = sendAsSoonAsAllowed("-100", true, 25, 0);

        assertThat(sent.subList(0, 20)).allMatch(t -> t < 20 * S);
        assertThat(sent.get(20)).isEqualTo(60 * S); // the first of the twenty left the window
        assertThat(sent.get(21)).isEqualTo(61 * S);
        for (int i = 20; i < sent.size(); i++) {
            long t = sent.get(i);
            assertThat(sent.stream().filter(s -> s > t - 60 * S && s <= t)).hasSizeLessThanOrEqualTo(20);
        }
    }

    @Test
    void privateChats_areNotHeldToTheGroupLimit() {
        List<Long> sent = sendAsSoonAsAllowed("700", false, 25, 0);

        assertThat(sent.get(24)).isEqualTo(24 * S);
    }

    @Test
    void allChatsTogether_getAtMostThirtyMessagesASecond() {
        List<Long> sent = new ArrayList<>();
        for (int chat = 0; chat < 31; chat++) {
            sent.addAll(sendAsSoonAsAllowed("chat-" + chat, false, 1, 0));
        }

        assertThat(sent.subList(0, 30)).containsOnly(0L);
        assertThat(sent.get(30)).isEqualTo(S);
    }

    @Test
    void chatsDoNotWaitForEachOther() {
        limiter.record("700", false, 0);

        assertThat(limiter.delayNanos("700", false, 0)).isEqualTo(S);
        assertThat(limiter.delayNanos("701", false, 0)).isZero();
        assertThat(limiter.delayNanos("700", false, S / 2)).isEqualTo(S / 2);
    }

    @Test
    void forgetIdle_keepsWhatStillDelays() {
        limiter.record("700", false, 0);
        limiter.record("701", false, 5 * S);

        limiter.forgetIdle(5 * S);

        assertThat(limiter.delayNanos("700", false, 5 * S)).isZero();
        assertThat(limiter.delayNanos("701", false, 5 * S)).isEqualTo(S);
    }

    @Test
    void scaledDownPacing_isHonouredToo() {
        RateLimiter fast = new RateLimiter(new TelegramSettings.Pacing(Duration.ofMillis(10), 3, 1000));
        fast.record("-1", true, 0);
        fast.record("-1", true, 10_000_000);
        fast.record("-1", true, 20_000_000);

        assertThat(fast.delayNanos("-1", true, 30_000_000)).isEqualTo(60 * S - 30_000_000);
    }

    @Test
    void updates_leaveAThirdOfEachSecondToFirstReplies() {
        for (int chat = 0; chat < 20; chat++) {
            assertThat(limiter.delayNanos("chat-" + chat, false, RateLimiter.Priority.UPDATE, 0)).isZero();
            limiter.record("chat-" + chat, false, 0);
        }

        assertThat(limiter.delayNanos("chat-20", false, RateLimiter.Priority.UPDATE, 0)).isEqualTo(S);
        assertThat(limiter.delayNanos("chat-20", false, RateLimiter.Priority.FIRST_REPLY, 0)).isZero();
    }

    @Test
    void updatesInAGroup_leaveAQuarterOfItsMinuteToFirstReplies() {
        for (int i = 0; i < 15; i++) {
            limiter.record("-100", true, i * S);
        }

        assertThat(limiter.delayNanos("-100", true, RateLimiter.Priority.UPDATE, 15 * S)).isEqualTo(45 * S);
        assertThat(limiter.delayNanos("-100", true, RateLimiter.Priority.FIRST_REPLY, 15 * S)).isZero();
    }
}
