package dev.imagine.pipeline;

import dev.imagine.pipeline.image.ExifOrientation;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns an untrusted file into a {@link Picture}, safely: only PNG, JPEG and WebP, recognised by their content (never
 * the name); the byte limit is checked before reading and the pixel limit from the header before any pixel is
 * decoded (a 100 KB PNG that claims 50,000 x 50,000 pixels is refused without allocating them); the EXIF
 * orientation is applied (JPEG, WebP, PNG eXIf); greyscale becomes RGB and transparency is flattened onto white
 * (AUTOMATIC1111's default background for image to image). Every refusal is a {@link PictureRejectedException} whose
 * message says what is accepted.
 *
 * @param maxBytes  the largest file accepted
 * @param maxPixels the most pixels (width x height) accepted
 * @param maxSide   the longest side accepted, in pixels
 */
public record PictureDecoder(long maxBytes, long maxPixels, int maxSide) {
    /** 20 MB, 40 megapixels (a 7,700 x 5,200 photo), 16,384 pixels a side. */
    public static final PictureDecoder DEFAULT = new PictureDecoder(20L * 1000 * 1000, 40_000_000L, 16_384);

    private enum Format {
        PNG("png"), JPEG("jpeg"), WEBP("webp");

        final String imageIoName;

        Format(String imageIoName) {
            this.imageIoName = imageIoName;
        }
    }

    public PictureDecoder {
        if (maxBytes < 1 || maxPixels < 1 || maxSide < 1) {
            throw new PipelineException("picture limits must be positive, got " + maxBytes + " bytes, " + maxPixels
                    + " pixels, " + maxSide + " a side");
        }
    }

    /** What this decoder accepts, as said in every refusal. */
    public String accepted() {
        return "Imagine accepts PNG, JPEG and WebP pictures up to " + megabytes(maxBytes) + " and "
                + megapixels(maxPixels) + " (at most " + maxSide + " pixels a side)";
    }

    /** Reads and decodes a file; a file larger than the limit is refused before it is read. */
    public Picture read(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new PictureRejectedException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (size > maxBytes) {
            throw tooLarge(size);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return decode(in);
        } catch (IOException e) {
            throw new PictureRejectedException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A mask file's bytes, read as a picture file is: the size checked first, never more than the limit read. */
    private byte[] readFile(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new PictureRejectedException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (size > maxBytes) {
            throw tooLarge(size);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(bytes.length);
            }
            return bytes;
        } catch (IOException e) {
            throw new PictureRejectedException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads at most {@code maxBytes + 1} bytes from {@code in} (never more), then decodes them. */
    public Picture decode(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw new PictureRejectedException("the file is larger than " + megabytes(maxBytes) + "; " + accepted()
                    + ". Save a smaller version (for example as JPEG) and send that.");
        }
        return decode(bytes);
    }

    public Picture decode(byte[] bytes) {
        return decode(bytes, false);
    }

    /**
     * Reads and decodes a mask file (white = redraw, black = keep) with the same limits and checks as a picture. A
     * mask with transparency is read as AUTOMATIC1111 reads the masks its brush paints: its alpha is the mask (the
     * opaque part is redrawn, whatever its colour); an opaque mask keeps its colours, made grey later
     * ({@link Mask#of}). The result is RGB, each channel the alpha for a transparent mask.
     */
    public Picture readMask(Path file) {
        return decode(readFile(file), true);
    }

    /** {@link #readMask} of bytes already read. */
    public Picture decodeMask(byte[] bytes) {
        return decode(bytes, true);
    }

    private Picture decode(byte[] bytes, boolean mask) {
        if (bytes.length == 0) {
            throw new PictureRejectedException("the file is empty; " + accepted() + ".");
        }
        if (bytes.length > maxBytes) {
            throw tooLarge(bytes.length);
        }
        Format format = sniff(bytes);
        ImageReader reader = readerFor(format);
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream stream = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(stream, true, true);
            int width;
            int height;
            try {
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw damaged(format, e);
            }
            checkPixels(width, height);
            reader.addIIOReadWarningListener((IIOReadWarningListener) (source, warning) -> warnings.add(warning));
            BufferedImage image;
            try {
                image = reader.read(0);
            } catch (IOException | RuntimeException e) {
                throw damaged(format, e);
            }
            if (!warnings.isEmpty()) {
                // The JDK's JPEG reader only warns about a file cut short, and fills the rest with grey.
                throw new PictureRejectedException("this " + format.name() + " file is damaged or incomplete ("
                        + warnings.get(0) + "); " + accepted() + ". Send the whole file again.");
            }
            if (image.getWidth() != width || image.getHeight() != height) {
                throw damaged(format, null);
            }
            byte[] rgb = mask ? MaskPixels.of(image) : toFlatRgb(image);
            int orientation = switch (format) {
                case JPEG -> ExifOrientation.ofJpeg(bytes);
                case WEBP -> ExifOrientation.ofWebp(bytes);
                case PNG -> ExifOrientation.ofPng(bytes);
            };
            byte[] oriented = ExifOrientation.apply(rgb, width, height, orientation);
            boolean swap = ExifOrientation.swapsSides(orientation);
            return Picture.ofRgb(oriented, swap ? height : width, swap ? width : height);
        } catch (IOException e) {
            throw damaged(format, e);
        } finally {
            reader.dispose();
        }
    }

    private void checkPixels(int width, int height) {
        if (width < 1 || height < 1) {
            throw new PictureRejectedException("the picture says it is " + width + "x" + height + " pixels, which is "
                    + "not a picture; " + accepted() + ".");
        }
        if (width > maxSide || height > maxSide || (long) width * height > maxPixels) {
            throw new PictureRejectedException("the picture is " + width + "x" + height + " pixels ("
                    + megapixels((long) width * height) + "); " + accepted() + ". Send a smaller version.");
        }
    }

    private static ImageReader readerFor(Format format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName);
        if (!readers.hasNext()) {
            ImageIO.scanForPlugins(); // a plugin on the class path after ImageIO's first use
            readers = ImageIO.getImageReadersByFormatName(format.imageIoName);
        }
        if (!readers.hasNext()) {
            throw new PipelineException("no ImageIO reader for " + format + " on the class path");
        }
        return readers.next();
    }

    private Format sniff(byte[] b) {
        if (startsWith(b, 0, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})) {
            return Format.PNG;
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return Format.JPEG;
        }
        if (startsWith(b, 0, ascii("RIFF")) && startsWith(b, 8, ascii("WEBP"))) {
            return Format.WEBP;
        }
        String kind = otherKind(b);
        throw new PictureRejectedException((kind == null ? "this file is not a picture Imagine can read"
                : "this file is " + kind + ", which is not accepted") + "; " + accepted() + ".");
    }

    private static String otherKind(byte[] b) {
        if (startsWith(b, 0, ascii("GIF87a")) || startsWith(b, 0, ascii("GIF89a"))) {
            return "a GIF";
        }
        if (startsWith(b, 0, ascii("BM"))) {
            return "a BMP picture";
        }
        if (startsWith(b, 0, ascii("II*\0")) || startsWith(b, 0, ascii("MM\0*"))) {
            return "a TIFF picture";
        }
        if (startsWith(b, 4, ascii("ftyp"))) {
            String brand = new String(b, 8, Math.min(4, Math.max(0, b.length - 8)), StandardCharsets.US_ASCII);
            return brand.startsWith("avi") ? "an AVIF picture" : brand.startsWith("hei") || brand.startsWith("mif")
                    ? "a HEIC picture" : "a video or HEIF file";
        }
        String head = new String(b, 0, Math.min(b.length, 1024), StandardCharsets.ISO_8859_1)
                .toLowerCase(Locale.ROOT);
        if (head.contains("<svg")) {
            return "an SVG drawing";
        }
        if (head.stripLeading().startsWith("<")) {
            return "an XML or HTML document";
        }
        return null;
    }

    /**
     * 8-bit RGB with alpha flattened onto white: {@code round((c * a + 255 * (255 - a)) / 255)}. Grey pictures
     * are read from their samples: {@code getRGB} would treat the grey as linear light and brighten it.
     */
    static byte[] toFlatRgb(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] rgb = new byte[width * height * 3];
        boolean grey = image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && !(image.getColorModel() instanceof IndexColorModel);
        if (grey) {
            Raster raster = image.getRaster();
            int bits = image.getColorModel().getComponentSize(0);
            int max = (1 << bits) - 1;
            boolean alpha = raster.getNumBands() > 1;
            int alphaMax = alpha ? (1 << image.getColorModel().getComponentSize(1)) - 1 : 1;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int g = scale(raster.getSample(x, y, 0), max);
                    int a = alpha ? scale(raster.getSample(x, y, 1), alphaMax) : 255;
                    int v = flatten(g, a);
                    int o = (y * width + x) * 3;
                    rgb[o] = (byte) v;
                    rgb[o + 1] = (byte) v;
                    rgb[o + 2] = (byte) v;
                }
            }
            return rgb;
        }
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int argb = row[x];
                int a = argb >>> 24;
                int o = (y * width + x) * 3;
                rgb[o] = (byte) flatten((argb >> 16) & 0xff, a);
                rgb[o + 1] = (byte) flatten((argb >> 8) & 0xff, a);
                rgb[o + 2] = (byte) flatten(argb & 0xff, a);
            }
        }
        return rgb;
    }

    private static int scale(int sample, int max) {
        return max == 255 ? sample : (int) ((sample * 255L + max / 2) / max);
    }

    static int flatten(int channel, int alpha) {
        return alpha == 255 ? channel : (channel * alpha + 255 * (255 - alpha) + 127) / 255;
    }

    private PictureRejectedException tooLarge(long size) {
        return new PictureRejectedException("the file is " + megabytes(size) + "; " + accepted()
                + ". Save a smaller version (for example as JPEG) and send that.");
    }

    private PictureRejectedException damaged(Format format, Exception cause) {
        String detail = cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")";
        return new PictureRejectedException("this " + format.name() + " file is damaged or incomplete" + detail + "; "
                + accepted() + ". Send the whole file again.", cause);
    }

    private static String megabytes(long bytes) {
        return bytes >= 1_000_000 ? String.format(Locale.ROOT, "%.1f MB", bytes / 1e6).replace(".0 MB", " MB")
                : String.format(Locale.ROOT, "%d KB", (bytes + 999) / 1000);
    }

    private static String megapixels(long pixels) {
        return String.format(Locale.ROOT, "%.1f megapixels", pixels / 1e6).replace(".0 megapixels", " megapixels");
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean startsWith(byte[] b, int offset, byte[] prefix) {
        if (b.length < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
