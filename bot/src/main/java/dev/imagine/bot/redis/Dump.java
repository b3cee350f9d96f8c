package dev.imagine.bot.redis;

import static dev.imagine.bot.redis.Replies.dbl;
import static dev.imagine.bot.redis.Replies.list;
import static dev.imagine.bot.redis.Replies.lng;
import static dev.imagine.bot.redis.Replies.str;

import dev.imagine.bot.queue.ClusterPlan;
import dev.imagine.bot.queue.QueueEntry;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.queue.QueuedJob;
import dev.imagine.bot.queue.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The queue's state as the offer and snapshot scripts read it in one go (see {@code dump} in prelude.lua): the time,
 * the waiting jobs by sequence, the jobs workers hold, the usage of their users and how many workers live. Positions
 * and waits are computed from it here ({@link ClusterPlan}); they are for display, the order itself is the take
 * script's.
 */
final class Dump<J> {
    private final Instant now;
    private final List<QueueEntry<J>> waiting = new ArrayList<>();
    private final List<ClusterPlan.Running> running = new ArrayList<>();
    private final Map<String, Usage> usage = new HashMap<>();
    private final int workers;

    Dump(List<Object> dump, Function<String, J> decode) {
        now = Micros.instant((long) dbl(dump.get(0)));
        for (Object o : list(dump.get(1))) {
            List<Object> w = list(o);
            waiting.add(new QueueEntry<>(str(w.get(0)), str(w.get(1)), decode.apply(str(w.get(6))),
                    Micros.duration(lng(w.get(2))), Micros.instant((long) dbl(w.get(3))), lng(w.get(4)),
                    (int) lng(w.get(5))));
        }
        for (Object o : list(dump.get(2))) {
            List<Object> l = list(o);
            running.add(new ClusterPlan.Running(str(l.get(1)), Micros.duration(lng(l.get(2))),
                    Micros.instant((long) dbl(l.get(3)))));
        }
        for (Object o : list(dump.get(3))) {
            List<Object> u = list(o);
            double cpu = dbl(u.get(1));
            if (cpu > 0) {
                usage.put(str(u.get(0)), new Usage(cpu, Micros.instant((long) dbl(u.get(2)))));
            }
        }
        workers = (int) lng(dump.get(4));
    }

    Instant now() {
        return now;
    }

    List<QueuedJob<J>> plan(QueueSettings settings) {
        return ClusterPlan.plan(waiting, usage, running, workers, settings, now);
    }

    /** How long until the first worker is free, by the estimates. */
    Duration firstFree() {
        if (running.size() < Math.max(1, workers)) {
            return Duration.ZERO;
        }
        Duration first = null;
        for (ClusterPlan.Running r : running) {
            Duration left = r.estimatedCost().minus(Duration.between(r.startedAt(), now));
            left = left.isNegative() ? Duration.ZERO : left;
            first = first == null || left.compareTo(first) < 0 ? left : first;
        }
        return first;
    }
}
