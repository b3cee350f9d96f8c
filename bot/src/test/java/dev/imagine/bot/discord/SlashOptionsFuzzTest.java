package dev.imagine.bot.discord;

import static dev.imagine.testing.Generated.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImagineOptions;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.command.RequestValidator;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.SettingsChange;
import dev.imagine.bot.command.User;
import dev.imagine.bot.testing.FrontDoor;
import dev.imagine.testing.Generated;
import gnu.trove.map.hash.TLongObjectHashMap;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.SlashCommandInteraction;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.junit.jupiter.api.Test;

/**
 * Slash command options, generated: {@value FrontDoor#TRIES} interactions per property, with the options JDA reads from
 * Discord's payload (real {@link OptionMapping}s over the payload's JSON), their values in and out of the registered
 * ranges, of the registered type or another, choices that were never offered, and any text. Nothing may escape but the
 * refusal the listener answers with; a refusal names the option and what it takes; options Discord sends within its
 * rules are read as every platform reads them, and the job service accepts them.
 */
class SlashOptionsFuzzTest {
    private static final Requester ALICE = new Requester(new User("discord", "910000000000000001", "alice"),
            FakeDiscord.GUILD_ID, FakeDiscord.CHANNEL_ID, true);
    private static final SlashOptions OPTIONS = new SlashOptions(RequestRules.SIZE_CHOICES);
    private static final Map<String, OptionType> TYPES = Map.of(ImagineOptions.SEED, OptionType.INTEGER,
            ImagineOptions.STEPS, OptionType.INTEGER, ImagineOptions.COUNT, OptionType.INTEGER,
            ImagineOptions.GUIDANCE, OptionType.NUMBER, ImagineOptions.SIZE, OptionType.STRING,
            ImagineOptions.DECODER, OptionType.STRING, ImagineOptions.PROMPT_SYNTAX, OptionType.STRING,
            ImagineOptions.STRENGTH, OptionType.NUMBER, SlashCommands.PROMPT, OptionType.STRING);

    /** One interaction as JDA hands it to the listener: the command, its subcommand and the options' payload. */
    record Interaction(String name, String subcommand, List<DataObject> options) {
        SlashCommandInteraction event() {
            List<OptionMapping> mappings = options.stream()
                    .map(o -> new OptionMapping(o, new TLongObjectHashMap<>(), null, null)).toList();
            return (SlashCommandInteraction) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {SlashCommandInteraction.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "getName" -> name;
                        case "getSubcommandName" -> subcommand;
                        case "getOptions" -> mappings;
                        case "getOption" -> mappings.stream().filter(m -> m.getName().equals(args[0])).findFirst()
                                .orElse(null);
                        case "toString" -> toString();
                        default -> throw new UnsupportedOperationException("the parser called " + method.getName());
                    });
        }
    }

    private static DataObject option(String name, OptionType type, Object value) {
        return DataObject.empty().put("name", name).put("type", type.getKey()).put("value", value);
    }

    /** A value of {@code type} as Discord's JSON carries it, in range or not. */
    private static Object value(Generated g, String name, OptionType type) {
        if (!ImagineOptions.NAMES.contains(name)) {
            return switch (type) {
                case INTEGER -> g.chance(0.5) ? g.longBetween(-10, 200_000) : g.longBetween(-(1L << 53), 1L << 53);
                case NUMBER -> g.oneOf(0.5, 8.0, -1e300, 1e300);
                case BOOLEAN -> g.chance(0.5);
                default -> FrontDoor.prompt(g);
            };
        }
        return switch (type) {
            case INTEGER -> g.chance(0.6) && TYPES.get(name) == OptionType.INTEGER
                    ? Long.parseLong(FrontDoor.validText(g, name)) : g.longBetween(-(1L << 53), 1L << 53);
            case NUMBER -> g.weighted(Generated.choice(3, () -> TYPES.get(name) == OptionType.NUMBER
                            ? Double.parseDouble(FrontDoor.validText(g, name)) : g.longBetween(-9, 2000) / 2.0),
                    Generated.choice(1, () -> g.oneOf(0.0, -0.0, 1e-300, 1e300, -7.5, 20.000001, 0.999999)));
            case BOOLEAN -> g.chance(0.5);
            default -> g.chance(0.6) ? FrontDoor.validText(g, name) : FrontDoor.optionText(g, name);
        };
    }

    private static OptionType typeOf(Generated g, String name) {
        OptionType registered = TYPES.getOrDefault(name, OptionType.INTEGER);
        return g.chance(0.9) ? registered : g.oneOf(OptionType.STRING, OptionType.INTEGER, OptionType.NUMBER,
                OptionType.BOOLEAN);
    }

    private static Interaction anyInteraction(Generated g) {
        String name = g.weighted(Generated.choice(6, () -> SlashCommands.IMAGINE),
                Generated.choice(3, () -> SlashCommands.SETTINGS),
                Generated.choice(1, () -> g.oneOf(SlashCommands.QUEUE, SlashCommands.HELP, SlashCommands.CANCEL,
                        "draw", "")));
        String sub = name.equals(SlashCommands.SETTINGS) ? g.oneOf(SlashCommands.SETTINGS_SHOW,
                SlashCommands.SETTINGS_MINE, SlashCommands.SETTINGS_SERVER, null, "other") : null;
        List<String> names = new ArrayList<>(ImagineOptions.NAMES);
        names.addAll(List.of(SlashCommands.PROMPT, SlashCommands.RESET, "max_steps", "max_side", "max_count",
                "max_prompt_length", "channels", "unknown"));
        List<DataObject> options = new ArrayList<>();
        if (name.equals(SlashCommands.IMAGINE) && g.chance(0.95)) {
            options.add(option(SlashCommands.PROMPT, OptionType.STRING, FrontDoor.prompt(g)));
        }
        for (String option : g.list(0, 6, () -> g.oneOf(names.toArray(String[]::new)))) {
            if (options.stream().noneMatch(o -> o.getString("name").equals(option))) {
                OptionType type = option.equals(SlashCommands.RESET) ? OptionType.BOOLEAN
                        : option.equals("channels") ? OptionType.STRING : typeOf(g, option);
                Object value = option.equals("channels") ? g.oneOf("all", "any", "", "<#123456789012>",
                        "#art", "<#12345> <#678901>", g.anyString(20)) : value(g, option, type);
                options.add(option(option, type, value));
            }
        }
        return new Interaction(name, sub, options);
    }

    @Test
    void anyOptions_areReadOrRefusedNamingTheOption_andNothingElseEscapes() {
        forAll("discord slash options", FrontDoor.TRIES, SlashOptionsFuzzTest::anyInteraction, interaction -> {
            Command command;
            try {
                command = OPTIONS.parse(interaction.event(), ALICE);
            } catch (SlashOptions.InvalidOption refused) {
                assertThat(refused.getMessage()).matches("(?s)(seed|steps|size|guidance|count|decoder|prompt-syntax|strength|max_steps"
                        + "|max_side|max_count|max_prompt_length|channels)(:| must be | .* is not one I offer; choose"
                        + " one of ).*|I don't know /.*; try /help\\.|/settings has show, mine and server\\.");
                if (refused.getMessage().contains(" must be ") && !refused.getMessage().startsWith("max_")) {
                    String option = refused.getMessage().substring(0, refused.getMessage().indexOf(' '));
                    FrontDoor.assertNamesOptionAndKind(refused.getMessage(), option);
                }
                return;
            }
            switch (command) {
                case Command.Imagine imagine -> {
                    if (FrontDoor.validate(imagine) instanceof RequestValidator.Refused refused) {
                        FrontDoor.assertNamesFieldsAndRanges(refused.message());
                    }
                }
                case Command.Settings settings when settings.change() instanceof SettingsChange.CommunityLimits c -> {
                    try {
                        Limits.DEFAULTS.tightenedBy(c);
                    } catch (IllegalArgumentException e) {
                        assertThat(e.getMessage()).matches("max(Steps|Side|Count|PromptLength) must be -?\\d+ to"
                                + " -?\\d+, got -?\\d+");
                    }
                }
                default -> {
                }
            }
        });
    }

    /** What Discord's client lets a person send: the registered options, within their ranges and choices. */
    private static Interaction allowedImagine(Generated g) {
        List<DataObject> options = new ArrayList<>();
        options.add(option(SlashCommands.PROMPT, OptionType.STRING, FrontDoor.prompt(g)));
        for (String name : ImagineOptions.NAMES) {
            if (g.chance(0.5)) {
                Object value = switch (name) {
                    case ImagineOptions.SIZE -> FrontDoor.text(g.oneOf(RequestRules.SIZE_CHOICES.toArray(
                            new dev.imagine.bot.command.ImageSize[0])));
                    case ImagineOptions.DECODER -> g.oneOf("full", "fast");
                    case ImagineOptions.PROMPT_SYNTAX -> g.oneOf("a1111", "plain");
                    case ImagineOptions.GUIDANCE, ImagineOptions.STRENGTH -> Double.parseDouble(
                            FrontDoor.validText(g, name));
                    default -> Long.parseLong(FrontDoor.validText(g, name));
                };
                options.add(option(name, TYPES.get(name), value));
            }
        }
        return new Interaction(SlashCommands.IMAGINE, null, options);
    }

    @Test
    void optionsWithinDiscordsRules_areReadAsEveryPlatformReadsThem() {
        forAll("discord allowed /imagine", FrontDoor.TRIES, SlashOptionsFuzzTest::allowedImagine, interaction -> {
            ImagineOptions expected = new ImagineOptions();
            String prompt = null;
            for (DataObject option : interaction.options()) {
                if (option.getString("name").equals(SlashCommands.PROMPT)) {
                    prompt = option.getString("value");
                } else {
                    expected.read(option.getString("name"), option.getString("value"));
                }
            }

            Command command;
            try {
                command = OPTIONS.parse(interaction.event(), ALICE);
            } catch (SlashOptions.InvalidOption e) {
                throw new AssertionError("refused what Discord allows: " + e.getMessage());
            }

            assertThat(command).isEqualTo(expected.imagine(ALICE, prompt));
        });
    }
}
