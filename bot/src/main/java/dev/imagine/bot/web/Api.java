package dev.imagine.bot.web;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.Defaults;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.RequestValidator;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobSettings;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.job.Reply;
import dev.imagine.bot.queue.QueueSnapshot;
import dev.imagine.bot.queue.QueuedJob;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** The JSON API's handlers: each turns a request into a {@link Command} for the job service, or reads its state. */
final class Api {
    static final String ORIGIN = "web";
    static final List<ImageSize> SIZE_CHOICES = List.of(new ImageSize(512, 512), new ImageSize(512, 768),
            new ImageSize(768, 512), new ImageSize(384, 384), new ImageSize(256, 256));
    static final Set<String> SUBMIT_FIELDS = Set.of("prompt", "seed", "steps", "size", "width", "height", "guidance",
            "count", "decoder");
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    static final int HISTORY_LIMIT = 50;

    private final JobService jobs;
    private final EventHub events;
    private final Supplier<HealthReport> health;
    private final Supplier<String> metrics;
    private final boolean keyRequired;

    Api(JobService jobs, EventHub events, Supplier<HealthReport> health, Supplier<String> metrics,
        boolean keyRequired) {
        this.jobs = jobs;
        this.events = events;
        this.health = health;
        this.metrics = metrics;
        this.keyRequired = keyRequired;
    }

    // ---- operations ----

    void healthz(Request request) throws IOException {
        JsonObject body = new JsonObject();
        int status;
        try {
            HealthReport report = health.get();
            status = report.healthy() ? 200 : 503;
            body.addProperty("status", report.healthy() ? "ok" : "unhealthy");
            body.addProperty("modelLoaded", report.modelLoaded());
            body.addProperty("workerAlive", report.workerAlive());
            JsonObject adapters = new JsonObject();
            report.sortedAdapters().forEach(adapters::addProperty);
            body.add("adapters", adapters);
        } catch (RuntimeException e) {
            status = 503;
            body.addProperty("status", "unhealthy");
            body.addProperty("error", "the health check itself failed: " + e.getClass().getSimpleName());
        }
        request.header("Cache-Control", "no-store");
        request.json(status, body);
    }

    void metrics(Request request) throws IOException {
        request.header("Cache-Control", "no-store");
        request.send(200, "text/plain; version=0.0.4; charset=utf-8", metrics.get().getBytes(StandardCharsets.UTF_8));
    }

    // ---- reading ----

    void info(Request request) throws IOException {
        JobSettings settings = jobs.settings();
        Limits limits = settings.limits();
        Defaults defaults = settings.defaults();
        JsonObject body = new JsonObject();
        body.addProperty("model", settings.modelId());
        body.addProperty("revision", settings.modelRevision());
        body.addProperty("user", request.user.key());
        body.addProperty("apiKeyRequired", keyRequired);
        JsonObject limitsJson = new JsonObject();
        limitsJson.addProperty("minSteps", 1);
        limitsJson.addProperty("maxSteps", limits.maxSteps());
        limitsJson.addProperty("minSide", Limits.MIN_SIDE);
        limitsJson.addProperty("maxSide", limits.maxSide());
        limitsJson.addProperty("maxCount", limits.maxCount());
        limitsJson.addProperty("maxPromptLength", limits.maxPromptLength());
        limitsJson.addProperty("minGuidance", 1);
        limitsJson.addProperty("maxGuidance", 20);
        limitsJson.addProperty("maxSeed", 0xFFFF_FFFFL);
        body.add("limits", limitsJson);
        JsonObject defaultsJson = new JsonObject();
        defaultsJson.addProperty("steps", Math.min(defaults.steps(), limits.maxSteps()));
        defaultsJson.addProperty("size", defaults.size().toString());
        defaultsJson.addProperty("guidance", defaults.guidance());
        defaultsJson.addProperty("count", Math.min(defaults.count(), limits.maxCount()));
        defaultsJson.addProperty("decoder", defaults.decoder().label());
        body.add("defaults", defaultsJson);
        JsonArray sizes = new JsonArray();
        for (ImageSize size : sizes(settings)) {
            sizes.add(size.toString());
        }
        body.add("sizes", sizes);
        JsonArray decoders = new JsonArray();
        decoders.add(Decoder.FULL.label());
        if (settings.fastDecoderAvailable()) {
            decoders.add(Decoder.FAST.label());
        }
        body.add("decoders", decoders);
        request.json(200, body);
    }

    /** The size choices within the limits, the default one always among them. */
    static List<ImageSize> sizes(JobSettings settings) {
        Set<ImageSize> sizes = new LinkedHashSet<>();
        int maxSide = settings.limits().maxSide();
        for (ImageSize size : SIZE_CHOICES) {
            if (size.width() <= maxSide && size.height() <= maxSide) {
                sizes.add(size);
            }
        }
        sizes.add(settings.defaults().size());
        return List.copyOf(sizes);
    }

    void myJobs(Request request) throws IOException {
        int limit = HISTORY_LIMIT;
        String asked = request.query("limit");
        if (asked != null) {
            try {
                limit = Integer.parseInt(asked);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 100) {
                throw new Request.Failure(400, "limit '" + asked + "' must be a whole number from 1 to 100");
            }
        }
        QueueSnapshot<Job> snapshot = jobs.queueSnapshot();
        JsonArray list = new JsonArray();
        for (Job job : jobs.jobsOf(request.user, limit)) {
            list.add(Views.job(job, request.user, placeOf(snapshot, job.id())));
        }
        JsonObject body = new JsonObject();
        body.add("jobs", list);
        request.json(200, body);
    }

    void job(Request request) throws IOException {
        Job job = existing(request);
        request.json(200, Views.job(job, request.user, placeOf(jobs.queueSnapshot(), job.id())));
    }

    void queue(Request request) throws IOException {
        QueueSnapshot<Job> snapshot = jobs.queueSnapshot();
        JsonObject body = new JsonObject();
        body.addProperty("waiting", snapshot.size());
        body.addProperty("drawing", jobs.runningJob().isPresent());
        JsonArray mine = new JsonArray();
        for (QueuedJob<Job> queued : snapshot.jobsOf(request.user.key())) {
            JsonObject entry = new JsonObject();
            entry.addProperty("jobId", queued.entry().jobId());
            Views.addPosition(entry, queued.position(), queued.estimatedWait());
            mine.add(entry);
        }
        body.add("mine", mine);
        Optional<Job> running = jobs.runningJob().filter(job -> job.ownedBy(request.user));
        body.addProperty("drawingMine", running.isPresent());
        Reply reply = jobs.handle(new Command.QueueStatus(requester(request)), ORIGIN);
        body.addProperty("text", reply instanceof Reply.Info info ? info.text() : "");
        request.json(200, body);
    }

    void image(Request request) throws IOException {
        Job job = existing(request);
        int index;
        try {
            index = Integer.parseInt(request.param("n"));
        } catch (NumberFormatException e) {
            index = -1;
        }
        if (index < 0 || index >= job.parameters().count()) {
            throw new Request.Failure(404, "job " + job.id() + " has images 0 to " + (job.parameters().count() - 1)
                    + ", not '" + request.param("n") + "'");
        }
        switch (job.state()) {
            case DELETED -> throw new Request.Failure(410, "this picture was deleted");
            case QUEUED, RUNNING -> throw new Request.Failure(409, "this picture is not finished yet; follow "
                    + "/api/jobs/" + job.id() + "/events");
            case FAILED, CANCELLED -> throw new Request.Failure(409, "this picture was not made: " + job.error());
            case DONE -> {
            }
        }
        Optional<List<byte[]>> images = jobs.images(job);
        if (images.isEmpty() || index >= images.get().size()) {
            throw new Request.Failure(410, "this picture is no longer kept; POST /api/jobs/" + job.id()
                    + "/replay draws it again");
        }
        request.header("Cache-Control", "private, max-age=31536000, immutable");
        request.header("Content-Disposition", "inline; filename=\"imagine-" + job.id() + "-" + index + ".png\"");
        request.send(200, "image/png", images.get().get(index));
    }

    /** Server-sent events: the current state first, then every change until a final event ends the stream. */
    void events(Request request) throws IOException, InterruptedException {
        Job job = existing(request);
        request.header("Content-Type", "text/event-stream; charset=utf-8");
        request.header("Cache-Control", "no-store");
        request.header("X-Accel-Buffering", "no");
        request.exchange.sendResponseHeaders(200, 0);
        try (EventHub.Subscription subscription = events.subscribe(job);
             OutputStream out = request.exchange.getResponseBody()) {
            write(out, "retry: 3000\n\n");
            while (true) {
                Optional<EventHub.Event> next = subscription.next(KEEP_ALIVE);
                if (next.isEmpty()) {
                    write(out, ": keep-alive\n\n");
                    continue;
                }
                EventHub.Event event = next.get();
                if (EventHub.Subscription.isClosed(event)) {
                    return;
                }
                write(out, "event: " + event.name() + "\ndata: " + event.data(request.user) + "\n\n");
                if (event.terminal()) {
                    return;
                }
            }
        } catch (IOException e) {
            // The reader went away; nothing to tell anyone.
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    // ---- acting ----

    void submit(Request request) throws IOException {
        JsonObject body = request.jsonBody();
        Command.Imagine command = imagine(requester(request), body);
        JobSettings settings = jobs.settings();
        // Checked here first so that a mistake in the request is a 400 and only a full queue is a 429.
        if (new RequestValidator(() -> 0L).validate(command, settings.defaults(), settings.limits())
                instanceof RequestValidator.Refused refused) {
            throw new Request.Failure(400, refused.message());
        }
        if (command.decoder() == Decoder.FAST && !settings.fastDecoderAvailable()) {
            throw new Request.Failure(400, "decoder 'fast' is not installed on this Imagine; use decoder: full");
        }
        answer(request, jobs.handle(command, ORIGIN));
    }

    void replay(Request request) throws IOException {
        Job earlier = existing(request);
        answer(request, jobs.handle(new Command.Replay(requester(request), earlier.id()), ORIGIN));
    }

    void reroll(Request request) throws IOException {
        Job earlier = existing(request);
        answer(request, jobs.handle(new Command.Reroll(requester(request), earlier.id()), ORIGIN));
    }

    void delete(Request request) throws IOException {
        Job job = ownJob(request, "delete");
        if (job.state() == JobState.QUEUED || job.state() == JobState.RUNNING) {
            throw new Request.Failure(409, "this picture is still being made; cancel it first (POST /api/jobs/"
                    + job.id() + "/cancel)");
        }
        Reply reply = jobs.handle(new Command.Delete(requester(request), job.id()), ORIGIN);
        if (reply instanceof Reply.Refused refused) {
            throw new Request.Failure(409, refused.message());
        }
        Job deleted = jobs.job(job.id()).orElse(job);
        events.refresh(deleted);
        JsonObject body = new JsonObject();
        body.addProperty("message", reply instanceof Reply.Info info ? info.text() : "Deleted.");
        body.add("job", Views.job(deleted, request.user, null));
        request.json(200, body);
    }

    void cancel(Request request) throws IOException {
        Job job = ownJob(request, "cancel");
        Reply reply = jobs.handle(new Command.Cancel(requester(request), job.id()), ORIGIN);
        if (reply instanceof Reply.Refused refused) {
            throw new Request.Failure(409, refused.message());
        }
        Job now = jobs.job(job.id()).orElse(job);
        if (now.state().isFinal()) {
            events.refresh(now);
        }
        JsonObject body = new JsonObject();
        body.addProperty("message", reply instanceof Reply.Info info ? info.text() : "");
        body.add("job", Views.job(now, request.user, null));
        request.json(now.state().isFinal() ? 200 : 202, body);
    }

    private void answer(Request request, Reply reply) throws IOException {
        switch (reply) {
            case Reply.Accepted accepted -> {
                events.accepted(accepted.job(), accepted.position(), accepted.eta());
                JsonObject body = new JsonObject();
                body.add("job", Views.job(accepted.job(), request.user, null));
                Views.addPosition(body, accepted.position(), accepted.eta());
                body.addProperty("events", "/api/jobs/" + accepted.job().id() + "/events");
                request.header("Location", "/api/jobs/" + accepted.job().id());
                request.json(202, body);
            }
            case Reply.Finished finished -> {
                events.refresh(finished.job());
                JsonObject body = new JsonObject();
                body.add("job", Views.job(finished.job(), request.user, null));
                request.header("Location", "/api/jobs/" + finished.job().id());
                request.json(200, body);
            }
            case Reply.Refused refused -> request.error(statusOf(refused.reason()), refused.message());
            case Reply.Info info -> {
                JsonObject body = new JsonObject();
                body.addProperty("message", info.text());
                request.json(200, body);
            }
        }
    }

    // ---- helpers ----

    /** Only a full queue is "too many requests"; the other refusals have their own HTTP meaning. */
    static int statusOf(Reply.Refused.Reason reason) {
        return switch (reason) {
            case INVALID -> 400;
            case NOT_ALLOWED -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case NOT_AVAILABLE -> 501;
            case BUSY -> 429;
            case SHUTTING_DOWN -> 503;
        };
    }

    private Job existing(Request request) {
        String id = request.param("id");
        return jobs.job(id).orElseThrow(() -> new Request.Failure(404, "there is no job '" + id + "'"));
    }

    private Job ownJob(Request request, String verb) {
        Job job = existing(request);
        if (!job.ownedBy(request.user)) {
            throw new Request.Failure(403, "only the person who asked for this picture can " + verb + " it");
        }
        return job;
    }

    private static Requester requester(Request request) {
        return Requester.direct(request.user);
    }

    private static QueuedJob<Job> placeOf(QueueSnapshot<Job> snapshot, String jobId) {
        return snapshot.jobs().stream().filter(q -> q.entry().jobId().equals(jobId)).findFirst().orElse(null);
    }

    /** Reads the submit body; a field of the wrong type or an unknown field is a 400 that names it. */
    static Command.Imagine imagine(Requester requester, JsonObject body) {
        List<String> unknown = new ArrayList<>();
        for (String field : body.keySet()) {
            if (!SUBMIT_FIELDS.contains(field)) {
                unknown.add(field);
            }
        }
        if (!unknown.isEmpty()) {
            throw new Request.Failure(400, "unknown field " + String.join(", ", unknown) + "; the fields are "
                    + String.join(", ", SUBMIT_FIELDS.stream().sorted().toList()));
        }
        JsonElement promptJson = body.get("prompt");
        String prompt = null;
        if (promptJson != null && !promptJson.isJsonNull()) {
            if (!(promptJson.isJsonPrimitive() && promptJson.getAsJsonPrimitive().isString())) {
                throw new Request.Failure(400, "prompt must be text, got " + promptJson);
            }
            prompt = promptJson.getAsString();
        }
        Long seed = whole(body, "seed", 0, 0xFFFF_FFFFL);
        Long steps = whole(body, "steps", Integer.MIN_VALUE, Integer.MAX_VALUE);
        Long count = whole(body, "count", Integer.MIN_VALUE, Integer.MAX_VALUE);
        Float guidance = decimal(body, "guidance");
        ImageSize size = null;
        String sizeText = text(body, "size");
        Long width = whole(body, "width", Integer.MIN_VALUE, Integer.MAX_VALUE);
        Long height = whole(body, "height", Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (sizeText != null) {
            if (width != null || height != null) {
                throw new Request.Failure(400, "give either size or width and height, not both");
            }
            try {
                size = ImageSize.parse(sizeText);
            } catch (IllegalArgumentException e) {
                throw new Request.Failure(400, e.getMessage());
            }
        } else if (width != null || height != null) {
            if (width == null || height == null) {
                throw new Request.Failure(400, "give both width and height, or size such as \"512x768\"");
            }
            size = new ImageSize(width.intValue(), height.intValue());
        }
        Decoder decoder = null;
        String decoderText = text(body, "decoder");
        if (decoderText != null) {
            try {
                decoder = Decoder.parse(decoderText);
            } catch (IllegalArgumentException e) {
                throw new Request.Failure(400, e.getMessage());
            }
        }
        return new Command.Imagine(requester, prompt, seed, steps == null ? null : steps.intValue(), size, guidance,
                count == null ? null : count.intValue(), decoder);
    }

    private static Long whole(JsonObject body, String field, long min, long max) {
        JsonElement value = body.get(field);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        String shown = value.toString();
        if (value.isJsonPrimitive()) {
            JsonPrimitive primitive = value.getAsJsonPrimitive();
            if (primitive.isString() && primitive.getAsString().isBlank()) {
                return null;
            }
            try {
                BigDecimal number = new BigDecimal(primitive.getAsString().strip());
                long whole = number.longValueExact();
                if (whole >= min && whole <= max) {
                    return whole;
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // falls through to the message below
            }
        }
        String range = min == Integer.MIN_VALUE ? "" : " from " + min + " to " + max;
        throw new Request.Failure(400, field + " must be a whole number" + range + ", got " + shown);
    }

    private static Float decimal(JsonObject body, String field) {
        JsonElement value = body.get(field);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (value.isJsonPrimitive()) {
            String text = value.getAsJsonPrimitive().getAsString().strip();
            if (text.isEmpty()) {
                return null;
            }
            try {
                float number = Float.parseFloat(text);
                if (Float.isFinite(number)) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
        }
        throw new Request.Failure(400, field + " must be a number, got " + value);
    }

    private static String text(JsonObject body, String field) {
        JsonElement value = body.get(field);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
            String text = value.getAsString().strip();
            return text.isEmpty() ? null : text;
        }
        throw new Request.Failure(400, field + " must be text, got " + value);
    }
}
