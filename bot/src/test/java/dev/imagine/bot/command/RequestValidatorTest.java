package dev.imagine.bot.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RequestValidatorTest {
    private final RequestValidator validator = new RequestValidator(() -> 0x1_2345_6789L);
    private final Requester alice = Requester.direct(new User("telegram", "1", "alice"));

    @Test
    void validate_fillsMissingOptionsFromTheDefaults_andDrawsA32BitSeed() {
        RequestValidator.Outcome outcome = validator.validate(Command.Imagine.of(alice, "  a fox  "),
                Defaults.STANDARD, Limits.DEFAULTS);

        JobParameters p = ((RequestValidator.Valid) outcome).parameters();
        assertThat(p).isEqualTo(new JobParameters("a fox", 0x2345_6789L, 4, ImageSize.SQUARE_512, 8f, 1, Decoder.FULL));
    }

    @Test
    void validate_readsThePromptInTheConfiguredSyntax_a1111ByDefault() {
        Defaults plain = new Defaults(4, ImageSize.SQUARE_512, 8f, 1, Decoder.FULL, PromptSyntax.PLAIN);

        JobParameters standard = ((RequestValidator.Valid) validator.validate(Command.Imagine.of(alice, "(a fox:1.2)"),
                Defaults.STANDARD, Limits.DEFAULTS)).parameters();
        JobParameters configured = ((RequestValidator.Valid) validator.validate(Command.Imagine.of(alice,
                "(a fox:1.2)"), plain, Limits.DEFAULTS)).parameters();

        assertThat(standard.promptSyntax()).isEqualTo(PromptSyntax.A1111);
        assertThat(configured.promptSyntax()).isEqualTo(PromptSyntax.PLAIN);
        assertThat(configured.withSeed(5).promptSyntax()).isEqualTo(PromptSyntax.PLAIN);
        assertThat(Defaults.STANDARD.overriddenBy(new SettingsChange.UserDefaults(2, null, null, null, null)))
                .extracting(Defaults::promptSyntax).isEqualTo(PromptSyntax.A1111);
    }

    @Test
    void validate_readsThePromptInTheRequestsOwnSyntax_thenThePersonsSavedOne() {
        Defaults saved = Defaults.STANDARD.overriddenBy(new SettingsChange.UserDefaults(null, null, null, null, null,
                PromptSyntax.PLAIN));
        Command.Imagine asA1111 = new Command.Imagine(alice, "(a fox:1.2)", null, null, null, null, null, null,
                PromptSyntax.A1111);

        assertThat(saved.promptSyntax()).isEqualTo(PromptSyntax.PLAIN);
        assertThat(((RequestValidator.Valid) validator.validate(Command.Imagine.of(alice, "(a fox:1.2)"), saved,
                Limits.DEFAULTS)).parameters().promptSyntax()).isEqualTo(PromptSyntax.PLAIN);
        assertThat(((RequestValidator.Valid) validator.validate(asA1111, saved, Limits.DEFAULTS)).parameters()
                .promptSyntax()).isEqualTo(PromptSyntax.A1111);
    }

    @Test
    void jobParametersWithoutASyntax_areAJobStoredBeforeThereWasOne_andReadPlain() {
        assertThat(new JobParameters("fox", 1, 4, ImageSize.SQUARE_512, 8f, 1, Decoder.FULL, null).promptSyntax())
                .isEqualTo(PromptSyntax.PLAIN);
    }

    @Test
    void promptSyntax_parsesTheConfigAndCommandLineNames() {
        assertThat(PromptSyntax.parse(" A1111 ")).isEqualTo(PromptSyntax.A1111);
        assertThat(PromptSyntax.parse("plain")).isEqualTo(PromptSyntax.PLAIN);
        assertThatThrownBy(() -> PromptSyntax.parse("compel")).hasMessageContaining("use a1111")
                .hasMessageContaining("or plain");
    }

    @Test
    void validate_userDefaultsOverrideConfiguredOnes_butExplicitOptionsWin() {
        Defaults mine = Defaults.STANDARD.overriddenBy(
                new SettingsChange.UserDefaults(2, new ImageSize(384, 384), 5f, null, null));

        JobParameters p = ((RequestValidator.Valid) validator.validate(new Command.Imagine(alice, "fox", 9L, 6, null,
                null, null, null), mine, Limits.DEFAULTS)).parameters();

        assertThat(p.steps()).isEqualTo(6);
        assertThat(p.size()).isEqualTo(new ImageSize(384, 384));
        assertThat(p.guidance()).isEqualTo(5f);
    }

    @Test
    void validate_defaultsAboveACommunityLimit_areLoweredToIt_ratherThanRefused() {
        Limits strict = Limits.DEFAULTS.tightenedBy(new SettingsChange.CommunityLimits(2, null, 1, null, null));
        Defaults generous = new Defaults(8, ImageSize.SQUARE_512, 8f, 4, Decoder.FULL);

        JobParameters p = ((RequestValidator.Valid) validator.validate(Command.Imagine.of(alice, "fox"), generous,
                strict)).parameters();

        assertThat(p.steps()).isEqualTo(2);
        assertThat(p.count()).isEqualTo(1);
    }

    @Test
    void validate_sizeAboveTheCommunityLimit_namesTheLimit() {
        Limits strict = Limits.DEFAULTS.tightenedBy(new SettingsChange.CommunityLimits(null, 512, null, null, null));

        RequestValidator.Outcome outcome = validator.validate(new Command.Imagine(alice, "fox", 1L, null,
                new ImageSize(768, 512), null, null, null), Defaults.STANDARD, strict);

        assertThat(((RequestValidator.Refused) outcome).message())
                .isEqualTo("I can't draw that yet: width 768 must be a multiple of 8 from 256 to 512.");
    }

    @Test
    void limits_cannotBeRaisedByACommunity() {
        Limits raised = Limits.DEFAULTS.tightenedBy(new SettingsChange.CommunityLimits(20, 4096, 10, 100_000, null));

        assertThat(raised).isEqualTo(Limits.DEFAULTS);
    }

    @Test
    void imageSize_parsesCommonSpellings_andExplainsBadOnes() {
        assertThat(ImageSize.parse("512x768")).isEqualTo(new ImageSize(512, 768));
        assertThat(ImageSize.parse(" 768×512 ")).isEqualTo(new ImageSize(768, 512));
        assertThatThrownBy(() -> ImageSize.parse("big")).hasMessageContaining("for example 512x768");
    }

    @Test
    void decoder_parsesItsNames_andExplainsUnknownOnes() {
        assertThat(Decoder.parse("Fast")).isEqualTo(Decoder.FAST);
        assertThat(Decoder.parse("taesd")).isEqualTo(Decoder.FAST);
        assertThatThrownBy(() -> Decoder.parse("turbo")).hasMessageContaining("use full or fast");
    }

    @Test
    void promptLength_countsCharactersAsPeopleSeeThem_notUtf16Units() {
        String emoji = "\uD83E\uDD8A".repeat(600);
        Limits limits = new Limits(8, 1024, 4, 600);

        RequestValidator.Outcome fits = validator.validate(Command.Imagine.of(alice, emoji), Defaults.STANDARD, limits);
        RequestValidator.Outcome over = validator.validate(Command.Imagine.of(alice, emoji + "\uD83E\uDD8A"),
                Defaults.STANDARD, limits);

        assertThat(fits).isInstanceOf(RequestValidator.Valid.class);
        assertThat(((RequestValidator.Refused) over).message()).contains("601 characters").contains("limit is 600");
    }

    @Test
    void aControlCharacter_isRefusedNamingIt_whileLineBreaksAreKeptAsLf() {
        RequestValidator.Outcome nul = validator.validate(Command.Imagine.of(alice, "a fox\u0000 in snow"),
                Defaults.STANDARD, Limits.DEFAULTS);
        RequestValidator.Outcome escape = validator.validate(Command.Imagine.of(alice, "a \u001b[31mred fox"),
                Defaults.STANDARD, Limits.DEFAULTS);
        RequestValidator.Outcome lines = validator.validate(Command.Imagine.of(alice, "a fox\r\nin\tsnow"),
                Defaults.STANDARD, Limits.DEFAULTS);

        assertThat(((RequestValidator.Refused) nul).message()).contains("U+0000 at position 6");
        assertThat(((RequestValidator.Refused) escape).message()).contains("U+001B");
        assertThat(((RequestValidator.Valid) lines).parameters().prompt()).isEqualTo("a fox\nin snow");
    }
}
