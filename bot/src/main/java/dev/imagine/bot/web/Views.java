package dev.imagine.bot.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.JobSource;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.Durations;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.job.PromptReading;
import dev.imagine.bot.job.QueueView;
import dev.imagine.bot.job.ReplyTexts;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** The JSON shapes of the API (described in openapi.yaml): jobs, positions and errors. */
final class Views {
    private Views() {
    }

    static String state(JobState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    static String jobUrl(String jobId) {
        return "/api/jobs/" + jobId;
    }

    static String imageUrl(String jobId, int index) {
        return jobUrl(jobId) + "/images/" + index;
    }

    /** A job as the API shows it; {@code viewer} decides {@code mine}; {@code place} adds the place in the queue. */
    static ObjectNode job(Job job, User viewer, QueueView.Place place) {
        JobParameters p = job.parameters();
        ObjectNode json = StrictJson.object();
        json.put("id", job.id());
        json.put("state", state(job.state()));
        json.put("prompt", p.prompt());
        json.put("seed", p.seed());
        json.put("steps", p.steps());
        json.put("size", p.size().toString());
        json.put("width", p.size().width());
        json.put("height", p.size().height());
        json.put("guidance", p.guidance());
        json.put("count", p.count());
        json.put("decoder", p.decoder().label());
        json.put("promptSyntax", p.promptSyntax().label());
        if (p.precision() != null) {
            json.put("precision", p.precision().label());
        }
        addReading(json, job.reading());
        json.put("createdAt", text(job.createdAt()));
        json.put("startedAt", text(job.startedAt()));
        json.put("finishedAt", text(job.finishedAt()));
        if (job.state() == JobState.DONE && job.startedAt() != null && job.finishedAt() != null && !job.fromCache()) {
            json.put("seconds", Duration.between(job.startedAt(), job.finishedAt()).toMillis() / 1000.0);
        }
        json.put("fromCache", job.fromCache());
        json.put("mine", viewer != null && job.ownedBy(viewer));
        if (job.error() != null) {
            json.put("message", job.error());
        }
        if (job.sourceJobId() != null) {
            json.put("sourceJobId", job.sourceJobId());
        }
        json.put("kind", kind(p));
        if (p.source() != null && p.source().kind() != JobSource.Kind.UPSCALE) {
            json.put("strength", p.source().strength());
        }
        ArrayNode images = json.putArray("images");
        ArrayNode spoilers = json.putArray("spoilers");
        if (job.state() == JobState.DONE) {
            for (int i = 0; i < shownImages(job); i++) {
                images.add(imageUrl(job.id(), i));
                // A flagged picture: the page shows it blurred until it is clicked.
                spoilers.add(job.spoiler(i));
            }
        }
        if (place != null) {
            addPosition(json, place.position(), place.eta());
        }
        return json;
    }

    /**
     * What the job makes: "text-to-image", "image-to-image", "upscale", "upscale-detailed", "inpaint", "zoom-out"
     * or "pan".
     */
    static String kind(JobParameters p) {
        if (p.source() == null) {
            return "text-to-image";
        }
        return switch (p.source().kind()) {
            case IMAGE_TO_IMAGE -> "image-to-image";
            case UPSCALE -> "upscale";
            case UPSCALE_DETAILED -> "upscale-detailed";
            case INPAINT -> "inpaint";
            case OUTPAINT -> p.source().outpaint().startsWith("zoom") ? "zoom-out" : "pan";
        };
    }

    /** How many of a finished job's pictures are handed out: all but those its screening held back. */
    static int shownImages(Job job) {
        return job.shownCount();
    }

    /** What the model read of the prompt: counts, and the sentence the chats show when it was long or cut. */
    private static void addReading(ObjectNode json, PromptReading reading) {
        if (reading == null) {
            return;
        }
        ObjectNode read = json.putObject("promptReading");
        read.put("tokens", reading.tokens());
        read.put("read", reading.read());
        read.put("chunks", reading.chunks());
        if (reading.dropped() != null) {
            read.put("dropped", reading.dropped());
        }
        String text = ReplyTexts.reading(reading);
        if (text != null) {
            read.put("text", text);
        }
    }

    static void addPosition(ObjectNode json, int position, Duration eta) {
        json.put("position", position);
        json.put("etaSeconds", Math.max(0, eta.toSeconds()));
        json.put("eta", Durations.about(eta));
    }

    static ObjectNode error(String message) {
        ObjectNode json = StrictJson.object();
        json.put("error", message);
        return json;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
