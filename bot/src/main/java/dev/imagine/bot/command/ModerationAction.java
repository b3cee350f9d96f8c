package dev.imagine.bot.command;

import java.util.List;

/**
 * What a community's admins (or the operator, everywhere) can do about Imagine in their community: see
 * {@link Command.Moderate}. Values are as people typed them; the job service checks them and says what is wrong.
 */
public sealed interface ModerationAction {
    /** The community's moderation settings: policy, blocked words, rate limit, paused or not, who is banned. */
    record Show() implements ModerationAction {
    }

    /** {@code userId} may no longer use Imagine in the community (a platform user id, or "platform:id"). */
    record Ban(String userId) implements ModerationAction {
    }

    record Unban(String userId) implements ModerationAction {
    }

    /** Imagine refuses new pictures in the community until it is resumed. */
    record Pause() implements ModerationAction {
    }

    record Resume() implements ModerationAction {
    }

    /** What happens to a flagged picture here: allow, spoiler, blur or refuse (never looser than the operator's). */
    record Policy(String policy) implements ModerationAction {
    }

    /** Prompts with any of these words (or {@code *} patterns such as {@code gore*}) are refused before queuing. */
    record Block(List<String> words) implements ModerationAction {
        public Block {
            words = List.copyOf(words);
        }
    }

    record Unblock(List<String> words) implements ModerationAction {
        public Unblock {
            words = List.copyOf(words);
        }
    }

    /** At most {@code pictures} per person in the rate-limit window here; null goes back to the configured limit. */
    record Rate(Integer pictures) implements ModerationAction {
    }
}
