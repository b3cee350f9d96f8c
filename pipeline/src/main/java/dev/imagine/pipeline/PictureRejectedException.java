package dev.imagine.pipeline;

/**
 * A picture given as input was refused: not a PNG, JPEG or WebP, too large, empty, damaged. The message says why
 * and what is accepted, in words for the person who sent the file.
 */
public final class PictureRejectedException extends PipelineException {
    private static final long serialVersionUID = 1L;

    public PictureRejectedException(String message) {
        super(message);
    }

    public PictureRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
