package dev.imagine.pipeline;

import dev.imagine.pipeline.model.JsonFiles;
import dev.imagine.pipeline.model.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Which picture sizes a model folder can draw, from its configuration. */
final class ModelSizes {
    private ModelSizes() {
    }

    /**
     * The VAE's scale factor times 2 per UNet down-sampling block: {@code unet/config.json} lists
     * {@code block_out_channels}, and every block but the last halves the latent (SD 1.5: 4 blocks, 8 * 8 = 64).
     */
    static int sizeStep(ModelFolder folder) {
        Path config = folder.root().resolve("unet/config.json");
        int downsamplings = 3;
        if (Files.isRegularFile(config)) {
            Map<String, Object> json = JsonFiles.readObject(config);
            if (json.get("block_out_channels") instanceof List<?> blocks && !blocks.isEmpty()) {
                downsamplings = blocks.size() - 1;
            }
        }
        return folder.vaeScaleFactor() << downsamplings;
    }

    /**
     * The size diffusers' image processor would give a picture (each side rounded down to a multiple of 8), rounded
     * further down to {@code step}, then fitted into [min, max] keeping the proportions as far as the step allows.
     *
     * @return {width, height}
     */
    static int[] fit(int width, int height, int step, int min, int max) {
        double scale = 1.0;
        if (Math.max(width, height) > max) {
            scale = (double) max / Math.max(width, height);
        }
        if (Math.min(width, height) * scale < min) {
            scale = (double) min / Math.min(width, height);
        }
        int w = clampToStep((int) Math.floor(width * scale + 1e-9), step, min, max);
        int h = clampToStep((int) Math.floor(height * scale + 1e-9), step, min, max);
        return new int[] {w, h};
    }

    private static int clampToStep(int value, int step, int min, int max) {
        int rounded = value / step * step;
        int lowest = (min + step - 1) / step * step;
        int highest = max / step * step;
        return Math.min(Math.max(rounded, lowest), highest);
    }
}
