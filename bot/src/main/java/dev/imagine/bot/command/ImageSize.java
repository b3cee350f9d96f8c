package dev.imagine.bot.command;

/** Width and height in pixels. */
public record ImageSize(int width, int height) {
    public static final ImageSize SQUARE_512 = new ImageSize(512, 512);

    /** Parses "512x768" (also "512×768" and "512*768"); the message says what the right form is. */
    public static ImageSize parse(String text) {
        String[] parts = text.trim().toLowerCase(java.util.Locale.ROOT).split("[x×*]");
        if (parts.length != 2) {
            throw new IllegalArgumentException("size '" + text + "' is not WIDTHxHEIGHT, for example 512x768");
        }
        try {
            return new ImageSize(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is not WIDTHxHEIGHT, for example 512x768");
        }
    }

    public long pixels() {
        return (long) width * height;
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
