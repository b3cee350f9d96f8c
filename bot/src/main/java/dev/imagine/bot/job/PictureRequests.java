package dev.imagine.bot.job;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.JobSource;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.PictureInput;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.command.RequestValidator;
import dev.imagine.bot.command.Requester;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.Mask;
import dev.imagine.pipeline.Picture;
import dev.imagine.pipeline.PictureRejectedException;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.UpscaleRequest;
import java.util.List;
import java.util.Optional;

/**
 * The requests that start from a picture, the same for every platform: /imagine with a picture (a file someone sent,
 * or an earlier job's picture), with a mask to inpaint, Vary (subtle or strong) and Upscale (plain or detailed) under a picture. The picture
 * is checked and decoded by the pipeline's rules, prepared at the size it will be drawn, kept in the job store, and
 * the job goes through the same admission as any other ({@link Requests#submit}).
 */
record PictureRequests(Requests requests, RequestValidator validator, Preferences preferences, Queries queries,
                       SourcePictures sources, ImageGenerator generator) {

    /** /imagine with a picture to start from (image to image). */
    Reply imagine(Command.Imagine command, String origin) {
        return imagine(command, null, origin);
    }

    /** /imagine with a picture and a mask: the mask's white part of the picture redrawn, the black part kept. */
    Reply inpaint(Command.Inpaint command, String origin) {
        return imagine(command.imagine(), command.mask().bytes(), origin);
    }

    private Reply imagine(Command.Imagine command, byte[] maskFile, String origin) {
        Requester requester = command.requester();
        Optional<Reply.Refused> channel = preferences.channelRefusal(requester);
        if (channel.isPresent()) {
            return channel.get();
        }
        if (!generator.supportsImageToImage()) {
            return new Reply.Refused(ReplyTexts.NO_IMAGE_TO_IMAGE, Reply.Refused.Reason.NOT_AVAILABLE);
        }
        Picture picture;
        String prompt = command.prompt();
        String sourceJobId = null;
        switch (command.picture()) {
            case PictureInput.Upload upload -> {
                try {
                    picture = sources.decode(upload.bytes());
                } catch (PictureRejectedException e) {
                    return new Reply.Refused("I can't use that picture: " + e.getMessage(),
                            Reply.Refused.Reason.INVALID);
                }
                if (prompt == null || prompt.isBlank()) {
                    prompt = PictureDescriptions.promptOf(upload.bytes()).orElse(prompt);
                }
            }
            case PictureInput.OfJob earlier -> {
                Optional<Job> job = queries.job(earlier.jobId());
                if (job.isEmpty()) {
                    return notFound();
                }
                Optional<Picture> found = pictureOf(job.get(), earlier.index());
                if (found.isEmpty()) {
                    return noPicture(job.get());
                }
                picture = found.get();
                sourceJobId = job.get().id();
                if (prompt == null || prompt.isBlank()) {
                    prompt = job.get().parameters().prompt();
                }
            }
        }
        Picture maskPicture = null;
        if (maskFile != null) {
            try {
                maskPicture = sources.decodeMask(maskFile);
            } catch (PictureRejectedException e) {
                return new Reply.Refused("I can't use that mask: " + e.getMessage(), Reply.Refused.Reason.INVALID);
            }
            if (Mask.of(maskPicture).redrawsNothing()) {
                return new Reply.Refused(ReplyTexts.MASK_ALL_BLACK, Reply.Refused.Reason.INVALID);
            }
        }
        Command.Imagine withPrompt = new Command.Imagine(requester, prompt, command.seed(), command.steps(),
                command.size(), command.guidance(), command.count(), command.decoder(), null, null)
                .withPrecision(command.precision());
        Limits limits = preferences.limitsFor(requester);
        JobParameters parameters;
        switch (validator.validate(withPrompt, preferences.defaultsFor(requester.user()), limits)) {
            case RequestValidator.Refused refused -> {
                return new Reply.Refused(refused.message());
            }
            case RequestValidator.Valid valid -> parameters = valid.parameters();
        }
        double strength = command.strength() != null ? command.strength()
                : maskPicture != null ? RequestRules.DEFAULT_INPAINT_STRENGTH : RequestRules.DEFAULT_STRENGTH;
        String problem = maskPicture != null ? RequestRules.inpaintStrengthProblem(strength, parameters.steps())
                : RequestRules.strengthProblem(strength, parameters.steps());
        if (problem != null) {
            return new Reply.Refused("I can't draw that yet: " + problem + ".");
        }
        Picture prepared = prepare(picture, command.size(), limits);
        ImageSize size = new ImageSize(prepared.width(), prepared.height());
        JobSource source;
        if (maskPicture != null) {
            Mask mask;
            try {
                mask = Mask.fit(maskPicture, picture, prepared.width(), prepared.height());
            } catch (PipelineException e) {
                return new Reply.Refused("I can't use that mask: " + e.getMessage() + ".",
                        Reply.Refused.Reason.INVALID);
            }
            source = new JobSource(JobSource.Kind.INPAINT, sources.keep(prepared), strength, sources.keep(mask),
                    null);
        } else {
            source = new JobSource(JobSource.Kind.IMAGE_TO_IMAGE, sources.keep(prepared), strength);
        }
        JobParameters drawn = new JobParameters(parameters.prompt(), parameters.seed(), parameters.steps(), size,
                parameters.guidance(), parameters.count(), parameters.decoder(), parameters.promptSyntax(), source,
                parameters.precision());
        return requests.submit(requester, drawn, origin, sourceJobId);
    }

    /** Vary under a picture: image to image of its first picture, the same prompt, a new seed. */
    Reply vary(Command.Vary command, String origin) {
        Optional<Job> earlier = queries.job(command.jobId());
        if (earlier.isEmpty()) {
            return notFound();
        }
        Optional<Reply.Refused> channel = preferences.channelRefusal(command.requester());
        if (channel.isPresent()) {
            return channel.get();
        }
        if (!generator.supportsImageToImage()) {
            return new Reply.Refused(ReplyTexts.NO_IMAGE_TO_IMAGE, Reply.Refused.Reason.NOT_AVAILABLE);
        }
        JobParameters was = earlier.get().parameters();
        if (was.size().width() > RequestRules.MAX_SIDE || was.size().height() > RequestRules.MAX_SIDE) {
            return new Reply.Refused("That picture is " + was.size() + ", larger than the " + RequestRules.MAX_SIDE
                    + " pixels a side Imagine draws; vary the picture it was upscaled from.");
        }
        Optional<Picture> picture = pictureOf(earlier.get(), 0);
        if (picture.isEmpty()) {
            return noPicture(earlier.get());
        }
        double strength = command.variation().strength();
        JobParameters drawn = new JobParameters(was.prompt(), validator.randomSeed(), was.steps(), was.size(),
                was.guidance(), 1, was.decoder(), was.promptSyntax(),
                new JobSource(JobSource.Kind.IMAGE_TO_IMAGE, sources.keep(picture.get()), strength));
        return checkedAndSubmitted(command.requester(), drawn, origin, earlier.get().id());
    }

    /** Zoom out or pan under a picture ({@link OutpaintRequests}). */
    Reply outpaint(Command.Outpaint command, String origin) {
        return new OutpaintRequests(this).outpaint(command, origin);
    }

    /** Upscale under a picture: its first picture at twice the size, plainly or with the detail redrawn. */
    Reply upscale(Command.Upscale command, String origin) {
        Optional<Job> earlier = queries.job(command.jobId());
        if (earlier.isEmpty()) {
            return notFound();
        }
        Optional<Reply.Refused> channel = preferences.channelRefusal(command.requester());
        if (channel.isPresent()) {
            return channel.get();
        }
        if (!generator.supportsUpscale()) {
            return new Reply.Refused(ReplyTexts.NO_UPSCALER, Reply.Refused.Reason.NOT_AVAILABLE);
        }
        JobParameters was = earlier.get().parameters();
        if (was.size().width() > RequestRules.MAX_SIDE || was.size().height() > RequestRules.MAX_SIDE) {
            return new Reply.Refused("That picture is already " + was.size() + "; Imagine upscales pictures of at most "
                    + RequestRules.MAX_SIDE + " pixels a side.");
        }
        Optional<Picture> picture = pictureOf(earlier.get(), 0);
        if (picture.isEmpty()) {
            return noPicture(earlier.get());
        }
        JobSource source = command.detailed()
                ? new JobSource(JobSource.Kind.UPSCALE_DETAILED, sources.keep(picture.get()),
                        UpscaleRequest.DEFAULT_STRENGTH)
                : new JobSource(JobSource.Kind.UPSCALE, sources.keep(picture.get()), 1.0);
        int steps = command.detailed() ? UpscaleRequest.DEFAULT_STEPS : was.steps();
        JobParameters drawn = new JobParameters(was.prompt(), was.seed(), steps,
                new ImageSize(picture.get().width() * 2, picture.get().height() * 2), was.guidance(), 1,
                was.decoder(), was.promptSyntax(), source);
        return checkedAndSubmitted(command.requester(), drawn, origin, earlier.get().id());
    }

    Reply checkedAndSubmitted(Requester requester, JobParameters parameters, String origin, String from) {
        Optional<Reply.Refused> over = Requests.overLimits(parameters, preferences.limitsFor(requester));
        if (over.isPresent()) {
            return over.get();
        }
        return requests.submit(requester, parameters, origin, from);
    }

    /**
     * The picture at the size it will be drawn: the size asked for, or its own rounded down to what the model draws
     * (and within the community's largest side), resized as diffusers resizes.
     */
    private Picture prepare(Picture picture, ImageSize asked, Limits limits) {
        if (asked != null) {
            return generator.prepareSource(picture, asked.width(), asked.height());
        }
        Picture prepared = generator.prepareSource(picture, null, null);
        int longest = Math.max(prepared.width(), prepared.height());
        if (longest <= limits.maxSide()) {
            return prepared;
        }
        int side = Math.max(limits.maxSide() / generator.sizeStep() * generator.sizeStep(), generator.sizeStep());
        return prepared.width() >= prepared.height() ? generator.prepareSource(picture, side, null)
                : generator.prepareSource(picture, null, side);
    }

    /** Picture {@code index} of a finished job, decoded, while the result cache still has it. */
    Optional<Picture> pictureOf(Job job, int index) {
        if (job.state() != JobState.DONE || index < 0 || index >= job.parameters().count()) {
            return Optional.empty();
        }
        Optional<List<byte[]>> images = queries.images(job);
        if (images.isEmpty() || index >= images.get().size()) {
            return Optional.empty();
        }
        return Optional.of(sources.decode(images.get().get(index)));
    }

    static Reply.Refused notFound() {
        return new Reply.Refused("I can't find that picture any more. Use /imagine to draw it again.",
                Reply.Refused.Reason.NOT_FOUND);
    }

    static Reply.Refused noPicture(Job job) {
        if (job.state() == JobState.QUEUED || job.state() == JobState.RUNNING) {
            return new Reply.Refused("That picture is not finished yet; try again when it is.",
                    Reply.Refused.Reason.CONFLICT);
        }
        return new Reply.Refused("That picture is no longer kept (or was never made); Same seed draws it again, then"
                + " try once more.", Reply.Refused.Reason.NOT_FOUND);
    }
}
