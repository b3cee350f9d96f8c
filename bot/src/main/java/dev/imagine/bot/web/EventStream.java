package dev.imagine.bot.web;

import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobService;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code GET /api/jobs/{id}/events}: a job's news as server-sent events, the current state first, then every change
 * until a final event ends the stream; a comment line keeps a quiet connection open.
 */
final class EventStream {
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final JobService jobs;
    private final EventHub events;

    EventStream(JobService jobs, EventHub events) {
        this.jobs = jobs;
        this.events = events;
    }

    Route route() {
        return new Route("GET", "/api/jobs/{id}/events", true, this::follow);
    }

    private void follow(Request request) throws IOException, InterruptedException {
        Job job = JobRoutes.existing(jobs, request);
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
}
