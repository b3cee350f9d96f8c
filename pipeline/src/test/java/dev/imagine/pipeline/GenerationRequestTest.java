package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GenerationRequestTest {

    @Test
    void of_usesTheDocumentedDefaults() {
        GenerationRequest request = GenerationRequest.of("a fox", 42);
        assertThat(request.steps()).isEqualTo(4);
        assertThat(request.guidance()).isEqualTo(8f);
        assertThat(request.width()).isEqualTo(512);
        assertThat(request.height()).isEqualTo(512);
        assertThat(request.count()).isEqualTo(1);
    }

    @Test
    void promptSyntax_isA1111UnlessSaid_andKeptByWithDecoder() {
        GenerationRequest request = GenerationRequest.of("a (red) fox", 42);

        assertThat(request.promptSyntax()).isEqualTo(PromptSyntax.A1111);
        GenerationRequest plain = request.withPromptSyntax(PromptSyntax.PLAIN);
        assertThat(plain.withDecoder(GenerationRequest.Decoder.FAST).promptSyntax()).isEqualTo(PromptSyntax.PLAIN);
        assertThatThrownBy(() -> request.withPromptSyntax(null)).isInstanceOf(PipelineException.class)
                .hasMessageContaining("prompt syntax is missing");
    }

    @Test
    void promptSyntax_parsesItsLabels() {
        assertThat(PromptSyntax.parse(" A1111")).isEqualTo(PromptSyntax.A1111);
        assertThat(PromptSyntax.PLAIN.label()).isEqualTo("plain");
        assertThatThrownBy(() -> PromptSyntax.parse("compel")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use a1111").hasMessageContaining("or plain");
    }

    @Test
    void seedOf_givesEachImageOfABatchTheNextSeed() {
        GenerationRequest request = new GenerationRequest("a fox", 41, 4, 8f, 512, 512, 3);
        assertThat(request.seedOf(0)).isEqualTo(41);
        assertThat(request.seedOf(2)).isEqualTo(43);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty prompt    | '  '  | 4 | 8  | 512 | 512  | 1 | the prompt is empty",
            "zero steps      | fox   | 0 | 8  | 512 | 512  | 1 | steps is 0: use 1 to 8",
            "nine steps      | fox   | 9 | 8  | 512 | 512  | 1 | steps is 9: use 1 to 8",
            "low guidance    | fox   | 4 | 0.5| 512 | 512  | 1 | guidance is 0.5: use 1.0 to 20.0",
            "high guidance   | fox   | 4 | 21 | 512 | 512  | 1 | guidance is 21.0",
            "odd width       | fox   | 4 | 8  | 500 | 512  | 1 | width is 500: use a multiple of 8 from 256 to 1024",
            "small height    | fox   | 4 | 8  | 512 | 248  | 1 | height is 248",
            "large height    | fox   | 4 | 8  | 512 | 1032 | 1 | height is 1032",
            "five images     | fox   | 4 | 8  | 512 | 512  | 5 | count is 5: use 1 to 4",
    })
    void constructor_rejectsBadValues_namingTheValueAndTheAcceptedRange(String name, String prompt, int steps,
            float guidance, int width, int height, int count, String message) {
        assertThatThrownBy(() -> new GenerationRequest(prompt, 1, steps, guidance, width, height, count))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining(message);
    }

    @Test
    void constructor_listsEveryProblemAtOnce() {
        assertThatThrownBy(() -> new GenerationRequest("", 1, 0, 8f, 100, 512, 1))
                .hasMessageContaining("prompt").hasMessageContaining("steps").hasMessageContaining("width");
    }

    @Test
    void constructor_rejectsNaNGuidance() {
        assertThatThrownBy(() -> new GenerationRequest("fox", 1, 4, Float.NaN, 512, 512, 1))
                .hasMessageContaining("guidance is NaN");
    }

    @Test
    void decoder_isTheFullVaeUnlessAskedFor() {
        GenerationRequest request = new GenerationRequest("a fox", 1, 4, 8f, 512, 512, 1);

        assertThat(request.decoder()).isEqualTo(GenerationRequest.Decoder.FULL);
        assertThat(GenerationRequest.of("a fox", 1).decoder()).isEqualTo(GenerationRequest.Decoder.FULL);
        GenerationRequest fast = request.withDecoder(GenerationRequest.Decoder.FAST);
        assertThat(fast.decoder()).isEqualTo(GenerationRequest.Decoder.FAST);
        assertThat(fast.withDecoder(GenerationRequest.Decoder.FULL)).isEqualTo(request);
    }

    @Test
    void decoder_missing_isRefusedWithTheChoices() {
        assertThatThrownBy(() -> new GenerationRequest("a fox", 1, 4, 8f, 512, 512, 1, null))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("decoder is missing: use FULL or FAST");
    }
}
