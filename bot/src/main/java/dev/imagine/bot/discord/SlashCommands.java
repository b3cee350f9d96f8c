package dev.imagine.bot.discord;

import dev.imagine.bot.command.Limits;
import java.util.List;
import net.dv8tion.jda.api.interactions.IntegrationType;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.CommandData;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;

/** The slash commands Imagine registers, usable in servers and in direct messages with the bot. */
final class SlashCommands {
    static final String IMAGINE = "imagine";
    static final String QUEUE = "queue";
    static final String CANCEL = "cancel";
    static final String SETTINGS = "settings";
    static final String HELP = "help";

    static final String SETTINGS_SHOW = "show";
    static final String SETTINGS_MINE = "mine";
    static final String SETTINGS_SERVER = "server";

    /** The sizes offered; every one is a multiple of 8 between 256 and 1024, inside the configured limits. */
    static final List<String> SIZES = List.of("512x512", "512x768", "768x512", "384x384", "256x256", "768x768",
            "1024x1024");

    static final long MAX_SEED = 0xFFFF_FFFFL;

    private SlashCommands() {
    }

    static List<CommandData> all() {
        return List.of(
                everywhere(Commands.slash(IMAGINE, "Draw a picture from a description")
                        .addOptions(new OptionData(OptionType.STRING, "prompt", "What to draw", true),
                                seed(), steps("steps"), size(), guidance(), count("count"), decoder())),
                everywhere(Commands.slash(QUEUE, "Where your pictures are in the queue, and how long it takes")),
                everywhere(Commands.slash(CANCEL, "Cancel your latest waiting picture")),
                everywhere(Commands.slash(SETTINGS, "Your defaults; server limits for members with Manage Server")
                        .addSubcommands(
                                new SubcommandData(SETTINGS_SHOW, "Show your defaults and the limits here"),
                                new SubcommandData(SETTINGS_MINE, "Change your defaults for /imagine")
                                        .addOptions(steps("steps"), size(), guidance(), count("count"), decoder(),
                                                new OptionData(OptionType.BOOLEAN, "reset",
                                                        "Forget your defaults")),
                                new SubcommandData(SETTINGS_SERVER, "Limits and channels for this server (Manage"
                                        + " Server)")
                                        .addOptions(
                                                new OptionData(OptionType.INTEGER, "max_steps", "Most steps per"
                                                        + " picture").setRequiredRange(1, Limits.ABSOLUTE_MAX_STEPS),
                                                new OptionData(OptionType.INTEGER, "max_side", "Largest width or"
                                                        + " height in pixels").setRequiredRange(Limits.MIN_SIDE,
                                                        Limits.ABSOLUTE_MAX_SIDE),
                                                new OptionData(OptionType.INTEGER, "max_count", "Most pictures per"
                                                        + " request").setRequiredRange(1, Limits.ABSOLUTE_MAX_COUNT),
                                                new OptionData(OptionType.INTEGER, "max_prompt_length", "Longest"
                                                        + " prompt in characters").setRequiredRange(1, 100_000),
                                                new OptionData(OptionType.STRING, "channels", "Channels Imagine may"
                                                        + " answer in (mention them), or 'all'")))),
                everywhere(Commands.slash(HELP, "What Imagine can do")));
    }

    private static SlashCommandData everywhere(SlashCommandData command) {
        return command.setContexts(InteractionContextType.GUILD, InteractionContextType.BOT_DM)
                .setIntegrationTypes(IntegrationType.GUILD_INSTALL);
    }

    private static OptionData seed() {
        return new OptionData(OptionType.INTEGER, "seed", "The same seed gives the same picture")
                .setRequiredRange(0, MAX_SEED);
    }

    private static OptionData steps(String name) {
        return new OptionData(OptionType.INTEGER, name, "Denoising steps (4 is usual)")
                .setRequiredRange(1, Limits.ABSOLUTE_MAX_STEPS);
    }

    private static OptionData size() {
        OptionData size = new OptionData(OptionType.STRING, "size", "Width x height in pixels");
        SIZES.forEach(s -> size.addChoice(s.replace("x", " × "), s));
        return size;
    }

    private static OptionData guidance() {
        return new OptionData(OptionType.NUMBER, "guidance", "How closely to follow the prompt (8 is usual)")
                .setRequiredRange(1.0, 20.0);
    }

    private static OptionData count(String name) {
        return new OptionData(OptionType.INTEGER, name, "How many pictures")
                .setRequiredRange(1, Limits.ABSOLUTE_MAX_COUNT);
    }

    private static OptionData decoder() {
        return new OptionData(OptionType.STRING, "decoder", "full (best) or fast (much quicker, a little softer)")
                .addChoice("full", "full").addChoice("fast", "fast");
    }
}
