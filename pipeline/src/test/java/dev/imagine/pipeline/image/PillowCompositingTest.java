package dev.imagine.pipeline.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.imagine.pipeline.Mask;
import dev.imagine.pipeline.Picture;
import dev.imagine.pipeline.PictureDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pillow's GaussianBlur (diffusers' {@code VaeImageProcessor.blur}), AUTOMATIC1111's fill and diffusers'
 * {@code apply_overlay}, to the bit, against the files Pillow 13 wrote ({@code tools/reference --only inpaint}).
 */
class PillowCompositingTest {
    static final Path REFERENCE = Path.of("src/test/resources/reference");
    static final Path INPAINT = REFERENCE.resolve("inpaint");

    record Case(String kind, String input, double radius, String mask, String init, String image, String expected) {
        @Override
        public String toString() {
            return kind + " " + (input != null ? input : init) + (kind.equals("blur") ? " radius " + radius : "");
        }
    }

    static Stream<Case> cases() throws IOException {
        List<Case> cases = new Gson().fromJson(Files.readString(INPAINT.resolve("pillow.json")),
                new TypeToken<List<Case>>() { }.getType());
        return cases.stream();
    }

    private static Path file(String relative) {
        return relative.startsWith("img2img/") ? REFERENCE.resolve(relative) : INPAINT.resolve(relative);
    }

    private static Picture picture(String relative) {
        return PictureDecoder.DEFAULT.read(file(relative));
    }

    private static byte[] grey(String relative) {
        return Mask.of(picture(relative)).grey();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pillowOperation_equalsPillowToTheBit(Case c) {
        switch (c.kind()) {
            case "blur" -> {
                Picture input = picture(c.input());
                boolean rgb = c.input().startsWith("img2img/");
                byte[] pixels = rgb ? input.rgb() : Mask.of(input).grey();
                byte[] blurred = PillowBlur.gaussian(pixels, input.width(), input.height(), rgb ? 3 : 1, c.radius());
                assertThat(blurred).isEqualTo(rgb ? picture(c.expected()).rgb() : grey(c.expected()));
            }
            case "fill" -> {
                Picture input = picture(c.input());
                byte[] filled = PillowCompositing.fill(input.rgb(), grey(c.mask()), input.width(), input.height());
                assertThat(filled).isEqualTo(picture(c.expected()).rgb());
            }
            case "overlay" -> {
                Picture init = picture(c.init());
                byte[] out = PillowCompositing.overlay(init.rgb(), picture(c.image()).rgb(), grey(c.mask()),
                        init.width(), init.height());
                assertThat(out).isEqualTo(picture(c.expected()).rgb());
            }
            default -> throw new AssertionError(c.kind());
        }
    }

    @Test
    void boxRadius_isPillowsFloat32ExtendedBoxRadius() {
        // _gaussian_blur_radius(4, 3): sigma^2 = 16/3, L = sqrt(65), l = 3, a = 7 * (12 - 16) / (6 * (16/3 - 16))
        assertThat(PillowBlur.boxRadius(4f, 3)).isEqualTo(3f + 7f * (12f - 16f) / (6f * (16f / 3f - 16f)));
        assertThat(PillowBlur.boxRadius(0f, 3)).isZero();
    }

    @Test
    void blur_ofZero_isACopy() {
        byte[] pixels = {1, 2, 3, 4, 5, 6};
        assertThat(PillowBlur.gaussian(pixels, 3, 2, 1, 0)).isEqualTo(pixels).isNotSameAs(pixels);
    }

    @Test
    void blur_ofAFlatPicture_changesNothing() {
        byte[] flat = new byte[40 * 30 * 3];
        java.util.Arrays.fill(flat, (byte) 200);
        assertThat(PillowBlur.gaussian(flat, 40, 30, 3, 8)).isEqualTo(flat);
    }

    @Test
    void blur_refusesANegativeRadius() {
        assertThatThrownBy(() -> PillowBlur.gaussian(new byte[4], 2, 2, 1, -1))
                .hasMessageContaining("radius must be 0 or more");
    }

    @Test
    void overlay_whereTheMaskIsBlack_isTheSourceExactly_andWhereWhite_theGeneratedPicture() {
        byte[] init = {10, 20, 30, 40, 50, 60};
        byte[] image = {(byte) 200, (byte) 210, (byte) 220, (byte) 230, (byte) 240, (byte) 250};
        byte[] out = PillowCompositing.overlay(init, image, new byte[] {0, (byte) 255}, 2, 1);
        assertThat(out).containsExactly(10, 20, 30, (byte) 230, (byte) 240, (byte) 250);
    }

    @Test
    void fill_keepsTheKnownPixels_andColoursTheUnknownFromThem() {
        int w = 32;
        int h = 16;
        byte[] rgb = new byte[w * h * 3];
        byte[] unknown = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                rgb[p * 3] = (byte) (x < 16 ? 240 : 0); // red on the left; the right half is unknown
                unknown[p] = (byte) (x < 16 ? 0 : 255);
            }
        }
        byte[] filled = PillowCompositing.fill(rgb, unknown, w, h);
        for (int p = 0; p < w * h; p++) {
            if (p % w < 16) {
                assertThat(filled[p * 3] & 0xff).isEqualTo(240);
            } else {
                assertThat(filled[p * 3] & 0xff).as("the unknown half takes the red").isGreaterThan(200);
            }
        }
    }
}
