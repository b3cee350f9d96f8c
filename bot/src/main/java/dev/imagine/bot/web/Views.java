package dev.imagine.bot.web;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.Durations;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.queue.QueuedJob;
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

    static String imageUrl(String jobId, int index) {
        return "/api/jobs/" + jobId + "/images/" + index;
    }

    /** A job as the API shows it; {@code viewer} decides {@code mine}; {@code queued} adds the place in the queue. */
    static JsonObject job(Job job, User viewer, QueuedJob<Job> queued) {
        JobParameters p = job.parameters();
        JsonObject json = new JsonObject();
        json.addProperty("id", job.id());
        json.addProperty("state", state(job.state()));
        json.addProperty("prompt", p.prompt());
        json.addProperty("seed", p.seed());
        json.addProperty("steps", p.steps());
        json.addProperty("size", p.size().toString());
        json.addProperty("width", p.size().width());
        json.addProperty("height", p.size().height());
        json.addProperty("guidance", p.guidance());
        json.addProperty("count", p.count());
        json.addProperty("decoder", p.decoder().label());
        json.addProperty("createdAt", text(job.createdAt()));
        json.addProperty("startedAt", text(job.startedAt()));
        json.addProperty("finishedAt", text(job.finishedAt()));
        if (job.state() == JobState.DONE && job.startedAt() != null && job.finishedAt() != null && !job.fromCache()) {
            json.addProperty("seconds", Duration.between(job.startedAt(), job.finishedAt()).toMillis() / 1000.0);
        }
        json.addProperty("fromCache", job.fromCache());
        json.addProperty("mine", viewer != null && job.ownedBy(viewer));
        if (job.error() != null) {
            json.addProperty("message", job.error());
        }
        if (job.sourceJobId() != null) {
            json.addProperty("sourceJobId", job.sourceJobId());
        }
        JsonArray images = new JsonArray();
        if (job.state() == JobState.DONE) {
            for (int i = 0; i < job.resultKeys().size(); i++) {
                images.add(imageUrl(job.id(), i));
            }
        }
        json.add("images", images);
        if (queued != null) {
            addPosition(json, queued.position(), queued.estimatedWait());
        }
        return json;
    }

    static void addPosition(JsonObject json, int position, Duration eta) {
        json.addProperty("position", position);
        json.addProperty("etaSeconds", Math.max(0, eta.toSeconds()));
        json.addProperty("eta", Durations.about(eta));
    }

    static JsonObject error(String message) {
        JsonObject json = new JsonObject();
        json.addProperty("error", message);
        return json;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
