package dev.imagine.bot.telegram;

import static dev.imagine.testing.Generated.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImagineOptions;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.RequestValidator;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.SettingsChange;
import dev.imagine.bot.command.User;
import dev.imagine.bot.testing.FrontDoor;
import dev.imagine.testing.Generated;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The text after {@code /imagine} and {@code /settings}, generated: {@value FrontDoor#TRIES} inputs per property of
 * prompts, flags in every spelling phones produce, values in and out of range, and hostile text. Nothing may escape as
 * an exception; a refusal quotes what it did not understand and, for a value, says what the option takes; what is
 * understood reads back the same when written out again.
 */
class CommandTextFuzzTest {
    private static final Requester ALICE = Requester.direct(new User("telegram", "700", "alice"));
    private static final Pattern QUOTED_VALUE = Pattern.compile("I didn't understand `(?:--)?([\\w-]+) [^`]*`");

    private static String flag(Generated g, String name) {
        String spelled = g.chance(0.2) ? name.toUpperCase(Locale.ROOT) : name;
        return g.oneOf("--", "--", "--", "—", "–") + spelled;
    }

    /** Text after /imagine: a prompt, then flags with values, some wrong, some missing, some unknown. */
    private static String imagineText(Generated g) {
        StringBuilder text = new StringBuilder(g.chance(0.9) ? FrontDoor.prompt(g) : "");
        for (String word : g.list(0, 7, () -> g.weighted(
                Generated.choice(8, () -> {
                    String name = g.oneOf(ImagineOptions.NAMES.toArray(String[]::new));
                    return flag(g, name) + " " + FrontDoor.optionText(g, name);
                }),
                Generated.choice(1, () -> flag(g, g.oneOf("fast", "full"))),
                Generated.choice(1, () -> flag(g, g.oneOf("seed", "steps", "colour", "s", "", "negative"))),
                Generated.choice(1, () -> g.anyString(10))))) {
            text.append(g.oneOf(" ", "  ", "\n", "\t", " \u00a0")).append(word);
        }
        return text.toString();
    }

    /** The command written back as flags, the way the help text shows them. */
    private static String written(Command.Imagine command) {
        StringBuilder text = new StringBuilder(command.prompt());
        if (command.seed() != null) {
            text.append(" --seed ").append(command.seed());
        }
        if (command.steps() != null) {
            text.append(" --steps ").append(command.steps());
        }
        if (command.size() != null) {
            text.append(" --size ").append(FrontDoor.text(command.size()));
        }
        if (command.guidance() != null) {
            text.append(" --guidance ").append(command.guidance());
        }
        if (command.count() != null) {
            text.append(" --count ").append(command.count());
        }
        if (command.decoder() != null) {
            text.append(" --").append(command.decoder().label());
        }
        if (command.promptSyntax() != null) {
            text.append(" --prompt-syntax ").append(command.promptSyntax().label());
        }
        if (command.strength() != null) {
            text.append(" --strength ").append(command.strength());
        }
        return text.toString();
    }

    @Test
    void imagineText_neverThrows_refusalsSayWhatToWrite_andWhatIsReadReadsBackTheSame() {
        forAll("telegram /imagine text", FrontDoor.TRIES, CommandTextFuzzTest::imagineText, text -> {
            CommandParser.Parsed parsed = CommandParser.imagine(text, ALICE);
            switch (parsed) {
                case CommandParser.Invalid invalid -> {
                    assertExplained(invalid.message(), CommandParser.IMAGINE_EXAMPLE);
                    Matcher value = QUOTED_VALUE.matcher(invalid.message());
                    if (value.lookingAt()) {
                        FrontDoor.assertNamesOptionAndKind(invalid.message(),
                                value.group(1).toLowerCase(Locale.ROOT));
                    }
                }
                case CommandParser.Imagine imagine -> {
                    assertThat(CommandParser.imagine(written(imagine.command()), ALICE)).isEqualTo(parsed);
                    if (FrontDoor.validate(imagine.command()) instanceof RequestValidator.Refused refused) {
                        FrontDoor.assertNamesFieldsAndRanges(refused.message());
                    }
                }
                default -> throw new AssertionError("not an answer to /imagine: " + parsed);
            }
        });
    }

    /** Valid options in any order and spelling, after a prompt without flags in it. */
    private record Request(String prompt, List<String[]> options, String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    private static Request validRequest(Generated g) {
        // Words begin with a letter: a word that begins with -- is a flag.
        String prompt = String.join(" ", g.list(1, 6, () -> g.string(1, 1, "abcdefghijklmnopqrstuvwxyzé")
                + g.string(0, 8, "abcdefghijklmnopqrstuvwxyz,.()-—:1")));
        List<String> names = new ArrayList<>(ImagineOptions.NAMES);
        Collections.shuffle(names, new java.util.Random(g.intBetween(0, Integer.MAX_VALUE)));
        List<String[]> options = new ArrayList<>();
        StringBuilder text = new StringBuilder(prompt);
        for (String name : names.subList(0, g.intBetween(0, names.size()))) {
            String value = FrontDoor.validText(g, name);
            options.add(new String[] {name, value});
            boolean alone = name.equals(ImagineOptions.DECODER) && g.chance(0.5);
            text.append(' ').append(alone ? flag(g, value) : flag(g, name) + " " + value);
        }
        return new Request(prompt, options, text.toString());
    }

    @Test
    void validFlags_inAnyOrderAndSpelling_areReadAsTheSameOptionsEveryPlatformReads_andAccepted() {
        forAll("telegram valid /imagine", FrontDoor.TRIES, CommandTextFuzzTest::validRequest, request -> {
            ImagineOptions expected = new ImagineOptions();
            request.options().forEach(o -> expected.read(o[0], o[1]));

            CommandParser.Parsed parsed = CommandParser.imagine(request.text(), ALICE);

            assertThat(parsed).isEqualTo(new CommandParser.Imagine(expected.imagine(ALICE, request.prompt())));
            assertThat(FrontDoor.validate(((CommandParser.Imagine) parsed).command()))
                    .isInstanceOf(RequestValidator.Valid.class);
        });
    }

    private static String settingsText(Generated g) {
        List<String> words = new ArrayList<>();
        if (g.chance(0.3)) {
            words.add(g.oneOf("group", "limits", "GROUP", "reset"));
        }
        for (String word : g.list(0, 6, () -> g.weighted(
                Generated.choice(6, () -> {
                    String name = g.oneOf("steps", "size", "side", "guidance", "count", "decoder", "prompt",
                            "topics", "topic", "max-steps", "maxcount", "seed");
                    String value = ImagineOptions.NAMES.contains(name) ? FrontDoor.optionText(g, name)
                            : g.oneOf("here", "all", "main", "7,here", "3,", ",", "-5", "99999999999", "300",
                            g.anyString(6));
                    return (g.chance(0.3) ? "--" : "") + name + g.oneOf(" ", "=", " = ") + value;
                }),
                Generated.choice(1, () -> g.oneOf("fast", "full", "--fast")),
                Generated.choice(1, () -> g.anyString(8))))) {
            words.add(word);
        }
        return String.join(g.oneOf(" ", "  ", "\n"), words);
    }

    @Test
    void settingsText_neverThrows_andEveryChangeIsSavedOrRefusedNamingTheFieldAndRange() {
        forAll("telegram /settings text", FrontDoor.TRIES, CommandTextFuzzTest::settingsText, text -> {
            CommandParser.Parsed parsed = CommandParser.settings(text, "topic:3");
            switch (parsed) {
                case CommandParser.Invalid invalid -> assertExplained(invalid.message(),
                        CommandParser.SETTINGS_EXAMPLE);
                case CommandParser.Settings settings -> {
                    switch (settings.change()) {
                        case SettingsChange.UserDefaults mine -> {
                            // What the job service does before it saves them.
                            Command.Imagine probe = new Command.Imagine(ALICE, "probe", 0L, mine.steps(), mine.size(),
                                    mine.guidance(), mine.count(), mine.decoder());
                            if (FrontDoor.validate(probe) instanceof RequestValidator.Refused refused) {
                                FrontDoor.assertNamesFieldsAndRanges(refused.message());
                            }
                        }
                        case SettingsChange.CommunityLimits group -> {
                            try {
                                Limits.DEFAULTS.tightenedBy(group);
                            } catch (IllegalArgumentException e) {
                                assertThat(e.getMessage()).matches("max(Steps|Side|Count|PromptLength) must be \\d+ to"
                                        + " \\d+, got -?\\d+");
                            }
                        }
                        default -> {
                        }
                    }
                }
                default -> throw new AssertionError("not an answer to /settings: " + parsed);
            }
        });
    }

    /**
     * A refusal of the parser: it quotes what it did not understand and shows the syntax; when it quotes an option
     * with its value, it names the option and says what it takes.
     */
    private static void assertExplained(String message, String example) {
        assertThat(message).matches("(?s)(I didn't understand `|Say which group limits to set).*")
                .endsWith("Use: " + example);
        Matcher value = QUOTED_VALUE.matcher(message);
        if (value.lookingAt()) {
            String option = value.group(1).toLowerCase(Locale.ROOT).replaceFirst("^max-?", "");
            assertThat(message).contains("`: " + option + " must be ");
        }
    }
}
