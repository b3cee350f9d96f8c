package dev.imagine.bot.discord;

import static dev.imagine.testing.Generated.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ModerationAction;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.discord.SlashOptionsFuzzTest.Interaction;
import dev.imagine.bot.testing.FrontDoor;
import dev.imagine.testing.Generated;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.junit.jupiter.api.Test;

/**
 * {@code /moderate}'s subcommands and options, generated: {@value FrontDoor#TRIES} interactions per property, with the
 * options JDA reads from Discord's payload (real option mappings over the payload's JSON): subcommands known and not,
 * options present, missing or of another type, user ids, policies and word lists as typed, picture counts in and out
 * of the registered range. Nothing may escape but the refusal the listener answers with, which says what to write;
 * what is read reads back the same when Discord sends it again; what Discord's client allows is read as sent.
 */
class ModerateOptionsFuzzTest {
    private static final Requester ADMIN = new Requester(new User("discord", "910000000000000002", "ada"),
            FakeDiscord.GUILD_ID, FakeDiscord.CHANNEL_ID, true);
    private static final SlashOptions OPTIONS = new SlashOptions(RequestRules.SIZE_CHOICES);
    private static final List<String> SUBCOMMANDS = List.of("show", "ban", "unban", "pause", "resume",
            ModerateCommand.POLICY, "block", "unblock", "rate");
    private static final Map<String, OptionType> TYPES = Map.of(ModerateCommand.USER, OptionType.USER,
            ModerateCommand.POLICY, OptionType.STRING, ModerateCommand.WORDS, OptionType.STRING,
            ModerateCommand.PICTURES, OptionType.INTEGER);

    private static DataObject option(String name, OptionType type, Object value) {
        return DataObject.empty().put("name", name).put("type", type.getKey()).put("value", value);
    }

    private static String snowflake(Generated g) {
        return Long.toString(g.longBetween(0, Long.MAX_VALUE));
    }

    private static String words(Generated g) {
        return g.chance(0.7) ? String.join(g.oneOf(",", ", ", " , ", ",,"), g.list(0, 6,
                () -> g.string(0, 12, "abcdefghijklmnopqrstuvwxyz*éß \t"))) : g.anyString(60);
    }

    /** A value of {@code type} for option {@code name} as Discord's JSON carries it, as sent or forged. */
    private static Object value(Generated g, String name, OptionType type) {
        return switch (type) {
            case INTEGER -> g.weighted(Generated.choice(3, () -> g.longBetween(1, 100_000)),
                    Generated.choice(1, () -> g.longBetween(-(1L << 53), 1L << 53)),
                    Generated.choice(1, () -> g.oneOf(0L, -1L, 2_147_483_647L, 2_147_483_648L, -2_147_483_649L)));
            case NUMBER -> g.oneOf(0.5, 8.0, -1e300, 1e300, 3.0, Double.MIN_VALUE);
            case BOOLEAN -> g.chance(0.5);
            case USER -> g.chance(0.8) ? snowflake(g) : g.oneOf("", "abc", "-1", "<@123>", g.anyString(20));
            default -> switch (name) {
                case ModerateCommand.POLICY -> g.chance(0.7) ? g.oneOf("allow", "spoiler", "blur", "refuse")
                        : g.oneOf("SPOILER", "nude", "", "off", g.anyString(12));
                case ModerateCommand.WORDS -> words(g);
                case ModerateCommand.PICTURES -> g.oneOf("5", "", "abc", "1.5", "99999999999999999999", "-3",
                        "0x10", g.anyString(8));
                case ModerateCommand.USER -> snowflake(g);
                default -> g.anyString(20);
            };
        };
    }

    private static Interaction anyInteraction(Generated g) {
        String sub = g.weighted(Generated.choice(8, () -> g.oneOf(SUBCOMMANDS.toArray(String[]::new))),
                Generated.choice(1, () -> g.oneOf(null, "", "BAN", "kick", "mute", "delete", "rates")),
                Generated.choice(1, () -> g.anyString(10)));
        List<String> names = List.of(ModerateCommand.USER, ModerateCommand.POLICY, ModerateCommand.WORDS,
                ModerateCommand.PICTURES, SlashCommands.PROMPT, "unknown");
        List<DataObject> options = new ArrayList<>();
        for (String name : g.list(0, 4, () -> g.oneOf(names.toArray(String[]::new)))) {
            if (options.stream().noneMatch(o -> o.getString("name").equals(name))) {
                OptionType registered = TYPES.getOrDefault(name, OptionType.STRING);
                OptionType type = g.chance(0.85) ? registered : g.oneOf(OptionType.STRING, OptionType.INTEGER,
                        OptionType.NUMBER, OptionType.BOOLEAN, OptionType.USER);
                options.add(option(name, type, value(g, name, type)));
            }
        }
        return new Interaction(ModerateCommand.NAME, sub, options);
    }

    /** {@code action} as Discord sends it back: its subcommand and the options that carry its values. */
    private static Interaction sent(ModerationAction action) {
        List<DataObject> options = new ArrayList<>();
        String sub = switch (action) {
            case ModerationAction.Show ignored -> "show";
            case ModerationAction.Ban ban -> with(options, ModerateCommand.USER, OptionType.USER, ban.userId(), "ban");
            case ModerationAction.Unban unban -> with(options, ModerateCommand.USER, OptionType.USER, unban.userId(),
                    "unban");
            case ModerationAction.Pause ignored -> "pause";
            case ModerationAction.Resume ignored -> "resume";
            case ModerationAction.Policy policy -> with(options, ModerateCommand.POLICY, OptionType.STRING,
                    policy.policy(), ModerateCommand.POLICY);
            case ModerationAction.Block block -> with(options, ModerateCommand.WORDS, OptionType.STRING,
                    String.join(", ", block.words()), "block");
            case ModerationAction.Unblock unblock -> with(options, ModerateCommand.WORDS, OptionType.STRING,
                    String.join(", ", unblock.words()), "unblock");
            case ModerationAction.Rate rate -> with(options, ModerateCommand.PICTURES, OptionType.INTEGER,
                    rate.pictures() == null ? null : rate.pictures().longValue(), "rate");
        };
        return new Interaction(ModerateCommand.NAME, sub, options);
    }

    private static String with(List<DataObject> options, String name, OptionType type, Object value, String sub) {
        if (value != null) {
            options.add(option(name, type, value));
        }
        return sub;
    }

    @Test
    void anyOptions_areReadOrRefusedSayingWhatToWrite_andWhatIsReadReadsBackTheSame() {
        forAll("discord /moderate options", FrontDoor.TRIES, ModerateOptionsFuzzTest::anyInteraction, interaction -> {
            Command command;
            try {
                command = OPTIONS.parse(interaction.event(), ADMIN);
            } catch (SlashOptions.InvalidOption refused) {
                assertThat(refused.getMessage()).matches("(?s)/moderate has show, ban, unban, pause, resume, policy,"
                        + " block, unblock and rate\\.|pictures must be a whole number from 1 to 100000, got .*\\.");
                return;
            }
            assertThat(command).isInstanceOfSatisfying(Command.Moderate.class, moderate -> {
                assertThat(moderate.requester()).isEqualTo(ADMIN);
                ModerationAction action = moderate.action();
                if (action instanceof ModerationAction.Block block) {
                    assertThat(block.words()).allSatisfy(w -> assertThat(w).isNotBlank().isEqualTo(w.strip())
                            .doesNotContain(","));
                }
                try {
                    assertThat(OPTIONS.parse(sent(action).event(), ADMIN)).isEqualTo(moderate);
                } catch (SlashOptions.InvalidOption e) {
                    throw new AssertionError("refused what it read: " + e.getMessage());
                }
            });
        });
    }

    /** What Discord's client lets an admin send: a registered subcommand, its options within their choices and range. */
    private static Interaction allowed(Generated g) {
        String sub = g.oneOf(SUBCOMMANDS.toArray(String[]::new));
        List<DataObject> options = new ArrayList<>();
        switch (sub) {
            case "ban", "unban" -> options.add(option(ModerateCommand.USER, OptionType.USER, snowflake(g)));
            case ModerateCommand.POLICY -> options.add(option(ModerateCommand.POLICY, OptionType.STRING,
                    g.oneOf("allow", "spoiler", "blur", "refuse")));
            case "block", "unblock" -> options.add(option(ModerateCommand.WORDS, OptionType.STRING,
                    g.chance(0.5) ? words(g) : g.anyString(2000)));
            case "rate" -> {
                if (g.chance(0.8)) {
                    options.add(option(ModerateCommand.PICTURES, OptionType.INTEGER, g.longBetween(1, 100_000)));
                }
            }
            default -> {
            }
        }
        return new Interaction(ModerateCommand.NAME, sub, options);
    }

    @Test
    void optionsWithinDiscordsRules_areReadAsSent() {
        forAll("discord allowed /moderate", FrontDoor.TRIES, ModerateOptionsFuzzTest::allowed, interaction -> {
            String value = interaction.options().isEmpty() ? null : interaction.options().getFirst().getString("value");
            ModerationAction expected = switch (interaction.subcommand()) {
                case "show" -> new ModerationAction.Show();
                case "ban" -> new ModerationAction.Ban(value);
                case "unban" -> new ModerationAction.Unban(value);
                case "pause" -> new ModerationAction.Pause();
                case "resume" -> new ModerationAction.Resume();
                case ModerateCommand.POLICY -> new ModerationAction.Policy(value);
                case "block" -> new ModerationAction.Block(ModerateCommand.words(value));
                case "unblock" -> new ModerationAction.Unblock(ModerateCommand.words(value));
                case "rate" -> new ModerationAction.Rate(value == null ? null : Integer.valueOf(value));
                default -> throw new AssertionError(interaction.subcommand());
            };

            Command command;
            try {
                command = OPTIONS.parse(interaction.event(), ADMIN);
            } catch (SlashOptions.InvalidOption e) {
                throw new AssertionError("refused what Discord allows: " + e.getMessage());
            }

            assertThat(command).isEqualTo(new Command.Moderate(ADMIN, null, expected));
        });
    }
}
