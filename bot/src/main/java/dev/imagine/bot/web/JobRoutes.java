package dev.imagine.bot.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.bot.command.Action;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.job.QueueView;
import dev.imagine.bot.job.Reply;
import dev.imagine.bot.job.ReplyTexts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The jobs resource: {@code /api/jobs} and below. Each handler turns the request into a {@link Command} for the job
 * service (the same commands the chat adapters send) or reads the job service's state, and translates the answer.
 */
final class JobRoutes {
    static final String ORIGIN = WebServer.PLATFORM;
    static final int HISTORY_LIMIT = 50;
    /**
     * The actions people take on a job by {@code POST /api/jobs/{id}/<route>}, and those routes (Delete is
     * {@code DELETE /api/jobs/{id}}). An action the job service does not do yet has no route; give it one here, in
     * openapi.yaml and in the page, once it is ready.
     */
    static final Map<Action, String> ACTION_ROUTES = new EnumMap<>(Map.ofEntries(Map.entry(Action.SAME_SEED, "replay"),
            Map.entry(Action.REROLL, "reroll"), Map.entry(Action.VARY, "vary"),
            Map.entry(Action.VARY_STRONG, "vary-strong"), Map.entry(Action.UPSCALE, "upscale"),
            Map.entry(Action.UPSCALE_DETAILED, "upscale-detailed"), Map.entry(Action.ZOOM_OUT_1_5, "zoom-out-1.5"),
            Map.entry(Action.ZOOM_OUT_2, "zoom-out-2"), Map.entry(Action.PAN_LEFT, "pan-left"),
            Map.entry(Action.PAN_RIGHT, "pan-right"), Map.entry(Action.PAN_UP, "pan-up"),
            Map.entry(Action.PAN_DOWN, "pan-down"), Map.entry(Action.CANCEL, "cancel")));

    private final JobService jobs;
    private final EventHub events;
    private final Answers answers;

    JobRoutes(JobService jobs, EventHub events) {
        this.jobs = jobs;
        this.events = events;
        this.answers = new Answers(jobs, events);
    }

    List<Route> routes() {
        List<Route> routes = new ArrayList<>(List.of(
                new Route("GET", "/api/jobs", true, this::list),
                new Route("POST", "/api/jobs", true, this::submit),
                new Route("GET", "/api/jobs/{id}", true, this::get),
                new Route("DELETE", "/api/jobs/{id}", true, this::delete),
                new Route("GET", "/api/jobs/{id}/images/{n}", true, this::image)));
        ACTION_ROUTES.forEach((action, route) -> routes.add(new Route("POST", "/api/jobs/{id}/" + route, true,
                r -> act(r, action))));
        return routes;
    }

    // ---- reading ----

    private void list(Request request) throws IOException {
        int limit = historyLimit(request.query("limit"));
        QueueView queue = jobs.queueView();
        ObjectNode body = StrictJson.object();
        ArrayNode list = body.putArray("jobs");
        for (Job job : jobs.jobsOf(request.user, limit)) {
            list.add(Views.job(job, request.user, queue.placeOf(job.id()).orElse(null)));
        }
        request.json(200, body);
    }

    /** The {@code limit} query parameter of the history: absent means {@link #HISTORY_LIMIT}. */
    static int historyLimit(String asked) {
        if (asked == null) {
            return HISTORY_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(asked);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > 100) {
            throw new Request.Failure(400, "limit '" + asked + "' must be a whole number from 1 to 100");
        }
        return limit;
    }

    private void get(Request request) throws IOException {
        Job job = existing(jobs, request);
        request.json(200, Views.job(job, request.user, jobs.queueView().placeOf(job.id()).orElse(null)));
    }

    private void image(Request request) throws IOException {
        Job job = existing(jobs, request);
        int index;
        try {
            index = Integer.parseInt(request.param("n"));
        } catch (NumberFormatException e) {
            index = -1;
        }
        int shown = job.state() == JobState.DONE ? Views.shownImages(job) : job.parameters().count();
        if (index < 0 || index >= shown) {
            throw new Request.Failure(404, shown == 0 ? "job " + job.id() + " has no picture to show: "
                    + job.error() : "job " + job.id() + " has images 0 to " + (shown - 1) + ", not '"
                    + request.param("n") + "'");
        }
        switch (job.state()) {
            case DELETED -> throw new Request.Failure(410, "this picture was deleted");
            case QUEUED, RUNNING -> throw new Request.Failure(409, "this picture is not finished yet; follow "
                    + Views.jobUrl(job.id()) + "/events");
            case FAILED, CANCELLED -> throw new Request.Failure(409, "this picture was not made: " + job.error());
            case DONE -> {
            }
        }
        Optional<List<byte[]>> images = jobs.images(job);
        if (images.isEmpty() || index >= images.get().size()) {
            throw new Request.Failure(410, "this picture is no longer kept; POST " + Views.jobUrl(job.id())
                    + "/replay draws it again");
        }
        request.header("Cache-Control", "private, max-age=31536000, immutable");
        request.header("Content-Disposition", "inline; filename=\"" + ReplyTexts.fileName(job, index) + "\"");
        request.send(200, "image/png", images.get().get(index));
    }

    // ---- acting ----

    private void submit(Request request) throws IOException {
        Command command;
        try {
            command = UploadForm.isOne(request) ? UploadForm.read(request).command(requester(request))
                    : request.jsonBody(Submission.class, Submission.FIELDS, Submission.EXAMPLE)
                    .command(requester(request));
        } catch (Request.Failure failure) {
            // A picture request refused for its form is a refusal like the job service's own (imagine_refusals_total).
            jobs.refusedByAdapter(WebServer.PLATFORM);
            throw failure;
        }
        answers.send(request, jobs.handle(command, ORIGIN));
    }

    /** An action on a job, as its button in a chat: Same seed and Re-roll answer as a submit, Cancel with the job. */
    private void act(Request request, Action action) throws IOException {
        Job job = existing(jobs, request);
        Reply reply = jobs.handle(action.command(requester(request), job.id()), ORIGIN);
        if (action.drawsAPicture()) {
            answers.send(request, reply);
        } else {
            changed(request, job, reply);
        }
    }

    private void delete(Request request) throws IOException {
        Job job = existing(jobs, request);
        // Only a finished picture can be deleted; the chat platforms offer Delete only under one.
        if (job.ownedBy(request.user) && !job.state().isFinal()) {
            throw new Request.Failure(409, "this picture is still being made; cancel it first (POST "
                    + Views.jobUrl(job.id()) + "/cancel)");
        }
        changed(request, job, jobs.handle(Action.DELETE.command(requester(request), job.id()), ORIGIN));
    }

    /** The job after a cancel or a delete: 200 once it ended, 202 while a running one stops after its step. */
    private void changed(Request request, Job job, Reply reply) throws IOException {
        if (reply instanceof Reply.Refused refused) {
            answers.refuse(request, refused);
            return;
        }
        Job now = jobs.job(job.id()).orElse(job);
        if (now.state().isFinal()) {
            events.refresh(now);
        }
        ObjectNode body = StrictJson.object();
        body.put("message", ReplyTexts.text(reply));
        body.set("job", Views.job(now, request.user, null));
        request.json(now.state().isFinal() ? 200 : 202, body);
    }

    // ---- helpers ----

    /** The job the path names; 404 naming it when there is none. */
    static Job existing(JobService jobs, Request request) {
        String id = request.param("id");
        return jobs.job(id).orElseThrow(() -> new Request.Failure(404, "there is no job '" + id + "'"));
    }

    private static Requester requester(Request request) {
        return Requester.direct(request.user).sharing(request.shareKey);
    }
}
