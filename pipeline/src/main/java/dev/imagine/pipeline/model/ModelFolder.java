package dev.imagine.pipeline.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.scheduler.LcmSchedulerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A model folder in the optimum ONNX layout (what {@code optimum-cli export onnx} writes for an SD 1.5 / LCM
 * pipeline). Everything the pipeline needs to know about the model is read here from the folder's own
 * configuration files, never assumed.
 *
 * @param root              the folder
 * @param scalingFactor     {@code vae.config.scaling_factor}: latents are divided by it before decoding
 * @param vaeScaleFactor    2^(number of VAE blocks - 1): image pixels per latent pixel (8 for SD 1.5)
 * @param latentChannels    channels of the UNet sample
 * @param timeCondProjDim   length of the guidance embedding, or 0 when the UNet config has none
 * @param defaultImageSize  {@code unet.sample_size * vaeScaleFactor}, diffusers' default height and width
 */
public record ModelFolder(Path root, LcmSchedulerConfig scheduler, float scalingFactor, int vaeScaleFactor,
                          int latentChannels, int timeCondProjDim, int defaultImageSize) {

    public static final String TEXT_ENCODER = "text_encoder/model.onnx";
    public static final String UNET = "unet/model.onnx";
    public static final String VAE_DECODER = "vae_decoder/model.onnx";
    public static final String VAE_ENCODER = "vae_encoder/model.onnx";
    public static final String TOKENIZER = "tokenizer";
    public static final String SCHEDULER_CONFIG = "scheduler/scheduler_config.json";

    /** Checks the layout and reads the configuration; the error lists every missing file at once. */
    public static ModelFolder open(Path root) {
        Path folder = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(folder)) {
            throw new PipelineException("model folder " + folder + " does not exist");
        }
        List<String> missing = new ArrayList<>();
        for (String required : List.of(TEXT_ENCODER, UNET, VAE_DECODER, SCHEDULER_CONFIG,
                "unet/config.json", "vae_decoder/config.json")) {
            if (!Files.isRegularFile(folder.resolve(required))) {
                missing.add(required);
            }
        }
        Path tokenizer = folder.resolve(TOKENIZER);
        boolean hasTokenizer = Files.isRegularFile(tokenizer.resolve("tokenizer.json"))
                || (Files.isRegularFile(tokenizer.resolve("vocab.json"))
                && Files.isRegularFile(tokenizer.resolve("merges.txt")));
        if (!hasTokenizer) {
            missing.add("tokenizer/vocab.json + tokenizer/merges.txt (or tokenizer/tokenizer.json)");
        }
        if (!missing.isEmpty()) {
            throw new PipelineException("model folder " + folder + " is incomplete: missing " + String.join(", ", missing)
                    + ". Expected the optimum ONNX layout (text_encoder/, unet/, vae_decoder/, tokenizer/, scheduler/).");
        }

        LcmSchedulerConfig scheduler = SchedulerConfigFile.read(folder.resolve(SCHEDULER_CONFIG));
        UnetConfig unetConfig = JsonFiles.read(folder.resolve("unet/config.json"), UnetConfig.class);
        Path vaeConfigFile = folder.resolve("vae_decoder/config.json");
        VaeConfig vaeConfig = VaeConfig.read(vaeConfigFile);
        double scaling = vaeConfig.scalingFactorOr(0.18215, vaeConfigFile);
        int vaeScaleFactor = vaeConfig.scaleFactor();
        int latentChannels = unetConfig.inChannels() == null ? 4 : unetConfig.inChannels();
        int timeCondProjDim = unetConfig.timeCondProjDim() == null ? 0 : unetConfig.timeCondProjDim();
        int sampleSize = unetConfig.sampleSize() == null ? 64 : unetConfig.sampleSize();
        return new ModelFolder(folder, scheduler, (float) scaling, vaeScaleFactor, latentChannels, timeCondProjDim,
                sampleSize * vaeScaleFactor);
    }

    /** What the pipeline reads from {@code unet/config.json}: null where the key is absent. */
    record UnetConfig(@JsonProperty("in_channels") Integer inChannels,
                      @JsonProperty("time_cond_proj_dim") Integer timeCondProjDim,
                      @JsonProperty("sample_size") Integer sampleSize) {
    }

    public Path textEncoder() {
        return root.resolve(TEXT_ENCODER);
    }

    public Path unet() {
        return root.resolve(UNET);
    }

    public Path vaeDecoder() {
        return root.resolve(VAE_DECODER);
    }

    public Optional<Path> vaeEncoder() {
        Path path = root.resolve(VAE_ENCODER);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    public Path tokenizer() {
        return root.resolve(TOKENIZER);
    }

    /** A short name for the model, for PNG parameters and logs: the folder name. */
    public String name() {
        Path name = root.getFileName();
        return name == null ? root.toString() : name.toString();
    }
}
