package dev.imagine.bot.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.QueueView;
import dev.imagine.bot.job.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The job service's answer as an HTTP response: what it decided, translated and nothing more. An accepted job is a
 * 202 with its place, a picture from the cache a 200, a refusal the status its reason stands for, with
 * {@code Retry-After} where asking again later may work.
 */
final class Answers {
    private final JobService jobs;
    private final EventHub events;

    Answers(JobService jobs, EventHub events) {
        this.jobs = jobs;
        this.events = events;
    }

    void send(Request request, Reply reply) throws IOException {
        switch (reply) {
            case Reply.Accepted accepted -> {
                events.accepted(accepted.job(), accepted.position(), accepted.eta());
                ObjectNode body = StrictJson.object();
                body.set("job", Views.job(accepted.job(), request.user, null));
                Views.addPosition(body, accepted.position(), accepted.eta());
                body.put("events", Views.jobUrl(accepted.job().id()) + "/events");
                request.header("Location", Views.jobUrl(accepted.job().id()));
                request.json(202, body);
            }
            case Reply.Finished finished -> {
                events.refresh(finished.job());
                ObjectNode body = StrictJson.object();
                body.set("job", Views.job(finished.job(), request.user, null));
                request.header("Location", Views.jobUrl(finished.job().id()));
                request.json(200, body);
            }
            case Reply.Refused refused -> refuse(request, refused);
            case Reply.Info info -> {
                ObjectNode body = StrictJson.object();
                body.put("message", info.text());
                request.json(200, body);
            }
        }
    }

    void refuse(Request request, Reply.Refused refused) throws IOException {
        int status = statusOf(refused.reason());
        if (status == 429 || status == 503) {
            Duration after = refused.retryAfterKnown().map(Answers::wholeSeconds).orElseGet(() -> retryAfter(request.user));
            request.header("Retry-After", Long.toString(after.toSeconds()));
        }
        request.error(status, refused.message());
    }

    /**
     * What each reason is in HTTP. Only a full queue is "too many requests"; something this Imagine does not offer
     * (a decoder that is not installed) is a wrong request like a value out of range.
     */
    static int statusOf(Reply.Refused.Reason reason) {
        return switch (reason) {
            case INVALID, NOT_AVAILABLE -> 400;
            case NOT_ALLOWED -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case BUSY -> 429;
            case SHUTTING_DOWN -> 503;
        };
    }

    /** A wait the engine knows (a rate limit's refill), in whole seconds rounded up, at least 1. */
    private static Duration wholeSeconds(Duration wait) {
        return Duration.ofSeconds(Math.max(1, (wait.toMillis() + 999) / 1000));
    }

    /**
     * When asking again may work: a full share frees a place when the person's next waiting job starts, a full queue
     * when the first waiting job starts (the estimates of the queue; at least 1 s, at most an hour).
     */
    Duration retryAfter(User user) {
        QueueView queue = jobs.queueView();
        List<QueueView.Place> mine = queue.placesOf(user);
        List<QueueView.Place> relevant = mine.isEmpty() ? queue.waiting() : mine;
        Duration soonest = relevant.stream().map(QueueView.Place::eta).min(Duration::compareTo)
                .orElse(Duration.ofSeconds(10));
        long seconds = Math.max(1, Math.min(3600, (soonest.toMillis() + 999) / 1000));
        return Duration.ofSeconds(seconds);
    }
}
