package dev.imagine.pipeline;

import static dev.imagine.testing.Generated.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.image.GenerationParameters;
import dev.imagine.pipeline.image.PngEncoder;
import dev.imagine.testing.Generated;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * The parameters text of a PNG, read back to replay a picture, generated: 10,000 inputs per property. Damaged files
 * and hostile text chunks (cut short, without their separators, compressed text that expands without end) give the
 * text or an {@link IllegalArgumentException}, never anything else; the parameter line gives the parameters or an
 * {@link IllegalArgumentException}; and parameters written into a picture read back the same.
 */
class PngParametersFuzzTest {
    private static final int TRIES = 10_000;
    private static final byte[] PIXELS = new byte[6 * 4 * 3];

    private static GenerationParameters parameters(Generated g) {
        Map<String, String> extra = new LinkedHashMap<>();
        if (g.chance(0.3)) {
            extra.put(GenerationParameters.DENOISING_STRENGTH, GenerationParameters.formatStrength(
                    g.intBetween(1, 100) / 100.0));
            extra.put(GenerationParameters.INIT_IMAGE_HASH, g.string(16, 16, "0123456789abcdef"));
        }
        String prompt = String.join("\n", g.list(1, 3, () -> g.weighted(
                Generated.choice(3, () -> g.printable(40, "")),
                Generated.choice(1, () -> PngEncoder.cleanText(g.anyString(30)))))).replace("\nNegative prompt:", "\n");
        return new GenerationParameters(prompt, g.intBetween(1, 8), g.intBetween(10, 200) / 10f,
                g.longBetween(0, 0xFFFF_FFFFL), 8 * g.intBetween(32, 128), 8 * g.intBetween(32, 128),
                g.printable(20, "\n"), g.printable(12, "\n"), g.oneOf(PromptSyntax.values()), extra);
    }

    @Test
    void parameters_writtenIntoAPicture_readBackTheSame() {
        forAll("png parameters round trip", TRIES, PngParametersFuzzTest::parameters, parameters -> {
            byte[] png = PngEncoder.encode(PIXELS, 6, 4, Map.of(PngParameters.KEYWORD, parameters.toText()));

            String text = PngParameters.read(png).orElseThrow();

            assertThat(text).isEqualTo(parameters.toText());
            assertThat(GenerationParameters.parse(text)).isEqualTo(parameters);
        });
    }

    private static byte[] chunk(String type, byte[] data) {
        ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
        chunk.putInt(data.length).put(type.getBytes(StandardCharsets.US_ASCII)).put(data);
        CRC32 crc = new CRC32();
        crc.update(chunk.array(), 4, 4 + data.length);
        chunk.putInt((int) crc.getValue());
        return chunk.array();
    }

    private static byte[] deflated(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        byte[] out = new byte[data.length + 64];
        int n = deflater.deflate(out);
        deflater.end();
        return java.util.Arrays.copyOf(out, n);
    }

    /** A text chunk as an attacker writes it: any of the three kinds, separators missing, lengths wrong. */
    private static byte[] hostileTextChunk(Generated g) {
        String type = g.oneOf("tEXt", "iTXt", "zTXt");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes((g.chance(0.8) ? "parameters" : g.printable(8, "")).getBytes(StandardCharsets.ISO_8859_1));
        if (g.chance(0.9)) {
            data.write(0);
        }
        if (!type.equals("tEXt")) {
            for (int i = g.intBetween(0, 4); i > 0; i--) {
                data.write(g.oneOf(0, 0, 1, 8));
            }
        }
        boolean compress = !type.equals("tEXt") && g.chance(0.5);
        if (compress && g.chance(0.1)) {
            data.writeBytes(LARGE_ZEROS);
        } else {
            byte[] text = g.anyString(40).getBytes(StandardCharsets.UTF_8);
            data.writeBytes(compress ? deflated(text) : text);
        }
        return chunk(type, g.chance(0.2) ? g.mutated(data.toByteArray()) : data.toByteArray());
    }

    /** 2 MB of zeros, compressed to about 2 KB: more than a text may expand to. */
    private static final byte[] LARGE_ZEROS = deflated(new byte[2 << 20]);
    private static final byte[] BOMB = hostileBomb();

    private static byte[] hostileBomb() {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes("parameters".getBytes(StandardCharsets.ISO_8859_1));
        data.write(0);
        data.write(0);
        data.writeBytes(deflated(new byte[16 << 20])); // 16 MB of zeros in about 16 KB
        return chunk("zTXt", data.toByteArray());
    }

    private static byte[] hostilePng(Generated g) {
        byte[] png = PngEncoder.encode(PIXELS, 6, 4, Map.of());
        int afterHeader = 8 + 12 + 13;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterHeader);
        for (int i = g.intBetween(1, 3); i > 0; i--) {
            out.writeBytes(g.chance(0.01) ? BOMB : hostileTextChunk(g));
        }
        out.write(png, afterHeader, png.length - afterHeader);
        byte[] bytes = out.toByteArray();
        return g.chance(0.3) ? g.mutated(bytes) : bytes;
    }

    private record File(byte[] bytes) {
        @Override
        public String toString() {
            return bytes.length + " bytes: " + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 160));
        }
    }

    @Test
    void anyFile_givesItsTextOrAnIllegalArgument_andNothingElse() {
        forAll("png text chunks", TRIES, g -> new File(g.chance(0.9) ? hostilePng(g) : g.bytes(40)), file -> {
            try {
                PngParameters.read(file.bytes()).ifPresent(text -> assertThat(text.length()).isLessThanOrEqualTo(1 << 20));
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        });
    }

    @Test
    void anyParameterText_givesParametersOrAnIllegalArgument_andNothingElse() {
        forAll("parameter line", TRIES, g -> g.weighted(
                Generated.choice(3, () -> new String(g.mutated(parameters(g).toText().getBytes(StandardCharsets.UTF_8)),
                        StandardCharsets.UTF_8)),
                Generated.choice(1, () -> "a fox\n" + String.join(", ", g.list(0, 8, () -> g.oneOf("Steps", "Seed",
                        "CFG scale", "Size", "Model", "Prompt syntax", "x") + ": " + g.oneOf("4", "", "\"", "-1",
                        "99999999999999999999", "512x", "x", "NaN", "1e99", "a1111", "plain", "other", "\"a, b\"",
                        "\\", g.printable(6, ""))))),
                Generated.choice(1, () -> g.anyString(60))), text -> {
            try {
                GenerationParameters.parse(text);
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        });
    }

    @Test
    void textChunksCutShort_orExpandingWithoutEnd_areIllegalArguments() {
        byte[] png = PngEncoder.encode(PIXELS, 6, 4, Map.of());
        int afterHeader = 8 + 12 + 13;
        byte[] keyword = "parameters\0".getBytes(StandardCharsets.ISO_8859_1);
        for (byte[] chunk : new byte[][] {chunk("iTXt", keyword), chunk("zTXt", keyword), BOMB}) {
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            file.write(png, 0, afterHeader);
            file.writeBytes(chunk);
            file.write(png, afterHeader, png.length - afterHeader);

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> PngParameters.read(file.toByteArray()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PNG");
        }
    }
}
