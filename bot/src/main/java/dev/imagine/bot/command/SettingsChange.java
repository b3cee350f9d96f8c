package dev.imagine.bot.command;

import java.util.Set;

/** What a {@link Command.Settings} command changes; {@link Show} changes nothing. */
public sealed interface SettingsChange {
    record Show() implements SettingsChange {
    }

    /**
     * Per-user defaults for later /imagine commands; null fields are left as they are.
     *
     * @param promptSyntax how the person's prompts are read (a1111 or plain); absent in defaults saved before it was
     *                     a setting
     */
    record UserDefaults(Integer steps, ImageSize size, Float guidance, Integer count, Decoder decoder,
                        PromptSyntax promptSyntax) implements SettingsChange {

        /** Defaults that leave the person's prompt syntax as it is. */
        public UserDefaults(Integer steps, ImageSize size, Float guidance, Integer count, Decoder decoder) {
            this(steps, size, guidance, count, decoder, null);
        }
    }

    /** Clears the requester's saved defaults. */
    record ResetUserDefaults() implements SettingsChange {
    }

    /**
     * Community limits set by its admins; they can only tighten the configured limits. Null fields are left as
     * they are; an empty channel set means every channel is allowed.
     */
    record CommunityLimits(Integer maxSteps, Integer maxSide, Integer maxCount, Integer maxPromptLength,
                           Set<String> allowedChannels) implements SettingsChange {
    }
}
