package dev.imagine.bot.discord;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ModerationAction;
import dev.imagine.bot.command.Requester;
import java.util.Arrays;
import java.util.List;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.interactions.IntegrationType;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.DefaultMemberPermissions;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.SlashCommandInteraction;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;

/**
 * {@code /moderate}: Imagine's moderation tools for a server's admins. Discord shows it only to members with Manage
 * Server (its default member permissions) and only in servers; the job service checks the permission again.
 */
final class ModerateCommand {
    static final String NAME = "moderate";
    static final String USER = "user";
    static final String POLICY = "policy";
    static final String WORDS = "words";
    static final String PICTURES = "pictures";
    /** The most a community may set; above the operator's limit it changes nothing (lower only). */
    static final int MAX_PICTURES = 100_000;

    private ModerateCommand() {
    }

    static SlashCommandData data() {
        OptionData policy = new OptionData(OptionType.STRING, POLICY, "What happens to a picture the classifier flags",
                true);
        for (String choice : List.of("allow", "spoiler", "blur", "refuse")) {
            policy.addChoice(choice, choice);
        }
        return Commands.slash(NAME, "Moderate Imagine in this server (Manage Server)")
                .setContexts(InteractionContextType.GUILD)
                .setIntegrationTypes(IntegrationType.GUILD_INSTALL)
                .setDefaultPermissions(DefaultMemberPermissions.enabledFor(Permission.MANAGE_SERVER))
                .addSubcommands(
                        new SubcommandData("show", "Imagine's moderation settings in this server"),
                        new SubcommandData("ban", "Stop someone from using Imagine in this server")
                                .addOptions(new OptionData(OptionType.USER, USER, "Who", true)),
                        new SubcommandData("unban", "Let someone use Imagine again")
                                .addOptions(new OptionData(OptionType.USER, USER, "Who", true)),
                        new SubcommandData("pause", "Refuse new pictures in this server until resumed"),
                        new SubcommandData("resume", "Take pictures again"),
                        new SubcommandData(POLICY, "Flagged pictures: spoiler, blur or refuse (stricter only)")
                                .addOptions(policy),
                        new SubcommandData("block", "Refuse prompts with these words (* for any letters)")
                                .addOptions(new OptionData(OptionType.STRING, WORDS, "Words, separated by commas",
                                        true).setMaxLength(2000)),
                        new SubcommandData("unblock", "Allow these words again")
                                .addOptions(new OptionData(OptionType.STRING, WORDS, "Words, separated by commas",
                                        true).setMaxLength(2000)),
                        new SubcommandData("rate", "Most pictures per person per window here (lower only)")
                                .addOptions(new OptionData(OptionType.INTEGER, PICTURES, "Pictures; leave out for"
                                        + " the operator's limit").setRequiredRange(1, MAX_PICTURES)));
    }

    static Command parse(SlashCommandInteraction event, Requester who) throws SlashOptions.InvalidOption {
        String sub = event.getSubcommandName() == null ? "show" : event.getSubcommandName();
        ModerationAction action = switch (sub) {
            case "show" -> new ModerationAction.Show();
            case "ban" -> new ModerationAction.Ban(text(event, USER));
            case "unban" -> new ModerationAction.Unban(text(event, USER));
            case "pause" -> new ModerationAction.Pause();
            case "resume" -> new ModerationAction.Resume();
            case POLICY -> new ModerationAction.Policy(text(event, POLICY));
            case "block" -> new ModerationAction.Block(words(text(event, WORDS)));
            case "unblock" -> new ModerationAction.Unblock(words(text(event, WORDS)));
            case "rate" -> new ModerationAction.Rate(pictures(event));
            default -> throw new SlashOptions.InvalidOption("/moderate has show, ban, unban, pause, resume, policy,"
                    + " block, unblock and rate.");
        };
        return new Command.Moderate(who, null, action);
    }

    static List<String> words(String text) {
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.split(",")).map(String::strip).filter(w -> !w.isEmpty()).toList();
    }

    private static String text(SlashCommandInteraction event, String name) {
        OptionMapping option = event.getOption(name);
        return option == null ? null : option.getAsString();
    }

    private static Integer pictures(SlashCommandInteraction event) throws SlashOptions.InvalidOption {
        OptionMapping option = event.getOption(PICTURES);
        if (option == null) {
            return null;
        }
        try {
            return Math.toIntExact(option.getAsLong());
        } catch (IllegalStateException | ArithmeticException | NumberFormatException e) {
            throw new SlashOptions.InvalidOption("pictures must be a whole number from 1 to " + MAX_PICTURES + ", got "
                    + option.getAsString() + ".");
        }
    }
}
