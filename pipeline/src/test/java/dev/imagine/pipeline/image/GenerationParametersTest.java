package dev.imagine.pipeline.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.pipeline.PromptSyntax;
import org.junit.jupiter.api.Test;

class GenerationParametersTest {

    @Test
    void toText_isThePromptThenTheWebUiParameterLine() {
        GenerationParameters parameters = new GenerationParameters("a red fox in the snow", 4, 8f, 1234L, 512, 768,
                "LCM_Dreamshaper_v7", "Imagine 0.1.0");

        assertThat(parameters.toText()).isEqualTo("a red fox in the snow\n"
                + "Steps: 4, Sampler: LCM, CFG scale: 8.0, Seed: 1234, Size: 512x768, Model: LCM_Dreamshaper_v7, "
                + "Version: Imagine 0.1.0");
    }

    @Test
    void parse_readsBackWhatToTextWrote_includingMultiLinePromptsAndQuotedValues() {
        GenerationParameters original = new GenerationParameters("line one\nline two, with: punctuation", 8, 2.5f,
                4_294_967_296L, 320, 256, "my model, v2: \"best\"", "Imagine dev");

        assertThat(GenerationParameters.parse(original.toText())).isEqualTo(original);
    }

    @Test
    void parse_readsAnAutomatic1111Line_ignoringFieldsItDoesNotUse() {
        String webUi = "masterpiece, a castle\nNegative prompt: blurry\n"
                + "Steps: 20, Sampler: Euler a, Schedule type: Automatic, CFG scale: 7, Seed: 3839574543, "
                + "Size: 512x512, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.10.1";

        GenerationParameters parsed = GenerationParameters.parse(webUi);

        assertThat(parsed.prompt()).isEqualTo("masterpiece, a castle");
        assertThat(parsed.steps()).isEqualTo(20);
        assertThat(parsed.guidance()).isEqualTo(7f);
        assertThat(parsed.seed()).isEqualTo(3839574543L);
        assertThat(parsed.width()).isEqualTo(512);
        assertThat(parsed.model()).isEqualTo("v1-5-pruned-emaonly");
    }

    @Test
    void parse_withoutAParameterLine_saysWhatIsExpected() {
        assertThatThrownBy(() -> GenerationParameters.parse("just a prompt"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Steps");
    }

    @Test
    void toText_plainPrompt_saysSoWithAKeyTheWebUiKeeps_andKeepsTheTextAsTyped() {
        GenerationParameters parameters = new GenerationParameters("a (red:1.3) fox", 4, 8f, 1234L, 512, 512,
                "LCM_Dreamshaper_v7", "Imagine 0.1.0", PromptSyntax.PLAIN);

        assertThat(parameters.toText()).isEqualTo("a (red:1.3) fox\n"
                + "Steps: 4, Sampler: LCM, CFG scale: 8.0, Seed: 1234, Size: 512x512, Model: LCM_Dreamshaper_v7, "
                + "Prompt syntax: plain, Version: Imagine 0.1.0");
    }

    @Test
    void toText_a1111Prompt_addsNoKey_andKeepsTheWeights() {
        GenerationParameters parameters = new GenerationParameters("(masterpiece:1.2), a [blurry] fox BREAK snow", 4,
                8f, 1L, 512, 512, "m", "v", PromptSyntax.A1111);

        assertThat(parameters.toText()).startsWith("(masterpiece:1.2), a [blurry] fox BREAK snow\n")
                .doesNotContain("Prompt syntax");
    }

    @Test
    void parse_readsThePromptSyntaxBack_andAWebUiLineIsA1111() {
        GenerationParameters plain = new GenerationParameters("a (red) fox", 4, 8f, 1L, 512, 512, "m", "v",
                PromptSyntax.PLAIN);

        assertThat(GenerationParameters.parse(plain.toText())).isEqualTo(plain);
        assertThat(GenerationParameters.parse("a (red) fox\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, "
                + "Size: 512x512, Model: sd15").promptSyntax()).isEqualTo(PromptSyntax.A1111);
    }
}
