package dev.imagine.bot.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.Defaults;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.PromptSyntax;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobSettings;
import dev.imagine.bot.job.QueueView;
import dev.imagine.bot.job.ReplyTexts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the service is: {@code /api/info} (model, limits, defaults and the choices a request may make),
 * {@code /api/queue}, and for operators {@code /healthz} and {@code /metrics}.
 */
final class ServiceRoutes {
    private final JobService jobs;
    private final Supplier<HealthReport> health;
    private final MetricsPage metrics;
    private final boolean keyRequired;

    ServiceRoutes(JobService jobs, Supplier<HealthReport> health, MetricsPage metrics, boolean keyRequired) {
        this.jobs = jobs;
        this.health = health;
        this.metrics = metrics;
        this.keyRequired = keyRequired;
    }

    List<Route> operations() {
        return List.of(new Route("GET", "/healthz", true, this::healthz),
                new Route("GET", "/metrics", true, this::metrics));
    }

    List<Route> api() {
        return List.of(new Route("GET", "/api/info", true, this::info),
                new Route("GET", "/api/queue", true, this::queue));
    }

    /** 200 "ok" when healthy; 503 "draining" while Imagine stops (it refuses new pictures), else 503 "unhealthy". */
    private void healthz(Request request) throws IOException {
        ObjectNode body = StrictJson.object();
        int status;
        try {
            HealthReport report = health.get();
            status = report.status().equals(HealthReport.OK) ? 200 : 503;
            body.put("status", report.status());
            body.put("modelLoaded", report.modelLoaded());
            body.put("workerAlive", report.workerAlive());
            body.put("draining", report.draining());
            ObjectNode adapters = body.putObject("adapters");
            report.sortedAdapters().forEach(adapters::put);
        } catch (RuntimeException e) {
            status = 503;
            body.put("status", HealthReport.UNHEALTHY);
            body.put("error", "the health check itself failed: " + e.getClass().getSimpleName());
        }
        request.header("Cache-Control", "no-store");
        request.json(status, body);
    }

    private void metrics(Request request) throws IOException {
        request.header("Cache-Control", "no-store");
        request.send(200, metrics.contentType(), metrics.scrape().get().getBytes(StandardCharsets.UTF_8));
    }

    private void info(Request request) throws IOException {
        JobSettings settings = jobs.settings();
        Limits limits = settings.limits();
        Defaults defaults = settings.defaults();
        ObjectNode body = StrictJson.object();
        body.put("model", modelName(settings.modelId()));
        body.put("revision", settings.modelRevision());
        body.put("user", request.user.key());
        body.put("apiKeyRequired", keyRequired);
        ObjectNode limitsJson = body.putObject("limits");
        limitsJson.put("minSteps", RequestRules.MIN_STEPS);
        limitsJson.put("maxSteps", limits.maxSteps());
        limitsJson.put("minSide", RequestRules.MIN_SIDE);
        limitsJson.put("maxSide", limits.maxSide());
        limitsJson.put("maxCount", limits.maxCount());
        limitsJson.put("maxPromptLength", limits.maxPromptLength());
        limitsJson.put("minGuidance", (int) RequestRules.MIN_GUIDANCE);
        limitsJson.put("maxGuidance", (int) RequestRules.MAX_GUIDANCE);
        limitsJson.put("maxSeed", RequestRules.MAX_SEED);
        ObjectNode defaultsJson = body.putObject("defaults");
        defaultsJson.put("steps", Math.min(defaults.steps(), limits.maxSteps()));
        defaultsJson.put("size", defaults.size().toString());
        defaultsJson.put("guidance", defaults.guidance());
        defaultsJson.put("count", Math.min(defaults.count(), limits.maxCount()));
        defaultsJson.put("decoder", defaults.decoder().label());
        defaultsJson.put("promptSyntax", defaults.promptSyntax().label());
        ArrayNode sizes = body.putArray("sizes");
        for (ImageSize size : RequestRules.sizesWithin(limits, defaults.size())) {
            sizes.add(size.toString());
        }
        ArrayNode decoders = body.putArray("decoders");
        for (Decoder decoder : RequestRules.decoders(settings.fastDecoderAvailable())) {
            decoders.add(decoder.label());
        }
        ArrayNode syntaxes = body.putArray("promptSyntaxes");
        for (PromptSyntax syntax : PromptSyntax.values()) {
            syntaxes.add(syntax.label());
        }
        // The configured precision first; two when model.compare-precision loaded both UNets (the page's choice).
        ArrayNode precisions = body.putArray("precisions");
        jobs.precisions().forEach(precision -> precisions.add(precision.label()));
        defaultsJson.put("precision", jobs.precisions().get(0).label());
        body.put("promptHelp", ReplyTexts.PROMPT_HELP);
        request.json(200, body);
    }

    /** A model folder is shown by its name: its absolute path says nothing to a visitor and too much about the host. */
    static String modelName(String modelId) {
        try {
            Path path = Path.of(modelId);
            return path.isAbsolute() && path.getFileName() != null ? path.getFileName().toString() : modelId;
        } catch (InvalidPathException e) {
            return modelId;
        }
    }

    /** The queue as data, the asker's jobs in it, and the same words /queue says in the chats. */
    private void queue(Request request) throws IOException {
        QueueView queue = jobs.queueView();
        ObjectNode body = StrictJson.object();
        body.put("waiting", queue.length());
        body.put("drawing", queue.running().isPresent());
        ArrayNode mine = body.putArray("mine");
        for (QueueView.Place place : queue.placesOf(request.user)) {
            ObjectNode entry = mine.addObject();
            entry.put("jobId", place.job().id());
            Views.addPosition(entry, place.position(), place.eta());
        }
        body.put("drawingMine", queue.drawingFor(request.user));
        body.put("text", ReplyTexts.queue(queue, request.user));
        request.json(200, body);
    }
}
