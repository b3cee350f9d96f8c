package dev.imagine.bot.discord;

import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.ImagineOptions;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.PromptSyntax;
import dev.imagine.bot.command.RequestRules;
import java.util.List;
import net.dv8tion.jda.api.interactions.IntegrationType;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.CommandData;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;

/**
 * The slash commands Imagine registers, usable in servers and in direct messages with the bot. Their options are the
 * request's options ({@link ImagineOptions}) with the ranges of {@link RequestRules}, which Discord's client enforces
 * before sending; the job service still checks each person's limits.
 */
final class SlashCommands {
    static final String IMAGINE = "imagine";
    static final String QUEUE = "queue";
    static final String CANCEL = "cancel";
    static final String SETTINGS = "settings";
    static final String HELP = "help";

    static final String PROMPT = "prompt";
    /** The picture to start from (image to image): an attachment option of /imagine. */
    static final String IMAGE = "image";
    /** The mask to inpaint the picture with (white = redraw): an attachment option of /imagine. */
    static final String MASK = "mask";
    /** The message command on any message with a picture: a subtle variation of its first picture. */
    static final String VARY_WITH_IMAGINE = "Vary with Imagine";
    static final String SETTINGS_SHOW = "show";
    static final String SETTINGS_MINE = "mine";
    static final String SETTINGS_SERVER = "server";
    static final String RESET = "reset";

    private SlashCommands() {
    }

    /** Every command, with {@code sizes} as the choices of the size option (the sizes this Imagine allows). */
    static List<CommandData> all(List<ImageSize> sizes) {
        return List.of(
                everywhere(Commands.slash(IMAGINE, "Draw a picture from a description")
                        .addOptions(new OptionData(OptionType.STRING, PROMPT, "What to draw", true),
                                seed(), steps(), size(sizes), guidance(), count(), decoder(),
                                promptSyntax(),
                                new OptionData(OptionType.ATTACHMENT, IMAGE, "A picture to start from (PNG, JPEG or"
                                        + " WebP)"), strength(),
                                new OptionData(OptionType.ATTACHMENT, MASK, "With image: a mask of its size, white"
                                        + " where to redraw, black where to keep (inpainting)"))),
                everywhere(Commands.slash(QUEUE, "Where your pictures are in the queue, and how long it takes")),
                everywhere(Commands.slash(CANCEL, "Cancel your latest waiting picture")),
                everywhere(Commands.slash(SETTINGS, "Your defaults; server limits for members with Manage Server")
                        .addSubcommands(
                                new SubcommandData(SETTINGS_SHOW, "Show your defaults and the limits here"),
                                new SubcommandData(SETTINGS_MINE, "Change your defaults for /imagine")
                                        .addOptions(steps(), size(sizes), guidance(), count(), decoder(),
                                                promptSyntax(),
                                                new OptionData(OptionType.BOOLEAN, RESET, "Forget your defaults")),
                                new SubcommandData(SETTINGS_SERVER, "Limits and channels for this server (Manage"
                                        + " Server)")
                                        .addOptions(
                                                new OptionData(OptionType.INTEGER, "max_steps", "Most steps per"
                                                        + " picture").setRequiredRange(RequestRules.MIN_STEPS,
                                                        RequestRules.MAX_STEPS),
                                                new OptionData(OptionType.INTEGER, "max_side", "Largest width or"
                                                        + " height in pixels").setRequiredRange(RequestRules.MIN_SIDE,
                                                        RequestRules.MAX_SIDE),
                                                new OptionData(OptionType.INTEGER, "max_count", "Most pictures per"
                                                        + " request").setRequiredRange(RequestRules.MIN_COUNT,
                                                        RequestRules.MAX_COUNT),
                                                new OptionData(OptionType.INTEGER, "max_prompt_length", "Longest"
                                                        + " prompt in characters").setRequiredRange(1,
                                                        Limits.MAX_PROMPT_LENGTH),
                                                new OptionData(OptionType.STRING, "channels", "Channels Imagine may"
                                                        + " answer in (mention them), or 'all'")))),
                everywhere(Commands.slash(HELP, "What Imagine can do")),
                ModerateCommand.data(),
                Commands.message(VARY_WITH_IMAGINE)
                        .setContexts(InteractionContextType.GUILD, InteractionContextType.BOT_DM)
                        .setIntegrationTypes(IntegrationType.GUILD_INSTALL));
    }

    private static OptionData strength() {
        return new OptionData(OptionType.NUMBER, ImagineOptions.STRENGTH, "With an image: how far to move from it"
                + " (0.5 is usual; lower keeps more)").setRequiredRange(0.01, RequestRules.MAX_STRENGTH);
    }

    private static SlashCommandData everywhere(SlashCommandData command) {
        return command.setContexts(InteractionContextType.GUILD, InteractionContextType.BOT_DM)
                .setIntegrationTypes(IntegrationType.GUILD_INSTALL);
    }

    private static OptionData seed() {
        return new OptionData(OptionType.INTEGER, ImagineOptions.SEED, "The same seed gives the same picture")
                .setRequiredRange(RequestRules.MIN_SEED, RequestRules.MAX_SEED);
    }

    private static OptionData steps() {
        return new OptionData(OptionType.INTEGER, ImagineOptions.STEPS, "Denoising steps (4 is usual)")
                .setRequiredRange(RequestRules.MIN_STEPS, RequestRules.MAX_STEPS);
    }

    private static OptionData size(List<ImageSize> sizes) {
        OptionData size = new OptionData(OptionType.STRING, ImagineOptions.SIZE, "Width x height in pixels");
        sizes.forEach(s -> size.addChoice(s.width() + " × " + s.height(), s.toString()));
        return size;
    }

    private static OptionData guidance() {
        return new OptionData(OptionType.NUMBER, ImagineOptions.GUIDANCE, "How closely to follow the prompt (8 is"
                + " usual)").setRequiredRange(RequestRules.MIN_GUIDANCE, RequestRules.MAX_GUIDANCE);
    }

    private static OptionData count() {
        return new OptionData(OptionType.INTEGER, ImagineOptions.COUNT, "How many pictures")
                .setRequiredRange(RequestRules.MIN_COUNT, RequestRules.MAX_COUNT);
    }

    private static OptionData decoder() {
        return new OptionData(OptionType.STRING, ImagineOptions.DECODER, "full (best) or fast (much quicker, a little"
                + " softer)").addChoice("full", "full").addChoice("fast", "fast");
    }

    private static OptionData promptSyntax() {
        return new OptionData(OptionType.STRING, ImagineOptions.PROMPT_SYNTAX, "a1111: (word:1.2), [word], BREAK,"
                + " long prompts; plain: as written, cut at 75 tokens")
                .addChoice("a1111", PromptSyntax.A1111.label()).addChoice("plain", PromptSyntax.PLAIN.label());
    }
}
