package dev.imagine.bot.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ModerationAction;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.job.Reply;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/moderation}: the operator moderates any community (or every one, {@code "*"}) with the API key in the
 * Authorization header, the same commands the chat adapters send for a community's admins, and deletes any picture
 * drawn through the API. Without {@code IMAGINE_API_KEY} there is no operator on the API, even on loopback.
 */
final class ModerationRoutes {
    static final String EVERYWHERE = "*";

    /** The body of {@code POST /api/moderation}. */
    record Body(String community, String action, String user, String policy, List<String> words, Integer pictures,
                String job) {
        static final Map<String, String> FIELDS = Map.of(
                "community", "text: a community key such as \"discord:900000000000000001\" or \"telegram:-100123\","
                        + " or \"*\" for every community",
                "action", "one of show, ban, unban, pause, resume, policy, block, unblock, rate, delete",
                "job", "text: the id of the picture to delete (action delete)",
                "user", "text: platform:id, such as \"discord:123\"",
                "policy", "\"allow\", \"spoiler\", \"blur\" or \"refuse\"",
                "words", "an array of texts",
                "pictures", "a whole number (null: the configured limit)");
        static final String EXAMPLE = "{\"community\": \"*\", \"action\": \"ban\", \"user\": \"discord:123\"}";
    }

    private final JobService jobs;
    private final Access access;
    private final Answers answers;
    private final EventHub events;

    ModerationRoutes(JobService jobs, Access access, Answers answers, EventHub events) {
        this.jobs = jobs;
        this.access = access;
        this.answers = answers;
        this.events = events;
    }

    List<Route> routes() {
        return List.of(
                new Route("GET", "/api/moderation", true, this::show),
                new Route("POST", "/api/moderation", true, this::act));
    }

    private void show(Request request) throws IOException {
        operatorOnly(request);
        String community = request.query("community");
        answer(request, new Command.Moderate(Requester.operator(), community == null ? EVERYWHERE : community.strip(),
                new ModerationAction.Show()));
    }

    private void act(Request request) throws IOException {
        operatorOnly(request);
        Body body = request.jsonBody(Body.class, Body.FIELDS, Body.EXAMPLE);
        if (body.action() != null && body.action().strip().equalsIgnoreCase("delete")) {
            delete(request, body.job());
            return;
        }
        answer(request, command(body));
    }

    /**
     * What a body other than a deletion asks for, as the operator.
     *
     * @throws Request.Failure 400 naming the field that is missing or wrong and what it takes
     */
    static Command.Moderate command(Body body) {
        if (body.community() == null || body.community().isBlank()) {
            throw new Request.Failure(400, "community is missing: a community key such as \"discord:9000…\", or"
                    + " \"*\" for every community");
        }
        if (body.action() == null) {
            throw new Request.Failure(400, "action is missing: " + Body.FIELDS.get("action"));
        }
        if (body.words() != null && body.words().contains(null)) {
            throw new Request.Failure(400, "words must be " + Body.FIELDS.get("words") + ", got null among them");
        }
        List<String> words = body.words() == null ? List.of() : body.words();
        ModerationAction action = switch (body.action().strip().toLowerCase(java.util.Locale.ROOT)) {
            case "show" -> new ModerationAction.Show();
            case "ban" -> new ModerationAction.Ban(body.user());
            case "unban" -> new ModerationAction.Unban(body.user());
            case "pause" -> new ModerationAction.Pause();
            case "resume" -> new ModerationAction.Resume();
            case "policy" -> new ModerationAction.Policy(body.policy());
            case "block" -> new ModerationAction.Block(words);
            case "unblock" -> new ModerationAction.Unblock(words);
            case "rate" -> new ModerationAction.Rate(body.pictures());
            default -> throw new Request.Failure(400, "action '" + body.action() + "' is not one of show, ban, unban,"
                    + " pause, resume, policy, block, unblock, rate, delete");
        };
        return new Command.Moderate(Requester.operator(), body.community().strip(), action);
    }

    /**
     * Deletes anyone's finished picture drawn through the API. A picture posted in Discord or Telegram lives on in
     * its message there, which only that adapter can remove, so it is deleted there, with its Delete button.
     */
    private void delete(Request request, String jobId) throws IOException {
        if (jobId == null || jobId.isBlank()) {
            throw new Request.Failure(400, "job is missing: " + Body.FIELDS.get("job"));
        }
        Job job = jobs.job(jobId.strip()).orElseThrow(() -> new Request.Failure(404, "no picture has the id '"
                + jobId.strip() + "'"));
        if (!job.owner().platform().equals(WebServer.PLATFORM)) {
            throw new Request.Failure(409, "that picture was posted in " + job.owner().platform() + ": delete it"
                    + " there with its Delete button, which the community's admins and the people listed in"
                    + " moderation.operators may press under anyone's picture");
        }
        if (job.state() == JobState.DELETED) {
            throw new Request.Failure(410, "that picture was already deleted");
        }
        if (!job.state().isFinal()) {
            throw new Request.Failure(409, "that picture is still being made; delete it once it is finished");
        }
        Reply reply = jobs.handle(new Command.Delete(Requester.operator(), job.id()), JobRoutes.ORIGIN);
        if (reply instanceof Reply.Refused refused) {
            answers.refuse(request, refused);
            return;
        }
        jobs.job(job.id()).ifPresent(events::refresh);
        ObjectNode body = StrictJson.object();
        body.put("message", ((Reply.Info) reply).text());
        request.json(200, body);
    }

    private void answer(Request request, Command.Moderate command) throws IOException {
        Reply reply = jobs.handle(command, JobRoutes.ORIGIN);
        if (reply instanceof Reply.Refused refused) {
            answers.refuse(request, refused);
            return;
        }
        ObjectNode body = StrictJson.object();
        body.put("message", ((Reply.Info) reply).text());
        request.json(200, body);
    }

    /** The key in the Authorization header (a cookie is not enough to act as the operator). */
    private void operatorOnly(Request request) {
        if (!access.keyRequired()) {
            throw new Request.Failure(403, "moderation through the API needs IMAGINE_API_KEY: set it and send"
                    + " Authorization: Bearer <key>");
        }
        if (!access.authorized(request.http.getHeader("Authorization"), null, false)) {
            throw new Request.Failure(403, "moderation needs the API key in the Authorization header: Bearer <key>");
        }
    }
}
