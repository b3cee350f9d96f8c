package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.image.GenerationParameters;
import dev.imagine.pipeline.image.PngEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** One picture, many requesters: the text a PNG carries is always the requester's own. */
class PngParametersTest {
    private static final GenerationRequest ALICE = new GenerationRequest("My Private Diary Entry", 42, 4, 8f, 256, 256,
            2);
    private static final GenerationRequest BOB = new GenerationRequest("my   private diary entry", 42, 4, 8f, 256, 256,
            2);

    private static byte[] picture(GenerationRequest request, int index) {
        byte[] rgb = new byte[16 * 16 * 3];
        new Random(index).nextBytes(rgb);
        return PngEncoder.encode(rgb, 16, 16, Map.of(PngParameters.KEYWORD,
                PngParameters.textOf(request, index, "tiny-lcm")));
    }

    @Test
    void labelled_writesTheRequestersOwnPromptAndSeedOverAnotherRequestersText() {
        byte[] alices = picture(ALICE, 1);

        byte[] bobs = PngParameters.labelled(PngParameters.withoutText(alices), BOB, 1, "tiny-lcm");

        GenerationParameters read = GenerationParameters.parse(PngParameters.read(bobs).orElseThrow());
        assertThat(read.prompt()).isEqualTo("my   private diary entry");
        assertThat(read.seed()).isEqualTo(43);
        assertThat(read.model()).isEqualTo("tiny-lcm");
        assertThat(new String(bobs, StandardCharsets.ISO_8859_1)).doesNotContain("My Private Diary Entry");
        assertThat(bobs).isEqualTo(picture(BOB, 1));
    }

    @Test
    void labellingAPictureWithTheRequestThatMadeIt_givesBackTheGeneratorsBytes() {
        byte[] generated = picture(ALICE, 0);

        assertThat(PngParameters.labelled(PngParameters.withoutText(generated), ALICE, 0, "tiny-lcm"))
                .isEqualTo(generated);
    }

    @Test
    void withoutText_keepsNothingOfTheRequester() {
        byte[] bare = PngParameters.withoutText(picture(ALICE, 0));

        assertThat(PngParameters.read(bare)).isEmpty();
        assertThat(new String(bare, StandardCharsets.ISO_8859_1)).doesNotContain("Diary", "Seed", "tiny-lcm");
    }

    @Test
    void textOf_writesTheVersionAndModelTheGeneratorWrites() {
        assertThat(PngParameters.textOf(ALICE, 0, "tiny-lcm")).isEqualTo("My Private Diary Entry\n"
                + "Steps: 4, Sampler: LCM, CFG scale: 8.0, Seed: 42, Size: 256x256, Model: tiny-lcm, Version: "
                + LcmPipeline.VERSION);
    }
}
