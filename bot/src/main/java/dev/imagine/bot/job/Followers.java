package dev.imagine.bot.job;

import java.time.Duration;
import java.util.List;

/** What becomes of the jobs that waited for an identical one ({@link InFlight}) when that one ends. */
record Followers(InFlight inFlight, Intake intake, Transitions transitions, SafetyScreen screen, AdmissionGate gate,
                 Audience audience) {

    /** The leader is done: each follower is done too, with its pictures labelled with its own words. */
    void finish(Job leader, List<byte[]> made, Duration took) {
        inFlight.release(leader.id());
        for (Job follower : inFlight.takeFollowers(leader.id())) {
            // Each judged for its own channel: one may show a picture that another hides or holds back.
            Job done = transitions.doneFromCache(follower, leader.resultKeys(), d -> screen.judge(d, made));
            transitions.deliverFromCache(done, screen.present(done, made), took);
        }
    }

    /**
     * The leader did not finish: its followers take its place in the queue, each under its own id, so that the
     * message or page that shows one keeps following the right job.
     */
    void takeOver(Job leader) {
        // First, so that the followers do not find the leader in flight again and follow it into nothing.
        inFlight.release(leader.id());
        for (Job follower : inFlight.takeFollowers(leader.id())) {
            ReplySink sink = audience.sinkOf(follower);
            if (!gate.isOpen()) {
                // Still QUEUED in the store: it is resumed with the other waiting jobs at the next start.
                sink.notice(follower, RestartNotices.KEEPS_ITS_PLACE);
                continue;
            }
            switch (intake.admit(follower, true)) {
                case Reply.Accepted accepted -> sink.queued(accepted.job(), accepted.position(), accepted.eta());
                case Reply.Finished finished -> sink.finished(finished.job(), finished.pngs(), Duration.ZERO);
                case Reply.Refused refused -> sink.failed(follower, refused.message());
                case Reply.Info info -> sink.notice(follower, info.text());
            }
        }
    }

    /** The job no longer leads anything in flight, whatever became of it. */
    void release(Job job) {
        inFlight.release(job.id());
    }
}
