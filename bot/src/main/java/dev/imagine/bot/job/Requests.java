package dev.imagine.bot.job;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.Precision;
import dev.imagine.bot.command.RequestValidator;
import dev.imagine.bot.command.Requester;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.TokenizedPrompt;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The commands that ask for a picture (Imagine, and Same seed and Re-roll under an earlier one): checked against the
 * person's limits and channel, made a new job, and handed to {@link Intake}.
 */
record Requests(RequestValidator validator, Preferences preferences, Queries queries, Pictures pictures, Intake intake,
                AdmissionGate gate, PolicyGate rules, Supplier<String> jobIds, InstantSource clock,
                boolean fastDecoderAvailable, ImageGenerator generator) {

    Reply imagine(Command.Imagine command, String origin) {
        Requester requester = command.requester();
        Optional<Reply.Refused> channel = preferences.channelRefusal(requester);
        if (channel.isPresent()) {
            return channel.get();
        }
        return switch (validator.validate(command, preferences.defaultsFor(requester.user()),
                preferences.limitsFor(requester))) {
            case RequestValidator.Refused refused -> new Reply.Refused(refused.message());
            case RequestValidator.Valid valid -> submit(requester, valid.parameters(), origin, null);
        };
    }

    /**
     * The picture of an earlier job again: the same ({@code newSeed} false) or with a new seed. A click by anyone
     * makes a new job owned by the clicker and charged to the clicker's share; it still has to fit the clicker's
     * community limits.
     */
    Reply again(Requester requester, String jobId, String origin, boolean newSeed) {
        Optional<Job> earlier = queries.job(jobId);
        if (earlier.isEmpty()) {
            return new Reply.Refused("I can't find that picture any more. Use /imagine to draw it again.",
                    Reply.Refused.Reason.NOT_FOUND);
        }
        Optional<Reply.Refused> channel = preferences.channelRefusal(requester);
        if (channel.isPresent()) {
            return channel.get();
        }
        JobParameters parameters = earlier.get().parameters();
        if (parameters.precision() != null && !Drawing.holds(generator, parameters.precision())) {
            // Drawn with a UNet this Imagine no longer loads (model.compare-precision was turned off): the configured.
            parameters = parameters.withPrecision(null);
        }
        if (newSeed) {
            parameters = parameters.withSeed(validator.randomSeed());
        }
        Optional<Reply.Refused> over = overLimits(parameters, preferences.limitsFor(requester));
        if (over.isPresent()) {
            return over.get();
        }
        return submit(requester, parameters, origin, jobId);
    }

    /**
     * Whether a job made from an earlier one fits the clicker's community limits. An upscale is measured by the
     * picture it starts from (its own size is twice that).
     */
    static Optional<Reply.Refused> overLimits(JobParameters parameters, Limits limits) {
        int divisor = Drawing.upscales(parameters) ? 2 : 1;
        if (parameters.steps() > limits.maxSteps() || parameters.size().width() / divisor > limits.maxSide()
                || parameters.size().height() / divisor > limits.maxSide() || parameters.count() > limits.maxCount()) {
            return Optional.of(new Reply.Refused("That picture is over this community's limits (steps "
                    + limits.maxSteps() + ", size " + limits.maxSide() + ", count " + limits.maxCount() + "); use"
                    + " /imagine with smaller settings."));
        }
        return Optional.empty();
    }

    /**
     * Makes a job of checked parameters and offers it. {@code sourceJobId} is the earlier job it comes from (a
     * replay, a re-roll, a variation, an upscale), or null.
     */
    Reply submit(Requester requester, JobParameters asked, String origin, String sourceJobId) {
        if (asked.precision() != null && !Drawing.holds(generator, asked.precision())) {
            return new Reply.Refused(notLoaded(asked.precision()), Reply.Refused.Reason.NOT_AVAILABLE);
        }
        // Every new job names its UNet, so that Same seed draws it with the same one whatever the configuration says.
        JobParameters parameters = asked.withPrecision(Drawing.precisionOf(asked, generator));
        if (!gate.isOpen()) {
            return new Reply.Refused("Imagine is restarting and not taking new pictures right now; try again in a"
                    + " minute.", Reply.Refused.Reason.SHUTTING_DOWN);
        }
        if (parameters.decoder() == Decoder.FAST && !fastDecoderAvailable) {
            return new Reply.Refused("The fast decoder is not installed on this bot; use decoder: full.",
                    Reply.Refused.Reason.NOT_AVAILABLE);
        }
        Optional<Reply.Refused> missing = unavailable(parameters);
        if (missing.isPresent()) {
            return missing.get();
        }
        TokenizedPrompt read = pictures.promptOf(parameters);
        if (read.overChunkLimit()) {
            return new Reply.Refused("Your prompt is read in " + read.chunks().size() + " chunks of up to 75 tokens;"
                    + " at most " + TokenizedPrompt.MAX_CHUNKS + " are drawn. Shorten it or use fewer BREAKs.",
                    Reply.Refused.Reason.INVALID);
        }
        // The community's rules last: a request refused for its form costs no picture of the person's rate limit.
        Optional<Reply.Refused> refusal = rules.refusal(requester, parameters);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        PromptReading reading = PromptReading.of(parameters.prompt(), read,
                piece -> pictures.tokensOf(piece, parameters));
        Job job = Job.queued(jobIds.get(), requester.user(), requester.community(), requester.channel(),
                requester.rating(), requester.shareKey(), parameters, clock.instant(), origin, sourceJobId)
                .withReading(reading);
        Reply reply = intake.admit(job, false);
        if (reply instanceof Reply.Refused refused && refused.reason() == Reply.Refused.Reason.BUSY) {
            // The queue was full: the person got nothing for the pictures the rate limit counted.
            rules.refund(requester, parameters.count());
        }
        return reply;
    }

    /** The precisions a request may name: the configured one first, then the other when both UNets are loaded. */
    List<Precision> precisions() {
        Precision configured = Precision.valueOf(generator.precision().name());
        List<Precision> loaded = new ArrayList<>(List.of(configured));
        for (Precision precision : Precision.values()) {
            if (precision != configured && Drawing.holds(generator, precision)) {
                loaded.add(precision);
            }
        }
        return List.copyOf(loaded);
    }

    /** Why a precision whose UNet is not loaded cannot be asked for, and what loads it. */
    private String notLoaded(Precision precision) {
        return "This Imagine has only its " + generator.precision().name().toLowerCase(java.util.Locale.ROOT)
                + " UNet loaded, so it cannot draw " + precision.label() + " pictures. To compare the two, its"
                + " operator sets model.compare-precision: true in config.yaml and restarts it (that loads the"
                + " second UNet beside the first); leave precision out to draw with the loaded one.";
    }

    /** A job from a picture this bot cannot draw: its model has no VAE encoder, or no upscaler is installed. */
    Optional<Reply.Refused> unavailable(JobParameters parameters) {
        if (parameters.source() == null) {
            return Optional.empty();
        }
        if (Drawing.upscales(parameters) && !generator.supportsUpscale()) {
            return Optional.of(new Reply.Refused(ReplyTexts.NO_UPSCALER, Reply.Refused.Reason.NOT_AVAILABLE));
        }
        if (!Drawing.upscales(parameters) && !generator.supportsImageToImage()) {
            return Optional.of(new Reply.Refused(ReplyTexts.NO_IMAGE_TO_IMAGE, Reply.Refused.Reason.NOT_AVAILABLE));
        }
        return Optional.empty();
    }
}
