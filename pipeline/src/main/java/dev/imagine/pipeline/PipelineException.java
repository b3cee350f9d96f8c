package dev.imagine.pipeline;

/**
 * The one exception the pipeline throws: bad input, a broken or incomplete model folder, or a failure inside
 * ONNX Runtime. Its message is written for the person who can fix it: it names the value or file and what
 * would be accepted.
 */
public class PipelineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PipelineException(String message) {
        super(message);
    }

    public PipelineException(String message, Throwable cause) {
        super(message, cause);
    }
}
