package dev.imagine.bot.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import dev.imagine.bot.ops.Metrics;

/** The JSON API's handlers: each turns a request into a {@link Command} for the job service, or reads its state. */
final class Api {
    static final String ORIGIN = "web";
    static final List<ImageSize> SIZE_CHOICES = List.of(new ImageSize(512, 512), new ImageSize(512, 768),
            new ImageSize(768, 512), new ImageSize(384, 384), new ImageSize(256, 256));
    /** The fields of a submit body and what each must be (also the words of the 400 that names a wrong one). */
    static final Map<String, String> SUBMIT_FIELDS = Map.of(
            "prompt", "text",
            "seed", "a whole number from 0 to 4294967295",
            "steps", "a whole number",
            "size", "text such as \"512x768\"",
            "width", "a whole number",
            "height", "a whole number",
            "guidance", "a number",
            "count", "a whole number",
            "decoder", "\"full\" or \"fast\"");
    static final String SUBMIT_EXAMPLE = "{\"prompt\": \"a lighthouse at dusk\"}";

    /** What {@code POST /api/jobs} accepts; absent or null fields take the person's defaults. */
    record SubmitBody(String prompt, Long seed, Integer steps, String size, Integer width, Integer height,
                      Float guidance, Integer count, String decoder) {
    }
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    static final int HISTORY_LIMIT = 50;

    private final JobService jobs;
    private final EventHub events;
    private final Supplier<HealthReport> health;
    private final Metrics metrics;
    private final boolean keyRequired;

    Api(JobService jobs, EventHub events, Supplier<HealthReport> health, Metrics metrics, boolean keyRequired) {
        this.jobs = jobs;
        this.events = events;
        this.health = health;
        this.metrics = metrics;
        this.keyRequired = keyRequired;
    }

    // ---- operations ----

    /** 200 "ok" when healthy; 503 "draining" while Imagine stops (it refuses new pictures), else 503 "unhealthy". */
    void healthz(Request request) throws IOException {
        ObjectNode body = StrictJson.object();
        int status;
        try {
            HealthReport report = health.get();
            boolean draining = !jobs.admitting();
            status = report.healthy() && !draining ? 200 : 503;
            body.put("status", draining ? "draining" : report.healthy() ? "ok" : "unhealthy");
            body.put("modelLoaded", report.modelLoaded());
            body.put("workerAlive", report.workerAlive());
            body.put("draining", draining);
            ObjectNode adapters = body.putObject("adapters");
            report.sortedAdapters().forEach(adapters::put);
        } catch (RuntimeException e) {
            status = 503;
            body.put("status", "unhealthy");
            body.put("error", "the health check itself failed: " + e.getClass().getSimpleName());
        }
        request.header("Cache-Control", "no-store");
        request.json(status, body);
    }

    void metrics(Request request) throws IOException {
        request.header("Cache-Control", "no-store");
        request.send(200, Metrics.CONTENT_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    // ---- reading ----

    void info(Request request) throws IOException {
        JobSettings settings = jobs.settings();
        Limits limits = settings.limits();
        Defaults defaults = settings.defaults();
        ObjectNode body = StrictJson.object();
        body.put("model", modelName(settings.modelId()));
        body.put("revision", settings.modelRevision());
        body.put("user", request.user.key());
        body.put("apiKeyRequired", keyRequired);
        ObjectNode limitsJson = body.putObject("limits");
        limitsJson.put("minSteps", 1);
        limitsJson.put("maxSteps", limits.maxSteps());
        limitsJson.put("minSide", Limits.MIN_SIDE);
        limitsJson.put("maxSide", limits.maxSide());
        limitsJson.put("maxCount", limits.maxCount());
        limitsJson.put("maxPromptLength", limits.maxPromptLength());
        limitsJson.put("minGuidance", 1);
        limitsJson.put("maxGuidance", 20);
        limitsJson.put("maxSeed", 0xFFFF_FFFFL);
        ObjectNode defaultsJson = body.putObject("defaults");
        defaultsJson.put("steps", Math.min(defaults.steps(), limits.maxSteps()));
        defaultsJson.put("size", defaults.size().toString());
        defaultsJson.put("guidance", defaults.guidance());
        defaultsJson.put("count", Math.min(defaults.count(), limits.maxCount()));
        defaultsJson.put("decoder", defaults.decoder().label());
        ArrayNode sizes = body.putArray("sizes");
        for (ImageSize size : sizes(settings)) {
            sizes.add(size.toString());
        }
        ArrayNode decoders = body.putArray("decoders");
        decoders.add(Decoder.FULL.label());
        if (settings.fastDecoderAvailable()) {
            decoders.add(Decoder.FAST.label());
        }
        request.json(200, body);
    }

    /** A model folder is shown by its name: its absolute path says nothing to a visitor and too much about the host. */
    static String modelName(String modelId) {
        try {
            Path path = Path.of(modelId);
            return path.isAbsolute() && path.getFileName() != null ? path.getFileName().toString() : modelId;
        } catch (java.nio.file.InvalidPathException e) {
            return modelId;
        }
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
        ObjectNode body = StrictJson.object();
        ArrayNode list = body.putArray("jobs");
        for (Job job : jobs.jobsOf(request.user, limit)) {
            list.add(Views.job(job, request.user, placeOf(snapshot, job.id())));
        }
        request.json(200, body);
    }

    void job(Request request) throws IOException {
        Job job = existing(request);
        request.json(200, Views.job(job, request.user, placeOf(jobs.queueSnapshot(), job.id())));
    }

    void queue(Request request) throws IOException {
        QueueSnapshot<Job> snapshot = jobs.queueSnapshot();
        ObjectNode body = StrictJson.object();
        body.put("waiting", snapshot.size());
        body.put("drawing", jobs.runningJob().isPresent());
        ArrayNode mine = body.putArray("mine");
        for (QueuedJob<Job> queued : snapshot.jobsOf(request.user.key())) {
            ObjectNode entry = mine.addObject();
            entry.put("jobId", queued.entry().jobId());
            Views.addPosition(entry, queued.position(), queued.estimatedWait());
        }
        Optional<Job> running = jobs.runningJob().filter(job -> job.ownedBy(request.user));
        body.put("drawingMine", running.isPresent());
        Reply reply = jobs.handle(new Command.QueueStatus(requester(request)), ORIGIN);
        body.put("text", reply instanceof Reply.Info info ? info.text() : "");
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
        request.response.setStatus(200);
        request.header("Content-Type", "text/event-stream; charset=utf-8");
        request.header("Cache-Control", "no-store");
        request.header("X-Accel-Buffering", "no");
        if (request.head()) {
            return;
        }
        try (EventHub.Subscription subscription = events.subscribe(job);
             OutputStream out = request.response.getOutputStream()) {
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
                String data = new String(StrictJson.write(event.data(request.user)), StandardCharsets.UTF_8);
                write(out, "event: " + event.name() + "\ndata: " + data + "\n\n");
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
        Command.Imagine command;
        try {
            SubmitBody body = request.jsonBody(SubmitBody.class, SUBMIT_FIELDS, SUBMIT_EXAMPLE);
            command = imagine(requester(request), body);
            JobSettings settings = jobs.settings();
            // Checked here first so that a mistake in the request is a 400 and only a full queue is a 429.
            if (new RequestValidator(() -> 0L).validate(command, settings.defaults(), settings.limits())
                    instanceof RequestValidator.Refused refused) {
                throw new Request.Failure(400, refused.message());
            }
            if (command.decoder() == Decoder.FAST && !settings.fastDecoderAvailable()) {
                throw new Request.Failure(400, "decoder 'fast' is not installed on this Imagine; use decoder: full");
            }
        } catch (Request.Failure failure) {
            // A picture request refused for its input is a refusal like the job service's own (imagine_refusals_total).
            jobs.refusedByAdapter(WebServer.PLATFORM);
            throw failure;
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
        ObjectNode body = StrictJson.object();
        body.put("message", reply instanceof Reply.Info info ? info.text() : "Deleted.");
        body.set("job", Views.job(deleted, request.user, null));
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
        ObjectNode body = StrictJson.object();
        body.put("message", reply instanceof Reply.Info info ? info.text() : "");
        body.set("job", Views.job(now, request.user, null));
        request.json(now.state().isFinal() ? 200 : 202, body);
    }

    private void answer(Request request, Reply reply) throws IOException {
        switch (reply) {
            case Reply.Accepted accepted -> {
                events.accepted(accepted.job(), accepted.position(), accepted.eta());
                ObjectNode body = StrictJson.object();
                body.set("job", Views.job(accepted.job(), request.user, null));
                Views.addPosition(body, accepted.position(), accepted.eta());
                body.put("events", "/api/jobs/" + accepted.job().id() + "/events");
                request.header("Location", "/api/jobs/" + accepted.job().id());
                request.json(202, body);
            }
            case Reply.Finished finished -> {
                events.refresh(finished.job());
                ObjectNode body = StrictJson.object();
                body.set("job", Views.job(finished.job(), request.user, null));
                request.header("Location", "/api/jobs/" + finished.job().id());
                request.json(200, body);
            }
            case Reply.Refused refused -> {
                int status = statusOf(refused.reason());
                if (status == 429 || status == 503) {
                    request.header("Retry-After", Long.toString(retryAfter(request.user).toSeconds()));
                }
                request.error(status, refused.message());
            }
            case Reply.Info info -> {
                ObjectNode body = StrictJson.object();
                body.put("message", info.text());
                request.json(200, body);
            }
        }
    }

    // ---- helpers ----

    /**
     * When asking again may work: a full share frees a place when the person's next waiting job starts, a full queue
     * when the first waiting job starts (the estimates of the queue; at least 1 s, at most an hour).
     */
    Duration retryAfter(dev.imagine.bot.command.User user) {
        QueueSnapshot<Job> snapshot = jobs.queueSnapshot();
        List<QueuedJob<Job>> mine = snapshot.jobsOf(user.key());
        List<QueuedJob<Job>> relevant = mine.isEmpty() ? snapshot.jobs() : mine;
        Duration soonest = relevant.stream().map(QueuedJob::estimatedWait).min(Duration::compareTo)
                .orElse(Duration.ofSeconds(10));
        long seconds = Math.max(1, Math.min(3600, (soonest.toMillis() + 999) / 1000));
        return Duration.ofSeconds(seconds);
    }

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

    /** Turns a bound submit body into the command; a value of the right type but the wrong form is a 400 naming it. */
    static Command.Imagine imagine(Requester requester, SubmitBody body) {
        Long seed = body.seed();
        if (seed != null && (seed < 0 || seed > 0xFFFF_FFFFL)) {
            throw new Request.Failure(400, "seed must be " + SUBMIT_FIELDS.get("seed") + ", got " + seed);
        }
        if (body.guidance() != null && !Float.isFinite(body.guidance())) {
            throw new Request.Failure(400, "guidance must be a number from 1 to 20, got " + body.guidance());
        }
        ImageSize size = null;
        String sizeText = blankToNull(body.size());
        if (sizeText != null) {
            if (body.width() != null || body.height() != null) {
                throw new Request.Failure(400, "give either size or width and height, not both");
            }
            try {
                size = ImageSize.parse(sizeText);
            } catch (IllegalArgumentException e) {
                throw new Request.Failure(400, e.getMessage());
            }
        } else if (body.width() != null || body.height() != null) {
            if (body.width() == null || body.height() == null) {
                throw new Request.Failure(400, "give both width and height, or size such as \"512x768\"");
            }
            size = new ImageSize(body.width(), body.height());
        }
        Decoder decoder = null;
        String decoderText = blankToNull(body.decoder());
        if (decoderText != null) {
            try {
                decoder = Decoder.parse(decoderText);
            } catch (IllegalArgumentException e) {
                throw new Request.Failure(400, e.getMessage());
            }
        }
        return new Command.Imagine(requester, body.prompt(), seed, body.steps(), size, body.guidance(), body.count(),
                decoder);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
