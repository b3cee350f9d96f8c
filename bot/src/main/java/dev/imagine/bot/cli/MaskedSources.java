package dev.imagine.bot.cli;

import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.Mask;
import dev.imagine.pipeline.Outpaint;
import dev.imagine.pipeline.Picture;
import dev.imagine.pipeline.PictureDecoder;
import dev.imagine.pipeline.PipelineException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * {@code generate --image FILE --mask MASK.png} and {@code generate --image FILE --outpaint MODE}: the mask read and
 * checked before the model loads, then fitted to the source as the model draws it; the zoom-out or pan canvas.
 */
final class MaskedSources {
    private MaskedSources() {
    }

    /**
     * Reads the mask file through the safe decoder and refuses a black one at once (nothing to redraw), before the
     * model is loaded.
     */
    static Picture readMask(Path file) {
        Picture mask = PictureDecoder.DEFAULT.readMask(file);
        if (Mask.of(mask).redrawsNothing()) {
            throw new PipelineException("the mask " + file + " is black everywhere (no pixel reaches grey 128), so "
                    + "there is nothing to redraw: paint white where the picture should change");
        }
        return mask;
    }

    /** The inpainting request: the mask fitted to the drawn source; an all-white mask is image to image, said so. */
    static GenerationRequest inpaint(GenerationRequest request, Picture original, Picture source, Picture maskPicture,
                                     Integer maskBlur, Double strength, PrintWriter err) {
        Mask mask = Mask.fit(maskPicture, original, source.width(), source.height());
        double chosen = strength == null ? GenerationRequest.DEFAULT_INPAINT_STRENGTH : strength;
        GenerationRequest masked = request.withMask(source, mask, maskBlur == null
                ? GenerationRequest.DEFAULT_MASK_BLUR : maskBlur, chosen);
        if (!masked.isInpainting()) {
            err.printf("the mask is white everywhere: the whole picture is redrawn, as image to image at strength"
                    + " %s%n", chosen);
        } else if (masked.denoisingSteps() < masked.steps()) {
            err.printf("strength %s runs the last %d of %d steps (as diffusers' inpaint pipeline)%n", chosen,
                    masked.denoisingSteps(), masked.steps());
        }
        return masked;
    }

    /** The zoom-out or pan request on the canvas made from the drawn source. */
    static GenerationRequest outpaint(GenerationRequest request, Picture source, Outpaint.Mode mode,
                                      ImageGenerator generator, Integer maskBlur, Double strength, PrintWriter err) {
        Outpaint.Canvas canvas = Outpaint.prepare(source, mode, generator.sizeStep(), GenerationRequest.MAX_SIZE);
        Outpaint done = canvas.outpaint();
        err.printf("%s: the %dx%d picture on a %dx%d canvas, new area %s%n", mode.label(), source.width(),
                source.height(), canvas.picture().width(), canvas.picture().height(), done.paddingText());
        return request.withOutpaint(canvas, strength == null ? GenerationRequest.DEFAULT_OUTPAINT_STRENGTH : strength,
                maskBlur == null ? GenerationRequest.OUTPAINT_MASK_BLUR : maskBlur);
    }
}
