package dev.imagine.bot.job;

import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * The blurred copy that stands in for a flagged picture under the blur policy: shrunk to a few dozen pixels a side
 * (each an average of the pixels it covers) and stretched back smoothly, so shapes and colours remain and nothing
 * more. Deterministic: the same picture always blurs to the same bytes.
 */
final class PictureBlur {
    /** The blurred picture's detail: its longer side in pixels before it is stretched back. */
    static final int DETAIL = 16;

    private PictureBlur() {
    }

    static byte[] blur(byte[] png) {
        try {
            BufferedImage source = ImageIO.read(new ByteArrayInputStream(png));
            if (source == null) {
                throw new IllegalArgumentException("not a picture ImageIO can read");
            }
            int w = source.getWidth();
            int h = source.getHeight();
            double scale = (double) DETAIL / Math.max(w, h);
            int sw = Math.max(1, (int) Math.round(w * scale));
            int sh = Math.max(1, (int) Math.round(h * scale));
            BufferedImage small = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
            Graphics2D down = small.createGraphics();
            down.drawImage(source.getScaledInstance(sw, sh, Image.SCALE_AREA_AVERAGING), 0, 0, null);
            down.dispose();
            BufferedImage blurred = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D up = blurred.createGraphics();
            up.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            up.drawImage(small, 0, 0, w, h, null);
            up.dispose();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(blurred, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot blur a picture", e);
        }
    }
}
