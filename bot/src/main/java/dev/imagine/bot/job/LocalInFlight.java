package dev.imagine.bot.job;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/** {@link InFlight} within one process: what the embedded queue uses. */
final class LocalInFlight implements InFlight {
    private final Object lock = new Object();
    // Guarded by lock.
    private final Map<String, String> leaderByRequest = new HashMap<>();
    private final Map<String, List<Job>> followersByLeader = new HashMap<>();

    @Override
    public Reply followOrOffer(String request, Job job, Function<String, Reply> follow, Supplier<Reply> offer) {
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

    @Override
    public void release(String jobId) {
        synchronized (lock) {
            leaderByRequest.values().removeIf(jobId::equals);
        }
    }

    @Override
    public List<Job> takeFollowers(String leaderId) {
        synchronized (lock) {
            List<Job> followers = followersByLeader.remove(leaderId);
            return followers == null ? List.of() : followers;
        }
    }

    @Override
    public boolean dropFollower(String jobId) {
        synchronized (lock) {
            return followersByLeader.values().stream()
                    .anyMatch(followers -> followers.removeIf(f -> f.id().equals(jobId)));
        }
    }
}
