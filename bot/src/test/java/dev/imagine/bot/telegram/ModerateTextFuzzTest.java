package dev.imagine.bot.telegram;

import static dev.imagine.testing.Generated.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.ModerationAction;
import dev.imagine.bot.testing.FrontDoor;
import dev.imagine.testing.Generated;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/**
 * The text after {@code /moderate}, generated: {@value FrontDoor#TRIES} inputs per property of verbs (known,
 * misspelt, in any case), user ids, words and numbers in and out of range, and hostile text. Nothing but a refusal
 * that says what to write may come of it; what is understood reads back the same when written out again.
 */
class ModerateTextFuzzTest {
    private static final String VERBS_ALPHABET = "abcdefghijklmnopqrstuvwxyz";

    private static Message plain() {
        return new Message();
    }

    /** A message that replies to one of {@code userId}'s, as when an admin answers someone with /moderate ban. */
    private static Message replyingTo(long userId, boolean bot) {
        Message replied = new Message();
        replied.setFrom(new User(userId, "someone", bot));
        Message message = new Message();
        message.setReplyToMessage(replied);
        return message;
    }

    private static String argument(Generated g) {
        return g.weighted(
                Generated.choice(4, () -> Long.toString(g.longBetween(-1_000_000_000_000L, 9_999_999_999L))),
                Generated.choice(2, () -> String.join(g.oneOf(",", ", ", " , ", " "), g.list(0, 5,
                        () -> g.string(1, 12, "abcdefghijklmnopqrstuvwxyz*éß ")))),
                Generated.choice(1, () -> g.oneOf("off", "OFF", "default", "0", "-1", "99999999999999999999",
                        "spoiler", "blur", "refuse", "allow", "nude", "@ada", "ada", "12 34")),
                Generated.choice(2, () -> g.anyString(24)));
    }

    private record Input(String text, Message message) {
        @Override
        public String toString() {
            return "'" + text + "'" + (message.getReplyToMessage() == null ? "" : " (a reply)");
        }
    }

    private static Input input(Generated g) {
        String verb = g.weighted(
                Generated.choice(8, () -> g.oneOf("", "show", "ban", "unban", "pause", "resume", "policy", "block",
                        "unblock", "rate")),
                Generated.choice(1, () -> g.oneOf("BAN", "Pause", "kick", "mute", "rates", "bann")),
                Generated.choice(1, () -> g.string(1, 8, VERBS_ALPHABET)));
        String text = g.chance(0.8) ? verb + g.oneOf(" ", "  ", "\n", "\t") + argument(g) : verb;
        if (g.chance(0.05)) {
            text = g.anyString(40);
        }
        Message message = g.chance(0.3) ? replyingTo(g.longBetween(1, 9_999_999_999L), g.chance(0.2)) : plain();
        return new Input(text, message);
    }

    /** The action written back as a group administrator would type it. */
    private static String written(ModerationAction action) {
        return switch (action) {
            case ModerationAction.Show ignored -> "show";
            case ModerationAction.Ban ban -> "ban " + ban.userId();
            case ModerationAction.Unban unban -> "unban " + unban.userId();
            case ModerationAction.Pause ignored -> "pause";
            case ModerationAction.Resume ignored -> "resume";
            case ModerationAction.Policy policy -> "policy " + policy.policy();
            // The trailing comma keeps a single phrase ("red fox") one entry.
            case ModerationAction.Block block -> "block " + String.join(", ", block.words()) + ",";
            case ModerationAction.Unblock unblock -> "unblock " + String.join(", ", unblock.words()) + ",";
            case ModerationAction.Rate rate -> "rate " + (rate.pictures() == null ? "off" : rate.pictures());
        };
    }

    @Test
    void moderateText_neverThrows_refusalsSayWhatToWrite_andWhatIsReadReadsBackTheSame() {
        forAll("telegram /moderate text", FrontDoor.TRIES, ModerateTextFuzzTest::input, input -> {
            ModerationAction action;
            try {
                action = ModerationCommands.parse(input.text(), input.message());
            } catch (IllegalArgumentException refused) {
                assertThat(refused.getMessage()).as("a refusal shows how to write it")
                        .containsAnyOf("/moderate ban", "/moderate rate", ModerationCommands.USAGE);
                return;
            }
            assertThat(action).isNotNull();
            if (action instanceof ModerationAction.Ban ban) {
                assertThat(ban.userId()).as("a numeric Telegram user id").matches("-?\\d{1,20}");
            }
            if (action instanceof ModerationAction.Block block) {
                assertThat(block.words()).allSatisfy(w -> assertThat(w).isNotBlank().isEqualTo(w.strip()));
            }
            assertThat(ModerationCommands.parse(written(action), plain())).isEqualTo(action);
        });
    }

    @Test
    void banByReply_takesTheRepliedPersonsId_butNeverABots() {
        forAll("telegram /moderate ban by reply", FrontDoor.TRIES,
                g -> new Input(g.oneOf("ban", "unban", "BAN", "ban "), replyingTo(g.longBetween(1, 9_999_999_999L),
                        g.chance(0.3))),
                input -> {
                    User replied = input.message().getReplyToMessage().getFrom();
                    if (replied.getIsBot()) {
                        try {
                            ModerationCommands.parse(input.text(), input.message());
                            throw new AssertionError("a bot was taken as the person to ban: " + input);
                        } catch (IllegalArgumentException refused) {
                            assertThat(refused.getMessage()).contains("user id");
                        }
                    } else {
                        ModerationAction action = ModerationCommands.parse(input.text(), input.message());
                        List<ModerationAction> either = List.of(new ModerationAction.Ban(replied.getId().toString()),
                                new ModerationAction.Unban(replied.getId().toString()));
                        assertThat(either).contains(action);
                    }
                });
    }
}
