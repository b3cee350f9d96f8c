package dev.imagine.bot.job;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.User;
import dev.imagine.bot.queue.JobQueue;
import java.util.Locale;
import java.util.Optional;

/**
 * Cancel and Delete: what only the person who asked for a picture may do with it; and Delete of any picture Imagine
 * posted in a community by its admins (or anywhere by the operator), which the audit log records.
 */
record OwnerActions(Queries queries, JobQueue<Job> queue, WorkerSlot slot, Parking parking, InFlight inFlight,
                    Endings endings, Transitions transitions, Authority authority, AuditLog audit) {

    /** A waiting job ends at once and costs nothing; the running one stops after its current step. */
    Reply cancel(Command.Cancel command) {
        User user = command.requester().user();
        Optional<Job> target = command.jobId() == null ? queries.latestActiveJobOf(user) : queries.job(command.jobId());
        if (target.isEmpty()) {
            return new Reply.Refused("You have no waiting or running picture to cancel.",
                    Reply.Refused.Reason.NOT_FOUND);
        }
        Job job = target.get();
        if (!job.ownedBy(user)) {
            return new Reply.Refused("Only the person who asked for a picture can cancel it.",
                    Reply.Refused.Reason.NOT_ALLOWED);
        }
        if (job.state().isFinal()) {
            // Checked before the running job: one that just finished is still "running" until its news is out.
            return already(job);
        }
        if (slot.requestStop(job.id(), StopReason.CANCELLED_BY_OWNER)
                || job.state() == JobState.RUNNING && queue.requestStop(job.id())) {
            // Here, or on the worker of another process that draws it (a shared queue).
            return new Reply.Info("Stopping your picture after the current step.");
        }
        if (job.state() != JobState.QUEUED) {
            return already(job);
        }
        queue.cancel(job.id());
        parking.close(job.id());
        inFlight.dropFollower(job.id());
        endings.cancelled(job);
        return new Reply.Info("Cancelled; it costs you nothing.");
    }

    private static Reply already(Job job) {
        return new Reply.Refused("That picture is already " + job.state().name().toLowerCase(Locale.ROOT) + ".",
                Reply.Refused.Reason.CONFLICT);
    }

    Reply delete(Command.Delete command) {
        Optional<Job> target = queries.job(command.jobId());
        if (target.isEmpty()) {
            return new Reply.Refused("I can't find that picture any more.", Reply.Refused.Reason.NOT_FOUND);
        }
        Job job = target.get();
        if (!job.ownedBy(command.requester().user())) {
            String community = Rules.communityOf(job);
            // The operator may delete any picture, also one drawn outside a community (a private chat, the API).
            boolean operator = authority.operator(command.requester());
            if (!operator && (community == null || !authority.moderates(command.requester(), community))) {
                return new Reply.Refused("Only the person who asked for this picture (or this community's admins)"
                        + " can delete it.", Reply.Refused.Reason.NOT_ALLOWED);
            }
            audit.record("delete", Authority.actor(command.requester()), community, job.id(),
                    "picture of " + job.owner().key());
        }
        transitions.deleted(job);
        return new Reply.Info("Deleted.");
    }
}
