package dev.imagine.bot.command;

/**
 * What an /imagine without options means: the configured defaults, overridden by a user's saved ones.
 *
 * @param promptSyntax how prompts are read (config.yaml's defaults.prompt-syntax, or the person's own choice)
 */
public record Defaults(int steps, ImageSize size, float guidance, int count, Decoder decoder,
                       PromptSyntax promptSyntax) {
    public static final Defaults STANDARD = new Defaults(4, ImageSize.SQUARE_512, 8f, 1, Decoder.FULL,
            PromptSyntax.A1111);

    public Defaults {
        java.util.Objects.requireNonNull(promptSyntax, "promptSyntax");
    }

    /** Defaults that read prompts in the default syntax (A1111). */
    public Defaults(int steps, ImageSize size, float guidance, int count, Decoder decoder) {
        this(steps, size, guidance, count, decoder, PromptSyntax.A1111);
    }

    public Defaults overriddenBy(SettingsChange.UserDefaults user) {
        if (user == null) {
            return this;
        }
        return new Defaults(
                user.steps() != null ? user.steps() : steps,
                user.size() != null ? user.size() : size,
                user.guidance() != null ? user.guidance() : guidance,
                user.count() != null ? user.count() : count,
                user.decoder() != null ? user.decoder() : decoder,
                user.promptSyntax() != null ? user.promptSyntax() : promptSyntax);
    }
}
