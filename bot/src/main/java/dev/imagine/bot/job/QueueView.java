package dev.imagine.bot.job;

import dev.imagine.bot.command.User;
import dev.imagine.bot.queue.QueueSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The queue at one instant as data, for adapters: every waiting job with its place and estimated wait, in the order
 * the fair-share queue would serve them, and the job on the worker. Keep the place apart from the wait when you show
 * them (people confuse the two).
 */
public record QueueView(List<Place> waiting, Optional<Job> running) {

    /** A waiting job: {@code position} 1 goes next; {@code eta} is the estimated wait until it starts. */
    public record Place(Job job, int position, Duration eta) {
    }

    public QueueView {
        waiting = List.copyOf(waiting);
    }

    static QueueView of(QueueSnapshot<Job> snapshot, Job running) {
        return new QueueView(snapshot.jobs().stream()
                .map(queued -> new Place(queued.entry().job(), queued.position(), queued.estimatedWait())).toList(),
                Optional.ofNullable(running));
    }

    /** How many jobs wait, everyone's. */
    public int length() {
        return waiting.size();
    }

    /** Where job {@code jobId} waits; empty when it does not wait (any more). */
    public Optional<Place> placeOf(String jobId) {
        return waiting.stream().filter(place -> place.job().id().equals(jobId)).findFirst();
    }

    /** {@code user}'s waiting jobs, by position. */
    public List<Place> placesOf(User user) {
        return waiting.stream().filter(place -> place.job().ownedBy(user)).toList();
    }

    /** Whether the job being drawn is {@code user}'s. */
    public boolean drawingFor(User user) {
        return running.filter(job -> job.ownedBy(user)).isPresent();
    }
}
