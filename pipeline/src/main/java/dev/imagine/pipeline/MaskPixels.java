package dev.imagine.pipeline;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * The pixels of a decoded mask file ({@link PictureDecoder#decodeMask}): masks with transparency are read by their
 * alpha, as AUTOMATIC1111 reads the masks its brush paints (what was painted is opaque, whatever its colour);
 * opaque masks by their colours, made grey later ({@link Mask#of}).
 */
final class MaskPixels {
    private MaskPixels() {
    }

    /**
     * A mask's pixels: when any pixel is less than opaque, the alpha in all three channels (A1111's rule for masks
     * with transparency); otherwise the picture's own colours, as {@link PictureDecoder#toFlatRgb} reads them.
     */
    static byte[] of(BufferedImage image) {
        if (!image.getColorModel().hasAlpha()) {
            return PictureDecoder.toFlatRgb(image);
        }
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] alpha = new byte[width * height];
        boolean transparent = false;
        Raster raster = image.getAlphaRaster();
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            if (raster != null) {
                int bits = image.getColorModel().getComponentSize(image.getColorModel().getNumComponents() - 1);
                raster.getSamples(0, y, width, 1, 0, row);
                int max = (1 << bits) - 1;
                for (int x = 0; x < width; x++) {
                    row[x] = max == 255 ? row[x] : (int) ((row[x] * 255L + max / 2) / max);
                }
            } else {
                image.getRGB(0, y, width, 1, row, 0, width);
                for (int x = 0; x < width; x++) {
                    row[x] = row[x] >>> 24;
                }
            }
            for (int x = 0; x < width; x++) {
                alpha[y * width + x] = (byte) row[x];
                transparent |= row[x] != 255;
            }
        }
        if (!transparent) {
            return PictureDecoder.toFlatRgb(image);
        }
        byte[] rgb = new byte[width * height * 3];
        for (int p = 0; p < alpha.length; p++) {
            rgb[p * 3] = alpha[p];
            rgb[p * 3 + 1] = alpha[p];
            rgb[p * 3 + 2] = alpha[p];
        }
        return rgb;
    }
}
