package dev.imagine.pipeline.safety;

import dev.imagine.pipeline.PipelineException;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * A PNG's pixels as interleaved 8-bit RGB, the values Pillow gives for the same file: 8-bit samples are taken as
 * they are (not through Java's colour management, which would change grey levels), grey is repeated in the three
 * channels, alpha is dropped, 16-bit samples keep their high byte, palettes are looked up.
 */
record PngPixels(byte[] rgb, int width, int height) {

    static PngPixels decode(byte[] png) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException | RuntimeException e) {
            throw new PipelineException("the picture is not a readable PNG: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new PipelineException("the picture is not a PNG (or any format Java can read)");
        }
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] rgb = new byte[width * height * 3];
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        int bits = raster.getSampleModel().getSampleSize(0);
        if (image.getColorModel() instanceof IndexColorModel || (bits != 8 && bits != 16)) {
            int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
            for (int p = 0; p < argb.length; p++) {
                rgb[p * 3] = (byte) (argb[p] >> 16);
                rgb[p * 3 + 1] = (byte) (argb[p] >> 8);
                rgb[p * 3 + 2] = (byte) argb[p];
            }
            return new PngPixels(rgb, width, height);
        }
        int shift = bits - 8;
        boolean grey = bands <= 2;
        int[] row = new int[width * bands];
        for (int y = 0; y < height; y++) {
            raster.getPixels(0, y, width, 1, row);
            for (int x = 0; x < width; x++) {
                int o = (y * width + x) * 3;
                for (int c = 0; c < 3; c++) {
                    rgb[o + c] = (byte) (row[x * bands + (grey ? 0 : c)] >> shift);
                }
            }
        }
        return new PngPixels(rgb, width, height);
    }
}
