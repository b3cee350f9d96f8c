package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.SettingsChange;
import dev.imagine.bot.command.User;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandParserTest {
    private static final Requester ALICE = Requester.direct(new User("telegram", "700", "alice"));

    private static CommandParser.Imagine imagineOf(String prompt, Long seed, Integer steps, ImageSize size,
                                                 Float guidance, Integer count, Decoder decoder) {
        return new CommandParser.Imagine(new Command.Imagine(ALICE, prompt, seed, steps, size, guidance, count,
                decoder));
    }

    @Test
    void imagine_readsThePromptAndEveryFlag() {
        CommandParser.Parsed parsed = CommandParser.imagine(
                " a red fox in the snow --seed 42 --steps 4 --size 512x768 --guidance 7.5 --count 2 --fast", ALICE);

        assertThat(parsed).isEqualTo(imagineOf("a red fox in the snow", 42L, 4,
                new ImageSize(512, 768), 7.5f, 2, Decoder.FAST));
    }

    @Test
    void imagine_withoutFlags_isAllPrompt_andLeavesEverythingToTheDefaults() {
        assertThat(CommandParser.imagine("a lighthouse at dusk, oil painting", ALICE))
                .isEqualTo(imagineOf("a lighthouse at dusk, oil painting", null, null, null, null,
                        null, null));
    }

    @Test
    void imagine_readsDashesThatPhonesMadeOutOfDoubleHyphens() {
        assertThat(CommandParser.imagine("a cat —seed 3 –steps 2 --full", ALICE)).isEqualTo(
                imagineOf("a cat", 3L, 2, null, null, null, Decoder.FULL));
    }

    @Test
    void imagine_keepsHyphensInsideThePrompt() {
        assertThat(((CommandParser.Imagine) CommandParser.imagine("a well-lit room --steps 2", ALICE)).command()
                .prompt())
                .isEqualTo("a well-lit room");
    }

    @Test
    void imagine_aValueThatDoesNotParse_quotesIt_andShowsTheSyntax() {
        assertThat(CommandParser.imagine("a fox --steps many", ALICE)).isEqualTo(new CommandParser.Invalid(
                "I didn't understand `--steps many`: steps must be a whole number from 1 to 8, got 'many'. Use: /imagine a red fox --seed 42 --steps 4 --size 512x768"
                        + " --guidance 8 --count 2 --fast"));
        assertThat(CommandParser.imagine("a fox --size big", ALICE)).isEqualTo(new CommandParser.Invalid(
                "I didn't understand `--size big`: size must be WIDTHxHEIGHT, for example 512x768, got 'big'. Use: " + CommandParser.IMAGINE_EXAMPLE));
        assertThat(CommandParser.imagine("a fox --guidance NaN", ALICE))
                .isInstanceOf(CommandParser.Invalid.class);
    }

    @Test
    void imagine_unknownFlags_strayWords_andMissingValues_areExplained() {
        assertThat(CommandParser.imagine("a fox --colour red", ALICE)).isEqualTo(new CommandParser.Invalid(
                "I didn't understand `--colour`. Use: " + CommandParser.IMAGINE_EXAMPLE));
        assertThat(CommandParser.imagine("a fox --seed 4 5", ALICE)).isEqualTo(new CommandParser.Invalid(
                "I didn't understand `5`. Use: " + CommandParser.IMAGINE_EXAMPLE));
        assertThat(CommandParser.imagine("a fox --seed", ALICE)).isEqualTo(new CommandParser.Invalid(
                "I didn't understand `--seed`: it needs a value. Use: " + CommandParser.IMAGINE_EXAMPLE));
    }

    @Test
    void settings_nothing_shows_andResetResets() {
        assertThat(CommandParser.settings("", "main")).isEqualTo(
                new CommandParser.Settings(new SettingsChange.Show()));
        assertThat(CommandParser.settings(" reset ", "main")).isEqualTo(
                new CommandParser.Settings(new SettingsChange.ResetUserDefaults()));
    }

    @Test
    void settings_wordsOrFlags_setMyDefaults() {
        SettingsChange.UserDefaults expected = new SettingsChange.UserDefaults(2, new ImageSize(384, 384), 7f, 1,
                Decoder.FAST);

        assertThat(CommandParser.settings("steps 2 size 384x384 guidance 7 count 1 decoder fast", "main"))
                .isEqualTo(new CommandParser.Settings(expected));
        assertThat(CommandParser.settings("--steps 2 --size=384x384 --guidance 7 --count 1 --fast", "main"))
                .isEqualTo(new CommandParser.Settings(expected));
    }

    @Test
    void settings_group_setsCommunityLimits_withTopicsByName() {
        CommandParser.Parsed parsed = CommandParser.settings("group steps 4 size 512 count 2 prompt 300 topics here,7",
                "topic:3");

        assertThat(parsed).isEqualTo(new CommandParser.Settings(new SettingsChange.CommunityLimits(4, 512, 2, 300,
                Set.of("topic:3", "topic:7"))));
        assertThat(((CommandParser.Settings) parsed).forCommunity()).isTrue();
        assertThat(CommandParser.settings("group topics all", "main")).isEqualTo(new CommandParser.Settings(
                new SettingsChange.CommunityLimits(null, null, null, null, Set.of())));
    }

    @Test
    void settings_thatDoNotParse_showTheSyntax() {
        assertThat(CommandParser.settings("steps lots", "main")).isEqualTo(new CommandParser.Invalid(
                "I didn't understand `steps lots`: steps must be a whole number from 1 to 8, got 'lots'. Use: " + CommandParser.SETTINGS_EXAMPLE));
        assertThat(CommandParser.settings("colour red", "main")).isInstanceOf(CommandParser.Invalid.class);
        assertThat(CommandParser.settings("group", "main")).isInstanceOf(CommandParser.Invalid.class);
        assertThat(CommandParser.settings("group topics somewhere", "main"))
                .isInstanceOf(CommandParser.Invalid.class);
    }
}
