package dev.imagine.bot.job;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.JobSource;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.Outpaint;
import dev.imagine.pipeline.Picture;
import dev.imagine.pipeline.PipelineException;
import java.util.Optional;

/**
 * Zoom out 1.5x and 2x and the four pans under a picture: its first picture, the same prompt, seed, steps, guidance
 * and decoder, the canvas planned by the pipeline's {@link Outpaint#plan} (so the job's size, its cost in the queue
 * and the reply are known before a pixel is touched) within the requester's largest side, and the new area drawn
 * at {@link GenerationRequest#DEFAULT_OUTPAINT_STRENGTH} ({@link Drawing} makes the canvas when the job is drawn).
 */
record OutpaintRequests(PictureRequests pictures) {
    /** The fewest steps a zoom or pan runs with, so that its strength runs at least one. */
    static final int MIN_STEPS = 2;

    Reply outpaint(Command.Outpaint command, String origin) {
        Optional<Job> earlier = pictures.queries().job(command.jobId());
        if (earlier.isEmpty()) {
            return PictureRequests.notFound();
        }
        Optional<Reply.Refused> channel = pictures.preferences().channelRefusal(command.requester());
        if (channel.isPresent()) {
            return channel.get();
        }
        if (!pictures.generator().supportsImageToImage()) {
            return new Reply.Refused(ReplyTexts.NO_IMAGE_TO_IMAGE, Reply.Refused.Reason.NOT_AVAILABLE);
        }
        Optional<Picture> picture = pictures.pictureOf(earlier.get(), 0);
        if (picture.isEmpty()) {
            return PictureRequests.noPicture(earlier.get());
        }
        Outpaint.Mode mode = Outpaint.Mode.parse(command.mode().label());
        int largest = Math.min(pictures.preferences().limitsFor(command.requester()).maxSide(),
                GenerationRequest.MAX_SIZE);
        Outpaint.Plan plan;
        try {
            plan = Outpaint.plan(picture.get().width(), picture.get().height(), mode,
                    pictures.generator().sizeStep(), largest);
        } catch (PipelineException e) {
            return new Reply.Refused("I can't zoom out or pan that picture: " + e.getMessage()
                    + ". Zoom out or pan a smaller one (the picture it was upscaled from).");
        }
        JobParameters was = earlier.get().parameters();
        JobSource source = new JobSource(JobSource.Kind.OUTPAINT, pictures.sources().keep(picture.get()),
                GenerationRequest.DEFAULT_OUTPAINT_STRENGTH, null, command.mode().label());
        // Strength 0.8 runs int(steps x 0.8) steps: a 1-step picture is zoomed or panned with 2, which run one.
        JobParameters drawn = new JobParameters(was.prompt(), was.seed(), Math.max(was.steps(), MIN_STEPS),
                new ImageSize(plan.width(), plan.height()), was.guidance(), 1, was.decoder(), was.promptSyntax(),
                source);
        return pictures.checkedAndSubmitted(command.requester(), drawn, origin, earlier.get().id());
    }

    /**
     * The canvas a zoom-out or pan job is drawn on. The largest side given to the pipeline is the planned canvas's
     * longest side, which places the picture exactly as the plan did (a pan that reached the limit stays at it).
     */
    static Outpaint.Canvas canvasOf(Picture picture, JobParameters p, int sizeStep) {
        return Outpaint.prepare(picture, Outpaint.Mode.parse(p.source().outpaint()), sizeStep,
                Math.max(p.size().width(), p.size().height()));
    }
}
