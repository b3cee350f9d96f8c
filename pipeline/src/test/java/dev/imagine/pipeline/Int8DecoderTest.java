package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.graph.QuantizationScheme;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The int8 full VAE decoder ({@code model.decoder-precision: int8}) on the tiny test model: made in Java from the
 * float32 decoder, kept beside it and loaded again, within the PSNR measured against the float32 decoder on the same
 * latents, and said in the picture's words; TAESD and the UNet stay as they were.
 */
class Int8DecoderTest {
    private static final PipelineOptions INT8_DECODER = new PipelineOptions(2).withDecoderPrecision(Precision.INT8);

    @TempDir
    Path dir;

    private static GenerationRequest request(long seed) {
        return new GenerationRequest("a lighthouse at dusk", seed, 4, 8f, 256, 256, 1);
    }

    @Test
    void int8Decoder_staysWithinThePsnrMeasuredAgainstTheFp32Decoder_onTheSameLatents() throws IOException {
        Path model = Int8UnetTest.copyOfTiny(dir);

        DecoderQuantizationTrial trial = DecoderQuantizationTrial.run(model, new PipelineOptions(2), request(0), 2, 1,
                null);

        // Measured on this model (Zen 3, 7-bit weights): 51.0 and 51.2 dB. Quantizing every convolution gives 41.5
        // and 41.8 dB, all but the upsamplers 44.4 and 44.6 dB; 8-bit weights on a CPU without VNNI, whose kernels
        // saturate, 29.4 dB.
        assertThat(trial.scheme()).endsWith("exclude=" + QuantizationScheme.DECODER_SENSITIVE_CONVS);
        assertThat(trial.psnr()).hasSize(2).allSatisfy(psnr -> assertThat(psnr).isGreaterThan(47.0).isFinite());
        assertThat(trial.int8Rgb()).as("the int8 decoder ran").isNotEqualTo(trial.fp32Rgb());
    }

    @Test
    void firstStart_preparesTheDecoderCopyBesideTheModel_theNextStartLoadsIt_andThePictureSaysSo() throws IOException {
        Path model = Int8UnetTest.copyOfTiny(dir);
        byte[] first;
        try (ImageGenerator generator = ImageGenerator.open(model, INT8_DECODER)) {
            assertThat(generator.decoderPrecision()).isEqualTo(Precision.INT8);
            first = generator.generate(request(42)).images().get(0).png();
        }
        List<Path> decoders = Int8UnetTest.int8Copies(model, "vae_decoder");
        assertThat(decoders).hasSize(1);
        Path complete = decoders.get(0).resolve("complete");
        assertThat(Files.readString(complete)).contains("scheme=conv,matmul=none")
                .contains("exclude=" + QuantizationScheme.DECODER_SENSITIVE_CONVS).contains("seconds=");
        FileTime prepared = Files.getLastModifiedTime(complete);
        assertThat(Int8UnetTest.int8Copies(model, "unet")).as("the UNet stays fp32").isEmpty();
        assertThat(PngParameters.read(first).orElseThrow()).contains("VAE decoder precision: int8")
                .doesNotContain("UNet precision");

        try (ImageGenerator generator = ImageGenerator.open(model, INT8_DECODER)) {
            assertThat(generator.generate(request(42)).images().get(0).png()).isEqualTo(first);
        }
        assertThat(Int8UnetTest.int8Copies(model, "vae_decoder")).containsExactly(decoders.get(0));
        assertThat(Files.getLastModifiedTime(complete)).isEqualTo(prepared);

        try (ImageGenerator fp32 = ImageGenerator.open(model, new PipelineOptions(2))) {
            byte[] reference = fp32.generate(request(42)).images().get(0).png();
            assertThat(PngParameters.withoutText(reference)).isNotEqualTo(PngParameters.withoutText(first));
            assertThat(PngParameters.read(reference).orElseThrow()).doesNotContain("VAE decoder precision");
        }
    }

    @Test
    void theFastDecoder_drawsTheSamePicture_whateverTheFullDecodersPrecision() throws IOException {
        Path model = Int8UnetTest.copyOfTiny(dir);
        GenerationRequest fast = request(7).withDecoder(GenerationRequest.Decoder.FAST);
        byte[] withFp32;
        try (ImageGenerator generator = ImageGenerator.open(model,
                new PipelineOptions(2).withFastDecoder(FastDecoderReferenceTest.TINY_TAESD))) {
            withFp32 = generator.generate(fast).images().get(0).png();
        }

        try (ImageGenerator generator = ImageGenerator.open(model,
                INT8_DECODER.withFastDecoder(FastDecoderReferenceTest.TINY_TAESD))) {
            assertThat(generator.generate(fast).images().get(0).png()).isEqualTo(withFp32);
        }
        assertThat(PngParameters.read(withFp32).orElseThrow()).doesNotContain("VAE decoder precision");
    }

    @Test
    void fp32_staysTheDefaultDecoder_andWritesNoDecoderCopy() throws IOException {
        Path model = Int8UnetTest.copyOfTiny(dir);

        try (ImageGenerator generator = ImageGenerator.open(model, new PipelineOptions(1))) {
            assertThat(generator.decoderPrecision()).isEqualTo(Precision.FP32);
            generator.generate(new GenerationRequest("a boat", 3, 1, 8f, 256, 256, 1));
        }

        assertThat(new PipelineOptions(1).decoderPrecision()).isEqualTo(Precision.FP32);
        assertThat(Int8UnetTest.int8Copies(model, "vae_decoder")).isEmpty();
    }
}
