package dev.imagine.pipeline;

/** One finished picture: a PNG whose {@code parameters} text chunk says how to make it again. */
public record GeneratedImage(long seed, int width, int height, byte[] png) {
    public GeneratedImage {
        png = png.clone();
    }

    @Override
    public byte[] png() {
        return png.clone();
    }

    /** The PNG without a defensive copy, for writing it out. */
    public void writeTo(java.io.OutputStream out) throws java.io.IOException {
        out.write(png);
    }
}
