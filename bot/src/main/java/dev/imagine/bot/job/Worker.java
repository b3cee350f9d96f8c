package dev.imagine.bot.job;

import dev.imagine.bot.queue.JobQueue;
import dev.imagine.bot.queue.QueueEntry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that generates: it takes the next job from the fair-share queue and hands it to the
 * {@link JobRunner}. One worker per process, because one generation already uses every core through ONNX Runtime's
 * intra-op threads; a second would only make both slower. It survives any failure of a job.
 */
final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final JobQueue<Job> queue;
    private final Consumer<QueueEntry<Job>> runner;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** @param runner runs one job ({@link JobRunner#run}); it reports the job's failures itself */
    Worker(JobQueue<Job> queue, Consumer<QueueEntry<Job>> runner) {
        this.queue = queue;
        this.runner = runner;
        this.thread = new Thread(this::loop, "imagine-worker");
    }

    private volatile boolean started;

    void start() {
        started = true;
        thread.start();
    }

    private void loop() {
        try {
            while (true) {
                Optional<QueueEntry<Job>> next = queue.take();
                if (next.isEmpty()) {
                    return;
                }
                try {
                    runner.accept(next.get());
                } catch (RuntimeException | Error e) {
                    // The runner reports job failures itself; this is the last line that keeps the queue moving.
                    LOG.error("job {} failed outside its own error handling", next.get().jobId(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
            LOG.info("worker stopped");
        }
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    /** Waits for the current job to end (the queue must be shut down first so that no new one starts). */
    boolean awaitStop(Duration timeout) throws InterruptedException {
        if (!started) {
            return true;
        }
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
