package dev.imagine.bot.job;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records what the job service told a platform, and lets a test wait for it. */
final class RecordingSink implements ReplySink {
    record Event(String kind, Job job, String detail, List<byte[]> pngs) {
    }

    final List<Event> events = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Event> arrivals = new LinkedBlockingQueue<>();

    private void add(Event event) {
        events.add(event);
        arrivals.add(event);
    }

    /** Waits (up to 10 s) for the next event of {@code kind} about {@code jobId}. */
    Event await(String kind, String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Event seen : events) {
            if (seen.kind().equals(kind) && seen.job().id().equals(jobId)) {
                return seen;
            }
        }
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            // Returns as soon as the next event arrives; only the deadline limits the wait.
            Event event = arrivals.poll(left, TimeUnit.NANOSECONDS);
            if (event != null && event.kind().equals(kind) && event.job().id().equals(jobId)) {
                return event;
            }
        }
        throw new AssertionError("no '" + kind + "' for job " + jobId + " within 10 s; saw " + events.stream()
                .map(e -> e.kind() + ":" + e.job().id()).toList());
    }

    @Override
    public void queued(Job job, int position, Duration eta) {
        add(new Event("queued", job, "#" + position, List.of()));
    }

    @Override
    public void started(Job job) {
        add(new Event("started", job, "", List.of()));
    }

    @Override
    public void progress(Job job, int step, int totalSteps) {
        add(new Event("progress", job, step + "/" + totalSteps, List.of()));
    }

    @Override
    public void finished(Job job, List<byte[]> pngs, Duration elapsed) {
        add(new Event("finished", job, "", pngs));
    }

    @Override
    public void failed(Job job, String message) {
        add(new Event("failed", job, message, List.of()));
    }

    @Override
    public void cancelled(Job job, String reason) {
        add(new Event("cancelled", job, reason, List.of()));
    }

    @Override
    public void notice(Job job, String message) {
        add(new Event("notice", job, message, List.of()));
    }
}
