package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import dev.imagine.pipeline.image.GenerationParameters;
import dev.imagine.pipeline.image.PngText;
import dev.imagine.pipeline.onnx.FloatTensor;
import dev.imagine.pipeline.onnx.OnnxModel;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.unet.Unet;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The prompt syntaxes through the whole pipeline on the tiny models (both ONNX interface variants). */
class PromptSyntaxPipelineTest {
    static final Path REFERENCE = ReferenceImagesTest.REFERENCE;
    static final String LONG_PROMPT = "a highly detailed fantasy landscape with towering crystal mountains, a winding"
            + " river of liquid silver, ancient ruins covered in glowing moss, a fleet of airships drifting through"
            + " golden clouds, a lone wanderer in a red cloak standing on a cliff";

    @ParameterizedTest
    @ValueSource(strings = {"tiny-lcm", "tiny-lcm-legacy"})
    void unet_takesEncoderHiddenStatesOfAnyLength(String model) {
        Path file = REFERENCE.resolve(model).resolve("unet/model.onnx");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxModel session = OnnxModel.load(env, file, SessionSettings.withThreads(1))) {
            assertThat(session.input("encoder_hidden_states").shape()).as("batch and sequence are dynamic axes")
                    .containsExactly(-1, -1, 32);
        }
        try (Unet unet = Unet.load(env, file, SessionSettings.withThreads(1))) {
            Random random = new Random(1);
            float[] latents = new float[4 * 32 * 32];
            for (int i = 0; i < latents.length; i++) {
                latents[i] = (float) random.nextGaussian();
            }
            float[] guidance = new float[32];
            for (int length : new int[] {77, 154, 231, 100}) {
                float[] hidden = new float[length * 32];
                for (int i = 0; i < hidden.length; i++) {
                    hidden[i] = (float) random.nextGaussian();
                }

                float[] out = unet.predict(new FloatTensor(latents, new long[] {1, 4, 32, 32}), 759,
                        new FloatTensor(hidden, new long[] {1, length, 32}), guidance, true);

                assertThat(out).as("sequence length %d", length).hasSize(latents.length);
                for (float value : out) {
                    assertThat(Float.isFinite(value)).isTrue();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-lcm", "tiny-lcm-legacy"})
    void a1111AndPlain_drawIdenticalPixels_forAPromptWithoutSyntaxWithin75Tokens(String model) throws IOException {
        try (ImageGenerator generator = ImageGenerator.open(REFERENCE.resolve(model), new PipelineOptions(2))) {
            GenerationRequest request = new GenerationRequest("a red fox in a snowy forest, digital art", 42, 2, 8f,
                    256, 256, 1);

            GeneratedImage a1111 = generator.generate(request).images().get(0);
            GeneratedImage plain = generator.generate(request.withPromptSyntax(PromptSyntax.PLAIN)).images().get(0);

            assertThat(pixels(a1111)).isEqualTo(pixels(plain));
            assertThat(parameters(a1111).promptSyntax()).isEqualTo(PromptSyntax.A1111);
            assertThat(PngText.read(plain.png()).get("parameters")).contains("Prompt syntax: plain");
            assertThat(parameters(plain).promptSyntax()).isEqualTo(PromptSyntax.PLAIN);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-lcm", "tiny-lcm-legacy"})
    void longPrompt_a1111ReadsItAllInChunks_andDrawsAnotherPictureThanPlainWhichCutsIt(String model)
            throws IOException {
        try (ImageGenerator generator = ImageGenerator.open(REFERENCE.resolve(model), new PipelineOptions(2))) {
            GenerationRequest request = new GenerationRequest(LONG_PROMPT, 7, 1, 8f, 256, 256, 1);

            GenerationResult a1111 = generator.generate(request);
            GenerationResult plain = generator.generate(request.withPromptSyntax(PromptSyntax.PLAIN));

            assertThat(a1111.prompt().chunked()).isTrue();
            assertThat(a1111.prompt().truncated()).isFalse();
            assertThat(plain.prompt().truncated()).isTrue();
            assertThat(pixels(a1111.images().get(0))).isNotEqualTo(pixels(plain.images().get(0)));
            assertThat(parameters(a1111.images().get(0)).prompt()).isEqualTo(LONG_PROMPT);
        }
    }

    @org.junit.jupiter.api.Test
    void generate_promptOfMoreThanTenChunks_isRefusedSayingWhatToChange() {
        try (ImageGenerator generator = ImageGenerator.open(REFERENCE.resolve("tiny-lcm"), new PipelineOptions(1))) {
            GenerationRequest request = new GenerationRequest("a fox BREAK ".repeat(11), 1, 1, 8f, 256, 256, 1);

            assertThat(generator.tokenize(request.prompt()).chunks()).hasSize(11);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> generator.generate(request))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageStartingWith("the prompt is read in 11 chunks of up to 75 tokens (")
                    .hasMessageEndingWith("tokens and its BREAKs); at most 10 are drawn: shorten it or use fewer BREAKs");
        }
    }

    private static int[] pixels(GeneratedImage image) throws IOException {
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image.png()));
        return decoded.getRGB(0, 0, decoded.getWidth(), decoded.getHeight(), null, 0, decoded.getWidth());
    }

    private static GenerationParameters parameters(GeneratedImage image) {
        return GenerationParameters.parse(PngText.read(image.png()).get("parameters"));
    }
}
