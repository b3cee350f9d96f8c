package dev.imagine.bot.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.Mask;
import dev.imagine.pipeline.Outpaint;
import dev.imagine.pipeline.Picture;
import dev.imagine.pipeline.TokenizedPrompt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The cache key of inpainting, zoom out and pan: everything that changes their pixels. */
class InpaintCacheKeyTest {
    private static final int[] IDS = {49406, 320, 49407};
    private static final TokenizedPrompt PROMPT = new TokenizedPrompt(IDS, IDS.length, IDS.length);

    private static CacheKey key(String source, double strength, String mask, int blur, String outpaint) {
        return CacheKey.of("m", "r", PROMPT, 1, 4, 512, 512, 8f, "full", source, strength, mask, blur, outpaint);
    }

    @Test
    void inpaintKey_changesWithTheMask_theBlur_theStrength_theSourceAndTheOutpaintMode() {
        CacheKey base = key("src", 1.0, "mask", 4, "");

        assertThat(key("src", 1.0, "mask", 4, "")).isEqualTo(base);
        assertThat(Stream.of(base,
                key("src", 1.0, "other-mask", 4, ""),
                key("src", 1.0, "mask", 8, ""),
                key("src", 0.8, "mask", 4, ""),
                key("other-src", 1.0, "mask", 4, ""),
                key("src", 1.0, "mask", 4, "zoom-2"),
                CacheKey.of("m", "r", PROMPT, 1, 4, 512, 512, 8f, "full", "src", 1.0),
                CacheKey.of("m", "r", PROMPT, 1, 4, 512, 512, 8f, "full"))).doesNotHaveDuplicates();
    }

    @Test
    void keyOfARequest_isTheKeyOfItsParts_andTextToImageKeepsTheJobServicesKey() {
        Picture picture = Picture.ofRgb(new byte[512 * 512 * 3], 512, 512);
        byte[] grey = new byte[512 * 512];
        grey[0] = (byte) 255;
        Mask mask = Mask.ofGrey(grey, 512, 512);
        GenerationRequest text = new GenerationRequest("a", 1, 4, 8f, 512, 512, 2);
        GenerationRequest inpaint = text.withMask(picture, mask, 4, 1.0);
        Outpaint.Canvas canvas = Outpaint.prepare(picture, Outpaint.Mode.ZOOM_2, 64, 1024);
        GenerationRequest zoom = text.withOutpaint(canvas, 0.8);

        assertThat(CacheKey.of("m", "r", PROMPT, text, 1)).isEqualTo(CacheKey.of("m", "r", IDS, 2, 4, 512, 512, 8f,
                "full"));
        assertThat(CacheKey.of("m", "r", PROMPT, inpaint, 0)).isEqualTo(CacheKey.of("m", "r", PROMPT, 1, 4, 512, 512,
                8f, "full", picture.pixelHash(), 1.0, mask.pixelHash(), 4, ""));
        assertThat(CacheKey.of("m", "r", PROMPT, zoom, 0)).isEqualTo(CacheKey.of("m", "r", PROMPT, 1, 4, 512, 512, 8f,
                "full", canvas.picture().pixelHash(), 0.8, canvas.mask().pixelHash(), 8, "zoom-2"));
    }
}
