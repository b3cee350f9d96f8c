package dev.imagine.pipeline.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.model.JsonFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The resampler gives Pillow's pixels exactly: each case is {@code Image.resize} of a test picture with one of
 * Pillow's five convolution filters, written by tools/reference/make_fixtures.py (part safety).
 */
class PillowResizeTest {
    static final Path REFERENCE = Path.of("src/test/resources/reference");

    record Case(String picture, int resample, int width, int height, String expected) {
        @Override
        public String toString() {
            return expected.substring(expected.lastIndexOf('/') + 1);
        }
    }

    static Stream<Case> cases() throws IOException {
        List<Case> cases = JsonFiles.read(REFERENCE.resolve("safety/resizes.json"),
                new TypeReference<List<Case>>() { });
        return cases.stream();
    }

    static PngPixels read(String relative) throws IOException {
        return PngPixels.decode(Files.readAllBytes(REFERENCE.resolve(relative)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void resize_givesPillowsPixelsExactly(Case c) throws IOException {
        PngPixels picture = read(c.picture());
        PngPixels expected = read(c.expected());

        byte[] resized = PillowResize.resize(picture.rgb(), picture.width(), picture.height(), c.width(), c.height(),
                PillowResize.Filter.ofPillowNumber(c.resample(), "test"));

        assertThat(expected.width()).isEqualTo(c.width());
        assertThat(resized).hasSameSizeAs(expected.rgb());
        assertThat(differing(resized, expected.rgb())).as("%s: bytes that differ from Pillow's", c).isZero();
    }

    @Test
    void resize_toTheSameSize_returnsTheSamePixels() throws IOException {
        PngPixels picture = read("safety/pictures/exact-64x64.png");

        byte[] resized = PillowResize.resize(picture.rgb(), 64, 64, 64, 64, PillowResize.Filter.BILINEAR);

        assertThat(resized).isEqualTo(picture.rgb()).isNotSameAs(picture.rgb());
    }

    @Test
    void filterNumbers_areThoseOfPillow_andNearestIsRefusedNamingTheOthers() {
        assertThat(PillowResize.Filter.ofPillowNumber(2, "x")).isEqualTo(PillowResize.Filter.BILINEAR);
        assertThat(PillowResize.Filter.ofPillowNumber(3, "x")).isEqualTo(PillowResize.Filter.BICUBIC);
        assertThatThrownBy(() -> PillowResize.Filter.ofPillowNumber(0, "preprocessor_config.json"))
                .isInstanceOf(PipelineException.class)
                .hasMessage("preprocessor_config.json: resample 0 is not supported; expected 1 (LANCZOS), "
                        + "2 (BILINEAR), 3 (BICUBIC), 4 (BOX) or 5 (HAMMING)");
    }

    private static long differing(byte[] a, byte[] b) {
        if (a.length != b.length) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < a.length; i++) {
            n += a[i] != b[i] ? 1 : 0;
        }
        return n;
    }
}
