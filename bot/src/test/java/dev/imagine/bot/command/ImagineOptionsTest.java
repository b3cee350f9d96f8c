package dev.imagine.bot.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImagineOptionsTest {
    private final Requester alice = Requester.direct(new User("telegram", "1", "alice"));

    @Test
    void read_takesEachOptionAsPeopleTypeIt_andMakesTheCommand() {
        ImagineOptions options = new ImagineOptions().read("seed", "42").read("steps", " 4 ").read("size", "512×768")
                .read("guidance", "7.5").read("count", "+2").read("decoder", "FAST");

        assertThat(options.imagine(alice, "a fox")).isEqualTo(new Command.Imagine(alice, "a fox", 42L, 4,
                new ImageSize(512, 768), 7.5f, 2, Decoder.FAST));
    }

    @Test
    void strength_isReadAsTheDecimalTyped_soItsScheduleIsDiffusers() {
        // int(50 * 0.7) is 35 in Python; the float nearest 0.7 (0.69999999) would give 34.
        Command.Imagine command = new ImagineOptions().read("strength", "0.7").imagine(alice, "a fox");

        assertThat(command.strength()).isEqualTo(0.7);
        assertThat((int) (RequestRules.LCM_SCHEDULE_POINTS * command.strength())).isEqualTo(35);
        assertThat((int) (RequestRules.LCM_SCHEDULE_POINTS * (double) 0.7f)).isEqualTo(34);
        assertThat(RequestRules.strengthProblem(0.7, 8)).isNull();
        assertThat(RequestRules.strengthProblem(0.1, 8)).contains("leaves 5 of LCM's 50 schedule points")
                .contains("at least 0.16 or at most 5 steps");
        assertThatThrownBy(() -> new ImagineOptions().read("strength", "lots"))
                .hasMessage("strength must be a number above 0 and at most 1, got 'lots'");
    }

    @Test
    void absentOptions_stayNull_soThePersonsDefaultsApply() {
        assertThat(new ImagineOptions().isEmpty()).isTrue();
        assertThat(new ImagineOptions().imagine(alice, "a fox")).isEqualTo(Command.Imagine.of(alice, "a fox"));
    }

    @Test
    void aValueOutOfRange_isRead_forTheJobServiceToJudgeAgainstThePersonsLimits() {
        Command.Imagine command = new ImagineOptions().read("steps", "50").read("seed", "-1").read("count", "9")
                .imagine(alice, "a fox");

        assertThat(command.steps()).isEqualTo(50);
        assertThat(command.seed()).isEqualTo(-1L);
        assertThat(command.count()).isEqualTo(9);
    }

    @Test
    void textThatIsNotAValueOfItsKind_isUnreadable_namingTheOptionAndWhatItTakes() {
        assertThatThrownBy(() -> new ImagineOptions().read("steps", "many"))
                .isInstanceOf(ImagineOptions.Unreadable.class)
                .hasMessage("steps must be a whole number from 1 to 8, got 'many'");
        assertThatThrownBy(() -> new ImagineOptions().read("steps", "99999999999"))
                .hasMessage("steps must be a whole number from 1 to 8, got '99999999999'");
        assertThatThrownBy(() -> new ImagineOptions().read("seed", "0x10"))
                .hasMessage("seed must be a whole number from 0 to 4294967295, got '0x10'");
        assertThatThrownBy(() -> new ImagineOptions().read("size", "big"))
                .hasMessage("size must be WIDTHxHEIGHT, for example 512x768, got 'big'");
        assertThatThrownBy(() -> new ImagineOptions().read("decoder", "turbo"))
                .hasMessage("decoder must be full or fast, got 'turbo'");
        assertThatThrownBy(() -> new ImagineOptions().read("colour", "red"))
                .hasMessageContaining("colour is not an option").hasMessageContaining("seed, steps, size");
    }

    @Test
    void guidance_isADecimalNumber_notJavasOtherSpellings() {
        assertThat(new ImagineOptions().read("guidance", ".5").imagine(alice, "x").guidance()).isEqualTo(0.5f);
        assertThat(new ImagineOptions().read("guidance", "1e1").imagine(alice, "x").guidance()).isEqualTo(10f);
        for (String odd : new String[] {"NaN", "Infinity", "7.5f", "0x1p3", "1e39", "", "8,5"}) {
            assertThatThrownBy(() -> new ImagineOptions().read("guidance", odd)).as(odd)
                    .hasMessageStartingWith("guidance must be a number from 1 to 20");
        }
    }

    @Test
    void userDefaults_keepEverythingButTheSeed() {
        SettingsChange.UserDefaults defaults = new ImagineOptions().read("seed", "3").read("steps", "2")
                .read("decoder", "fast").userDefaults();

        assertThat(defaults).isEqualTo(new SettingsChange.UserDefaults(2, null, null, null, Decoder.FAST));
    }

    @Test
    void promptSyntax_isReadByTheNameEachPlatformWritesIt_andKeptAsADefault() {
        for (String name : new String[] {"prompt-syntax", "prompt_syntax", "promptSyntax", "syntax"}) {
            assertThat(new ImagineOptions().read(name, "plain").imagine(alice, "x").promptSyntax()).as(name)
                    .isEqualTo(PromptSyntax.PLAIN);
        }
        ImagineOptions a1111 = new ImagineOptions().read("prompt-syntax", " A1111 ");
        assertThat(a1111.isEmpty()).isFalse();
        assertThat(a1111.userDefaults())
                .isEqualTo(new SettingsChange.UserDefaults(null, null, null, null, null, PromptSyntax.A1111));
        assertThat(ImagineOptions.NAMES).contains(ImagineOptions.PROMPT_SYNTAX);
        assertThat(ImagineOptions.DEFAULT_NAMES).contains(ImagineOptions.PROMPT_SYNTAX);
        assertThatThrownBy(() -> new ImagineOptions().read("prompt-syntax", "compel"))
                .isInstanceOf(ImagineOptions.Unreadable.class)
                .hasMessageStartingWith("prompt-syntax must be a1111 (weights such as (word:1.2)")
                .hasMessageEndingWith("or plain (the text as written, cut after 75 tokens), got 'compel'");
    }
}
