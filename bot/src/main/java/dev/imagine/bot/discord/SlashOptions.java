package dev.imagine.bot.discord;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.ImagineOptions;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.SettingsChange;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.SlashCommandInteraction;

/**
 * Reads a slash command into a {@link Command}. The request's options go through {@link ImagineOptions} by their
 * names, as Telegram's flags and the API's fields do, so a value is read (and later judged by the job service) the same
 * way on every platform. Discord only adds its own rule for a choice option: the value must be one it offered.
 */
final class SlashOptions {
    private static final Pattern SNOWFLAKE = Pattern.compile("\\d{5,20}");

    private final List<String> sizes;

    /** @param sizes the size choices the commands were registered with */
    SlashOptions(List<ImageSize> sizes) {
        this.sizes = sizes.stream().map(ImageSize::toString).toList();
    }

    /** Options that Discord would not send, or that are wrong before the job service is asked. */
    static final class InvalidOption extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidOption(String message) {
            super(message, null, false, false);
        }
    }

    Command parse(SlashCommandInteraction event, Requester who) throws InvalidOption {
        return switch (event.getName()) {
            case SlashCommands.IMAGINE -> requestOptions(event).imagine(who, string(event, SlashCommands.PROMPT));
            case SlashCommands.QUEUE -> new Command.QueueStatus(who);
            case SlashCommands.CANCEL -> new Command.Cancel(who, null);
            case SlashCommands.HELP -> new Command.Help(who);
            case SlashCommands.SETTINGS -> new Command.Settings(who, settingsChange(event));
            case ModerateCommand.NAME -> ModerateCommand.parse(event, who);
            default -> throw new InvalidOption("I don't know /" + event.getName() + "; try /help.");
        };
    }

    /** The request's options among the command's (or its subcommand's) options. */
    private ImagineOptions requestOptions(SlashCommandInteraction event) throws InvalidOption {
        ImagineOptions options = new ImagineOptions();
        for (OptionMapping option : event.getOptions()) {
            String name = option.getName();
            if (!ImagineOptions.NAMES.contains(name)) {
                continue;
            }
            String value = option.getAsString();
            if (name.equals(ImagineOptions.SIZE)) {
                value = offered(value);
            }
            try {
                options.read(name, value);
            } catch (ImagineOptions.Unreadable e) {
                throw new InvalidOption(e.getMessage() + ".");
            }
        }
        return options;
    }

    /** A size option is a choice: one of those Discord was given, in their own form. */
    private String offered(String size) throws InvalidOption {
        String normalized = size.strip().toLowerCase(Locale.ROOT).replace('×', 'x').replace(" ", "");
        if (!sizes.contains(normalized)) {
            throw new InvalidOption("size " + size + " is not one I offer; choose one of " + String.join(", ", sizes)
                    + ".");
        }
        return normalized;
    }

    private SettingsChange settingsChange(SlashCommandInteraction event) throws InvalidOption {
        String sub = event.getSubcommandName();
        if (sub == null || sub.equals(SlashCommands.SETTINGS_SHOW)) {
            return new SettingsChange.Show();
        }
        if (sub.equals(SlashCommands.SETTINGS_MINE)) {
            OptionMapping reset = event.getOption(SlashCommands.RESET);
            if (reset != null && reset.getAsBoolean()) {
                return new SettingsChange.ResetUserDefaults();
            }
            ImagineOptions options = requestOptions(event);
            return options.isEmpty() ? new SettingsChange.Show() : options.userDefaults();
        }
        if (sub.equals(SlashCommands.SETTINGS_SERVER)) {
            return new SettingsChange.CommunityLimits(integer(event, "max_steps"), integer(event, "max_side"),
                    integer(event, "max_count"), integer(event, "max_prompt_length"), channels(event));
        }
        throw new InvalidOption("/settings has show, mine and server.");
    }

    private static String string(SlashCommandInteraction event, String name) {
        OptionMapping option = event.getOption(name);
        return option == null ? null : option.getAsString();
    }

    private static Integer integer(SlashCommandInteraction event, String name) throws InvalidOption {
        OptionMapping option = event.getOption(name);
        if (option == null) {
            return null;
        }
        try {
            return Math.toIntExact(option.getAsLong());
        } catch (IllegalStateException | ArithmeticException | NumberFormatException e) {
            throw new InvalidOption(name + " must be a whole number, got " + option.getAsString() + ".");
        }
    }

    /** "all" (or "any") allows every channel; otherwise the channel mentions or ids in the text. */
    private static Set<String> channels(SlashCommandInteraction event) throws InvalidOption {
        String text = string(event, "channels");
        if (text == null) {
            return null;
        }
        if (text.isBlank() || text.strip().equalsIgnoreCase("all") || text.strip().equalsIgnoreCase("any")) {
            return Set.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        Matcher matcher = SNOWFLAKE.matcher(text);
        while (matcher.find()) {
            ids.add(matcher.group());
        }
        if (ids.isEmpty()) {
            throw new InvalidOption("channels: mention the channels Imagine may answer in (#art #bots), or write"
                    + " 'all' to allow every channel.");
        }
        return ids;
    }
}
