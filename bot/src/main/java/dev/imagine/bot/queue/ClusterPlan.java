package dev.imagine.bot.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * {@link FairSharePolicy#plan} for N workers: the order in which the waiting jobs would start if nobody else
 * arrived and every job cost what was estimated. Each worker that holds a job is free when what remains of its
 * estimate has passed; the others are free now. The earliest free worker takes the next job by the policy, where a
 * user's usage counts the jobs that ended by then (charged at their end, as the workers do) plus the estimates of
 * the user's jobs still running (as the take script counts them). With one worker this is exactly the embedded
 * plan: a job is charged before the next starts, so nothing is in flight at a pick.
 */
public final class ClusterPlan {
    private ClusterPlan() {
    }

    /** A job a worker holds now. */
    public record Running(String user, Duration estimatedCost, Instant startedAt) {
    }

    private record Pending(Instant end, long order, String user, Duration cost) {
    }

    public static <J> List<QueuedJob<J>> plan(List<QueueEntry<J>> waitingBySequence, Map<String, Usage> usage,
                                       List<Running> running, int liveWorkers, QueueSettings settings,
                                       Instant now) {
        Map<String, Deque<QueueEntry<J>>> left = new LinkedHashMap<>();
        for (QueueEntry<J> e : waitingBySequence) {
            left.computeIfAbsent(e.user(), u -> new ArrayDeque<>()).addLast(e);
        }
        // A requeued job goes back to the head of its user's line: within one user, the lower sequence first.
        Map<String, Usage> projected = new HashMap<>(usage);
        Duration halfLife = settings.usageHalfLife();
        PriorityQueue<Instant> freeAt = new PriorityQueue<>();
        PriorityQueue<Pending> pending = new PriorityQueue<>(
                Comparator.comparing(Pending::end).thenComparingLong(Pending::order));
        long order = 0;
        for (Running r : running) {
            Duration leftOfIt = r.estimatedCost().minus(Duration.between(r.startedAt(), now));
            Instant end = now.plus(leftOfIt.isNegative() ? Duration.ZERO : leftOfIt);
            freeAt.add(end);
            pending.add(new Pending(end, order++, r.user(), r.estimatedCost()));
        }
        for (int idle = Math.max(1, liveWorkers) - running.size(); idle > 0; idle--) {
            freeAt.add(now);
        }
        List<QueuedJob<J>> plan = new ArrayList<>(waitingBySequence.size());
        for (int position = 1; position <= waitingBySequence.size(); position++) {
            Instant t = freeAt.poll();
            while (!pending.isEmpty() && !pending.peek().end().isAfter(t)) {
                Pending p = pending.poll();
                projected.put(p.user(), projected.getOrDefault(p.user(), Usage.NONE)
                        .plus(Usage.seconds(p.cost()), p.end(), halfLife));
            }
            String user = FairSharePolicy.nextUser(left, withInflight(projected, pending, t, halfLife), settings, t);
            QueueEntry<J> entry = left.get(user).pollFirst();
            if (left.get(user).isEmpty()) {
                left.remove(user);
            }
            plan.add(new QueuedJob<>(entry, position, Duration.between(now, t)));
            Instant end = t.plus(entry.estimatedCost());
            freeAt.add(end);
            pending.add(new Pending(end, order++, user, entry.estimatedCost()));
        }
        return plan;
    }

    private static Map<String, Usage> withInflight(Map<String, Usage> projected, PriorityQueue<Pending> pending,
                                                   Instant t, Duration halfLife) {
        if (pending.isEmpty()) {
            return projected;
        }
        Map<String, Double> inflight = new HashMap<>();
        for (Pending p : pending) {
            inflight.merge(p.user(), Usage.seconds(p.cost()), Double::sum);
        }
        Map<String, Usage> with = new HashMap<>(projected);
        inflight.forEach((user, seconds) -> with.put(user,
                new Usage(with.getOrDefault(user, Usage.NONE).at(t, halfLife) + seconds, t)));
        return with;
    }
}
