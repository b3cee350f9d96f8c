package dev.imagine.bot.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who goes next: the user with the smallest {@code priority = decayedUsage - agingRate * wait}, where wait is how
 * long the user's oldest waiting job has waited; ties go to the older submit time, then the lower sequence number.
 * Within one user, first in first out. Pure functions over the queue's state; the caller holds the lock.
 */
final class FairSharePolicy {
    private FairSharePolicy() {
    }

    /** The user whose oldest job is served next, or null when nothing waits. */
    static <J> String nextUser(Map<String, ? extends Deque<QueueEntry<J>>> waiting, Map<String, Usage> usage,
                               QueueSettings settings, Instant now) {
        String best = null;
        double bestPriority = 0;
        QueueEntry<J> bestHead = null;
        for (Map.Entry<String, ? extends Deque<QueueEntry<J>>> e : waiting.entrySet()) {
            QueueEntry<J> head = e.getValue().peekFirst();
            if (head == null) {
                continue;
            }
            double priority = priority(usage.getOrDefault(e.getKey(), Usage.NONE), head, settings, now);
            if (best == null || priority < bestPriority
                    || (priority == bestPriority && olderThan(head, bestHead))) {
                best = e.getKey();
                bestPriority = priority;
                bestHead = head;
            }
        }
        return best;
    }

    static double priority(Usage usage, QueueEntry<?> oldest, QueueSettings settings, Instant now) {
        double waited = Math.max(0, Usage.seconds(Duration.between(oldest.submittedAt(), now)));
        return usage.at(now, settings.usageHalfLife()) - settings.agingRate() * waited;
    }

    private static boolean olderThan(QueueEntry<?> a, QueueEntry<?> b) {
        int bySubmit = a.submittedAt().compareTo(b.submittedAt());
        return bySubmit != 0 ? bySubmit < 0 : a.sequence() < b.sequence();
    }

    /**
     * The order in which the waiting jobs would be served if nobody else arrived: the worker finishes the running
     * job after {@code runningRemaining} (its user charged its estimated cost), then takes job after job, each
     * charged its estimated cost when it ends, as the queue will do with the real costs.
     */
    static <J> List<QueuedJob<J>> plan(Map<String, ? extends Deque<QueueEntry<J>>> waiting, Map<String, Usage> usage,
                                       QueueSettings settings, Instant now, QueueEntry<J> running,
                                       Duration runningRemaining) {
        Map<String, Deque<QueueEntry<J>>> left = new HashMap<>();
        Map<String, Usage> projected = new HashMap<>();
        int total = 0;
        for (Map.Entry<String, ? extends Deque<QueueEntry<J>>> e : waiting.entrySet()) {
            if (!e.getValue().isEmpty()) {
                left.put(e.getKey(), new ArrayDeque<>(e.getValue()));
                projected.put(e.getKey(), usage.getOrDefault(e.getKey(), Usage.NONE));
                total += e.getValue().size();
            }
        }
        Duration halfLife = settings.usageHalfLife();
        Instant t = now.plus(runningRemaining);
        if (running != null && projected.containsKey(running.user())) {
            projected.put(running.user(),
                    projected.get(running.user()).plus(Usage.seconds(running.estimatedCost()), t, halfLife));
        }
        List<QueuedJob<J>> order = new ArrayList<>(total);
        for (int position = 1; position <= total; position++) {
            String user = nextUser(left, projected, settings, t);
            QueueEntry<J> entry = left.get(user).pollFirst();
            order.add(new QueuedJob<>(entry, position, Duration.between(now, t)));
            t = t.plus(entry.estimatedCost());
            projected.put(user, projected.get(user).plus(Usage.seconds(entry.estimatedCost()), t, halfLife));
        }
        return order;
    }
}
