package dev.imagine.bot.job;

import dev.imagine.bot.queue.JobQueue;
import dev.imagine.bot.queue.LeaseLostException;
import dev.imagine.bot.queue.QueueEntry;
import dev.imagine.pipeline.Generation;
import dev.imagine.pipeline.GenerationCancelledException;
import dev.imagine.pipeline.GenerationResult;
import dev.imagine.pipeline.ProgressListener;
import dev.imagine.pipeline.StepControl;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs the worker takes from the queue, step by step ({@link Generation#run}). Between two steps it asks
 * the queue whether the job should yield: then the generation is parked ({@link Parking}), the job goes back to the
 * head of its owner's line and the worker takes the more deserving job. When the parked job is taken again it goes
 * on from the step where it stopped, with the same pixels. Its owner is not told about the pause: the status simply
 * shows the next step a little later (a pause is at most one short job). The job is charged once, when it completes,
 * all the time it ran. A job stops after its current step when its owner cancels it, when it runs out of time, or
 * when Imagine stops.
 *
 * <p>With a queue shared by several processes, a job may come back RUNNING in the store: the worker that ran it was
 * lost and its lease ran out; it is drawn again from the start. It may also come back already over (its worker was
 * lost after saving its end, before handing over the identical requests that wait for it): those take its place. And a worker that lost its lease (it froze past it,
 * and another worker may be drawing the job now) stops the job at its next step and changes nothing more about it.
 */
record JobRunner(Drawing drawing, JobQueue<Job> queue, WorkerSlot slot, Parking parking, Endings endings,
                 Transitions transitions, JobClocks clocks, Duration jobTimeout) {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    void run(QueueEntry<Job> entry) {
        Optional<Parking.Parked> resumed = parking.resume(entry.jobId());
        Optional<Job> stored = transitions.find(entry.jobId());
        if (stored.isEmpty() || !(stored.get().state() == JobState.QUEUED
                || stored.get().state() == JobState.RUNNING && resumed.isEmpty())) {
            // Cancelled, deleted or given up while it waited (RUNNING: its last worker was lost, it is drawn again).
            resumed.ifPresent(parked -> parked.generation().close());
            stored.filter(job -> job.state().isFinal()).ifPresent(endings::overAlready);
            return;
        }
        Job job;
        if (resumed.isPresent()) {
            job = resumed.get().job();
            transitions.save(job);
        } else {
            job = transitions.running(stored.get());
        }
        long budget = resumed.map(Parking.Parked::budgetNanos).orElse(jobTimeout.toNanos());
        RunningJob running = new RunningJob(job, clocks.ticker().nanos() + budget);
        slot.occupy(running);
        if (resumed.isEmpty()) {
            transitions.announceStart(job);
        }
        execute(entry, running, resumed);
    }

    private void execute(QueueEntry<Job> entry, RunningJob running, Optional<Parking.Parked> resumed) {
        Job job = running.job();
        Spent before = resumed.map(Parking.Parked::spent).orElse(Spent.NOTHING);
        long wallAtStart = clocks.ticker().nanos();
        long cpuAtStart = clocks.processCpuNanos().getAsLong();
        Generation generation = resumed.map(Parking.Parked::generation).orElse(null);
        boolean parked = false;
        try {
            if (generation == null) {
                generation = drawing.begin(job.parameters());
            }
            if (!generation.run(control(running))) {
                Spent spent = before.plus(since(wallAtStart, cpuAtStart));
                parked = parking.park(entry, running, generation, spent, clocks.ticker().nanos());
                return;
            }
            GenerationResult result = generation.finish();
            // Its latents are no longer needed: free them before the slow part (delivery) rather than after it.
            generation.close();
            endings.done(job, result, before.plus(since(wallAtStart, cpuAtStart)));
        } catch (LeaseLostException e) {
            // Whoever holds the job now writes its news; this worker's would only contradict it.
            LOG.warn("{}; stopped after step {} without writing anything", e.getMessage(),
                    generation == null ? 0 : generation.stepsDone());
        } catch (GenerationCancelledException e) {
            StopReason reason = running.stopReason(clocks.ticker().nanos()).orElse(StopReason.TIMED_OUT);
            endings.stopped(job, reason, generation == null ? 0 : generation.stepsDone(),
                    generation == null ? job.parameters().steps() : generation.totalSteps());
        } catch (RuntimeException | Error e) {
            endings.broke(job, e);
        } finally {
            slot.vacate();
            if (!parked) {
                if (generation != null) {
                    generation.close();
                }
                endings.leftTheWorker(job);
            }
        }
    }

    /** Progress to the owner; stop when asked or out of time; yield when the queue says a lighter user waits. */
    private StepControl control(RunningJob running) {
        Job job = running.job();
        ProgressListener progress = update -> {
            if (update.stage() == ProgressListener.Progress.Stage.STEP_DONE) {
                transitions.progress(job, update.step(), update.totalSteps());
            }
        };
        return new StepControl(progress, () -> running.stopReason(clocks.ticker().nanos()).isPresent(),
                () -> running.requested().isEmpty() && queue.shouldYield(job.id()));
    }

    private Spent since(long wallAtStart, long cpuAtStart) {
        return new Spent(clocks.ticker().nanos() - wallAtStart,
                Math.max(0, clocks.processCpuNanos().getAsLong() - cpuAtStart));
    }
}
