package dev.imagine.bot.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.Durations;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.job.QueueView;
import dev.imagine.bot.job.ReplySink;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The web adapter's {@link ReplySink}: it turns what the job service says about web jobs into server-sent events and
 * hands them to whoever follows the job. It keeps only the latest state of each job in memory (so a late subscriber
 * gets the current state first), forgets finished jobs after a while and never holds more than {@code maxJobs}; the
 * job store has the durable truth, and a subscriber for a job it no longer remembers gets its state from there.
 *
 * <p>Sink methods run on the worker thread: they only update memory and offer to bounded queues, never block.
 */
final class EventHub implements ReplySink, AutoCloseable {
    static final int SUBSCRIBER_BUFFER = 64;

    /** One server-sent event; {@code job} (when set) is rendered for each viewer, {@code extra} is added as is. */
    record Event(String name, String jobId, Job job, ObjectNode extra) {
        boolean terminal() {
            return switch (name) {
                case "finished", "failed", "cancelled", "deleted" -> true;
                default -> false;
            };
        }

        boolean isState() {
            return !name.equals("notice");
        }

        /** The JSON of the event's data line as {@code viewer} sees it. */
        ObjectNode data(User viewer) {
            ObjectNode data = StrictJson.object();
            data.put("jobId", jobId);
            if (job != null) {
                data.set("job", Views.job(job, viewer, null));
            }
            if (extra != null) {
                data.setAll(extra);
            }
            return data;
        }
    }

    private static final Event CLOSED = new Event("closed", "", null, null);

    /** What one job's followers are sent; guarded by the hub's lock. */
    private static final class Entry {
        Event last;
        Instant finishedAt;
        final List<Subscription> subscribers = new ArrayList<>();
    }

    private final JobService jobs;
    private final InstantSource clock;
    private final Duration retention;
    private final int maxJobs;
    private final Object lock = new Object();
    // Access order: the least recently touched job is evicted first when there are too many.
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private boolean closed;

    EventHub(JobService jobs, InstantSource clock, Duration retention, int maxJobs) {
        this.jobs = jobs;
        this.clock = clock;
        this.retention = retention;
        this.maxJobs = maxJobs;
    }

    /** A follower of one job: the SSE handler takes its events one by one until a terminal one. */
    final class Subscription implements AutoCloseable {
        private final String jobId;
        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(SUBSCRIBER_BUFFER);

        private Subscription(String jobId) {
            this.jobId = jobId;
        }

        private void offer(Event event) {
            if (!queue.offer(event)) {
                // A subscriber that does not keep up loses older progress, never the latest or the final state.
                queue.clear();
                queue.offer(event);
            }
        }

        /** The next event, or empty after {@code timeout} (the caller sends a keep-alive then). */
        Optional<Event> next(Duration timeout) throws InterruptedException {
            Event event = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.ofNullable(event);
        }

        static boolean isClosed(Event event) {
            return event == CLOSED;
        }

        @Override
        public void close() {
            synchronized (lock) {
                Entry entry = entries.get(jobId);
                if (entry != null) {
                    entry.subscribers.remove(this);
                }
            }
        }
    }

    /** Follows a job: the current state comes first (from memory, else from the store), then what happens next. */
    Subscription subscribe(Job job) {
        Subscription subscription = new Subscription(job.id());
        synchronized (lock) {
            if (closed) {
                subscription.offer(CLOSED);
                return subscription;
            }
            Entry entry = entries.get(job.id());
            if (entry == null || entry.last == null) {
                Event current = fromStore(job);
                entry = entryFor(job.id());
                entry.last = current;
                if (current.terminal()) {
                    entry.finishedAt = clock.instant();
                }
            }
            subscription.offer(entry.last);
            if (!entry.last.terminal()) {
                entry.subscribers.add(subscription);
            }
        }
        return subscription;
    }

    /** The job service accepted a web job at {@code position}; ignored when the worker already reported on it. */
    void accepted(Job job, int position, Duration eta) {
        synchronized (lock) {
            Entry entry = entries.get(job.id());
            if (entry != null && entry.last != null) {
                return;
            }
        }
        publish(queuedEvent(job, position, eta));
    }

    /** Publishes a state read from the store (after a cancel or delete that the sink is not told about). */
    void refresh(Job job) {
        publish(fromStore(job));
    }

    // ---- ReplySink ----

    @Override
    public void queued(Job job, int position, Duration eta) {
        publish(queuedEvent(job, position, eta));
    }

    @Override
    public void started(Job job) {
        publish(new Event("started", job.id(), job, null));
    }

    @Override
    public void progress(Job job, int step, int totalSteps) {
        ObjectNode extra = StrictJson.object();
        extra.put("step", step);
        extra.put("totalSteps", totalSteps);
        publish(new Event("progress", job.id(), null, extra));
    }

    @Override
    public void finished(Job job, List<byte[]> pngs, Duration elapsed) {
        ObjectNode extra = StrictJson.object();
        extra.put("elapsedSeconds", elapsed.toMillis() / 1000.0);
        publish(new Event("finished", job.id(), job, extra));
    }

    @Override
    public void failed(Job job, String message) {
        publish(new Event("failed", job.id(), job, message(message)));
    }

    @Override
    public void cancelled(Job job, String reason) {
        publish(new Event("cancelled", job.id(), job, message(reason)));
    }

    @Override
    public void notice(Job job, String message) {
        publish(new Event("notice", job.id(), null, message(message)));
    }

    // ---- state ----

    private void publish(Event event) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            Entry entry = entryFor(event.jobId());
            if (entry.last != null && entry.last.terminal() && !event.name().equals("deleted")) {
                return;
            }
            if (event.isState()) {
                entry.last = event;
            }
            for (Subscription subscriber : entry.subscribers) {
                subscriber.offer(event);
            }
            if (event.terminal()) {
                entry.subscribers.clear();
                entry.finishedAt = clock.instant();
            }
            evict();
        }
    }

    private Entry entryFor(String jobId) {
        Entry entry = entries.get(jobId);
        if (entry == null) {
            entry = new Entry();
            entries.put(jobId, entry);
        }
        return entry;
    }

    /** Forgets finished jobs older than the retention, then the least recently touched ones beyond the bound. */
    private void evict() {
        Instant oldest = clock.instant().minus(retention);
        entries.values().removeIf(e -> e.finishedAt != null && e.finishedAt.isBefore(oldest));
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > maxJobs && it.hasNext()) {
            Entry entry = it.next().getValue();
            for (Subscription subscriber : entry.subscribers) {
                subscriber.offer(CLOSED);
            }
            it.remove();
        }
    }

    int rememberedJobs() {
        synchronized (lock) {
            return entries.size();
        }
    }

    /**
     * Catches up with what the sink is not told: places in the queue that moved, jobs of other platforms, jobs
     * cancelled while waiting. Runs about once a second, only for jobs somebody follows.
     */
    void tick() {
        List<String> followed;
        synchronized (lock) {
            evict();
            followed = entries.entrySet().stream()
                    .filter(e -> !e.getValue().subscribers.isEmpty() && e.getValue().last != null
                            && !e.getValue().last.terminal())
                    .map(Map.Entry::getKey).toList();
        }
        if (followed.isEmpty()) {
            return;
        }
        QueueView queue = jobs.queueView();
        for (String jobId : followed) {
            Optional<Job> stored = jobs.job(jobId);
            if (stored.isEmpty()) {
                continue;
            }
            Job job = stored.get();
            Event last;
            synchronized (lock) {
                Entry entry = entries.get(jobId);
                last = entry == null ? null : entry.last;
            }
            if (last == null) {
                continue;
            }
            if (job.state().isFinal()) {
                publish(fromStore(job));
            } else if (job.state() == JobState.RUNNING && last.name().equals("queued")) {
                publish(new Event("started", jobId, job, null));
            } else if (job.state() == JobState.QUEUED && last.name().equals("queued")) {
                Optional<QueueView.Place> place = queue.placeOf(jobId);
                if (place.isPresent() && movedSince(last, place.get())) {
                    publish(queuedEvent(job, place.get().position(), place.get().eta()));
                }
            }
        }
    }

    private static boolean movedSince(Event last, QueueView.Place place) {
        ObjectNode extra = last.extra();
        if (extra == null || !extra.has("position")) {
            return true;
        }
        return extra.get("position").asInt() != place.position()
                || !extra.get("eta").asText().equals(Durations.about(place.eta()));
    }

    /** The event that describes a job's state in the store right now. */
    private Event fromStore(Job job) {
        return switch (job.state()) {
            case QUEUED -> jobs.queueView().placeOf(job.id())
                    .map(place -> queuedEvent(job, place.position(), place.eta()))
                    .orElseGet(() -> new Event("queued", job.id(), job, null));
            case RUNNING -> new Event("started", job.id(), job, null);
            case DONE -> new Event("finished", job.id(), job, null);
            case FAILED -> new Event("failed", job.id(), job, message(job.error()));
            case CANCELLED -> new Event("cancelled", job.id(), job, message(job.error()));
            case DELETED -> new Event("deleted", job.id(), job, message("This picture was deleted."));
        };
    }

    private static Event queuedEvent(Job job, int position, Duration eta) {
        ObjectNode extra = StrictJson.object();
        Views.addPosition(extra, position, eta);
        return new Event("queued", job.id(), job, extra);
    }

    private static ObjectNode message(String text) {
        ObjectNode extra = StrictJson.object();
        extra.put("message", text == null ? "" : text);
        return extra;
    }

    /** Ends every open stream. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            for (Entry entry : entries.values()) {
                for (Subscription subscriber : entry.subscribers) {
                    subscriber.offer(CLOSED);
                }
                entry.subscribers.clear();
            }
        }
    }
}
