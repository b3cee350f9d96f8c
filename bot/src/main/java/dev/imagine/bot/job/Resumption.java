package dev.imagine.bot.job;

import dev.imagine.bot.queue.Admission;
import dev.imagine.bot.queue.JobQueue;
import dev.imagine.bot.queue.Usage;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Imagine takes back from the store when it starts: everyone's fair-share usage, and the jobs that were waiting
 * or running when it stopped (a running one is drawn again from the start). Their owners are told, and the log says
 * how many came back and from which state.
 */
record Resumption(JobStore store, JobQueue<Job> queue, Intake intake, Transitions transitions) {
    private static final Logger LOG = LoggerFactory.getLogger(Resumption.class);

    void resume() {
        if (queue.sharedAcrossProcesses()) {
            // The waiting jobs and the usage ledger live in the shared queue and outlast every process; a job whose
            // worker was lost comes back by itself when its lease runs out.
            LOG.info("the queue is shared: its waiting jobs and everyone's usage stay where they are");
            return;
        }
        restoreUsage();
        int wereWaiting = 0;
        int wereRunning = 0;
        int refused = 0;
        for (Job job : store.findByState(EnumSet.of(JobState.QUEUED, JobState.RUNNING))) {
            if (!requeue(job)) {
                refused++;
            } else if (job.state() == JobState.RUNNING) {
                wereRunning++;
            } else {
                wereWaiting++;
            }
        }
        logResumed(wereWaiting, wereRunning, refused);
    }

    private void restoreUsage() {
        Map<String, Usage> ledger = store.usageLedger();
        Set<String> restored = queue.restoreUsage(ledger);
        Set<String> forgotten = new HashSet<>(ledger.keySet());
        forgotten.removeAll(restored);
        store.forgetUsage(forgotten);
        if (!restored.isEmpty()) {
            LOG.info("fair-share usage of {} {} restored from the job store", restored.size(),
                    restored.size() == 1 ? "person" : "people");
        }
    }

    /** Puts a job of the last run back in the queue; says whether it fitted. */
    private boolean requeue(Job job) {
        Job waiting = job.state() == JobState.RUNNING ? job.requeued() : job;
        Admission<Job> admission = queue.offer(waiting.id(), waiting.fairShare(), waiting,
                intake.estimate(waiting.parameters()));
        if (admission instanceof Admission.Accepted<Job> accepted) {
            transitions.save(waiting);
            transitions.notice(waiting, "Imagine restarted; your picture is back in the queue at #"
                    + accepted.position() + ", " + Durations.about(accepted.estimatedWait()) + ".");
            return true;
        }
        transitions.failed(waiting, "Imagine restarted and could not take your request back into the queue; please"
                + " ask again.");
        return false;
    }

    /** Says after a restart how many jobs came back, and from which state. */
    private static void logResumed(int wereWaiting, int wereRunning, int refused) {
        int resumed = wereWaiting + wereRunning;
        if (resumed > 0) {
            LOG.info("resumed {} {} from the last run: {} {} waiting, {} {} running{}", resumed,
                    resumed == 1 ? "job" : "jobs", wereWaiting, wereWaiting == 1 ? "was" : "were", wereRunning,
                    wereRunning == 1 ? "was" : "were", wereRunning > 0 ? " (drawn again from the start)" : "");
        }
        if (refused > 0) {
            LOG.warn("{} job(s) of the last run did not fit in the queue any more and were marked failed", refused);
        }
    }
}
