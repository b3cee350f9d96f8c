package dev.imagine.bot.job;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Identical requests in flight share one generation: the first one is the leader (waiting in the queue or on the
 * worker); the others follow it and get its pictures when it is done, or take its place when it is not. A request
 * is known by its pictures' cache keys.
 */
final class InFlight {
    private final Object lock = new Object();
    // Guarded by lock.
    private final Map<String, String> leaderByRequest = new HashMap<>();
    private final Map<String, List<Job>> followersByLeader = new HashMap<>();

    /**
     * Under one lock: when an identical request is in flight, {@code follow} answers with its leader's id and
     * {@code job} then follows it; otherwise {@code offer} answers, and an accepted job leads from then on.
     */
    Reply followOrOffer(String request, Job job, Function<String, Reply> follow, Supplier<Reply> offer) {
        synchronized (lock) {
            String leader = leaderByRequest.get(request);
            if (leader != null) {
                Reply reply = follow.apply(leader);
                followersByLeader.computeIfAbsent(leader, id -> new ArrayList<>()).add(job);
                return reply;
            }
            Reply reply = offer.get();
            if (reply instanceof Reply.Accepted) {
                leaderByRequest.put(request, job.id());
            }
            return reply;
        }
    }

    /** The job no longer leads: a new identical request is drawn (or answered from the cache) on its own. */
    void release(String jobId) {
        synchronized (lock) {
            leaderByRequest.values().removeIf(jobId::equals);
        }
    }

    /** The jobs that followed {@code leaderId}, which no longer follow anything. */
    List<Job> takeFollowers(String leaderId) {
        synchronized (lock) {
            List<Job> followers = followersByLeader.remove(leaderId);
            return followers == null ? List.of() : followers;
        }
    }

    /** Stops {@code jobId} following its leader; says whether it was following one. */
    boolean dropFollower(String jobId) {
        synchronized (lock) {
            return followersByLeader.values().stream()
                    .anyMatch(followers -> followers.removeIf(f -> f.id().equals(jobId)));
        }
    }
}
