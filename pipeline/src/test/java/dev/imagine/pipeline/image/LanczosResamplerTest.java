package dev.imagine.pipeline.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.imagine.pipeline.Picture;
import dev.imagine.pipeline.PictureDecoder;
import dev.imagine.pipeline.model.JsonFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Pillow's {@code Image.resize(size, LANCZOS)}, which diffusers applies to every input picture, to the bit. */
class LanczosResamplerTest {
    static final Path IMG2IMG = Path.of("src/test/resources/reference/img2img");

    record Case(String source, int width, int height, String expected) {
        @Override
        public String toString() {
            return source + " -> " + width + "x" + height;
        }
    }

    static Stream<Case> cases() throws IOException {
        List<Case> cases = JsonFiles.read(IMG2IMG.resolve("lanczos.json"), new TypeReference<List<Case>>() { });
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void resize_equalsPillowToTheBit(Case c) {
        Picture source = PictureDecoder.DEFAULT.read(IMG2IMG.resolve(c.source()));
        Picture expected = PictureDecoder.DEFAULT.read(IMG2IMG.resolve(c.expected()));

        Picture resized = source.resized(c.width(), c.height());

        assertThat(resized.width()).isEqualTo(c.width());
        assertThat(resized.height()).isEqualTo(c.height());
        assertThat(resized.rgb()).isEqualTo(expected.rgb());
    }

    @Test
    void resize_toTheSameSize_keepsEveryPixel() {
        byte[] rgb = new byte[5 * 4 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 37);
        }
        assertThat(LanczosResampler.resize(rgb, 5, 4, 5, 4)).isEqualTo(rgb).isNotSameAs(rgb);
    }

    @Test
    void kernel_isTheTruncatedSincOfSupportThree() {
        assertThat(LanczosResampler.lanczos(0)).isEqualTo(1.0);
        assertThat(LanczosResampler.lanczos(3.0)).isZero();
        assertThat(LanczosResampler.lanczos(-3.0)).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(LanczosResampler.lanczos(1.5)).isCloseTo(Math.sin(1.5 * Math.PI) / (1.5 * Math.PI)
                * Math.sin(0.5 * Math.PI) / (0.5 * Math.PI), org.assertj.core.data.Offset.offset(1e-15));
    }
}
