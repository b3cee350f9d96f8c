/**
 * Imagine's pipeline: text to image with the LCM Stable Diffusion 1.5 pipeline on ONNX Runtime, and the model files
 * it reads (download from a Hugging Face–style hub, verification). The package {@code dev.imagine.pipeline} is the
 * whole API; the subpackages are how it is done and may change at any time.
 */
@SuppressWarnings("requires-automatic") // ONNX Runtime, DJL and protobuf-java ship no module descriptor of their own
module dev.imagine.pipeline {
    requires com.fasterxml.jackson.databind;
    // ImageIO and AWT rasters: pictures given as input (PictureDecoder) and the classifier reading PNGs (PngPixels).
    requires java.desktop;
    requires com.microsoft.onnxruntime;
    requires ai.djl.tokenizers;
    requires org.slf4j;
    // Reading and writing ONNX graphs: the int8 UNet is quantized on the user's machine (dev.imagine.pipeline.graph).
    requires com.google.protobuf;

    exports dev.imagine.pipeline;

    // Jackson binds the configuration files, hub answers and manifests to the records of these packages.
    opens dev.imagine.pipeline.model to com.fasterxml.jackson.databind;
    opens dev.imagine.pipeline.tokenizer to com.fasterxml.jackson.databind;
}
