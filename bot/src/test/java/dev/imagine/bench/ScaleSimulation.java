package dev.imagine.bench;

import static dev.imagine.bench.FairnessSimulation.HEAVY;
import static dev.imagine.bench.FairnessSimulation.START;

import dev.imagine.bench.FairnessSimulation.Config;
import dev.imagine.bench.FairnessSimulation.Job;
import dev.imagine.bench.FairnessSimulation.Outcome;
import dev.imagine.bot.queue.JobQueue;
import dev.imagine.bot.queue.QueueEntry;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.redis.SimulatedWorkers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The fairness half of bench/scale: bench/fairness's workload on 1, 2 and 3 workers that share one queue. Fair share
 * is the real Redis queue (its Lua scripts on a real redis-server, one {@code RedisJobQueue} per worker, each taking
 * and completing its own jobs) on the simulation's clock; FIFO has the same limits. The light users' arrival rate
 * grows with the workers, so that they ask for a third of the machines in every case, and the heavy user keeps their
 * per-user limit full: with more workers the heavy user gets more, but must not get more than their share. Nothing
 * sleeps; a fixed seed makes every run the same. Without preemption, and with it at step boundaries (as the job
 * service works), each against the same FIFO.
 */
public final class ScaleSimulation {

    /** What one number of workers gave under each policy. */
    public record Row(int workers, Outcome fair, Outcome preempting, Outcome fifo, Outcome lightFirst) {
        public double p95Ratio() {
            return fair.lightWaitP95() / fifo.lightWaitP95();
        }

        public boolean meetsTargets() {
            return p95Ratio() <= 0.25 && fair.jainMean() >= 0.95;
        }

        /** The same ratio with the workers preempting at step boundaries, as the job service does. */
        public double preemptingP95Ratio() {
            return preempting.lightWaitP95() / fifo.lightWaitP95();
        }

        public boolean preemptingMeetsTargets() {
            return preemptingP95Ratio() <= 0.25 && preempting.jainMean() >= 0.95;
        }
    }

    private ScaleSimulation() {
    }

    public static void main(String[] args) {
        Config config = Config.standard();
        List<Integer> counts = List.of(1, 2, 3);
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seed" -> config = config.withSeed(Long.parseLong(args[i + 1]));
                case "--hours" -> config = config.withHorizon(Duration.ofMinutes(Math.round(
                        Double.parseDouble(args[i + 1]) * 60)));
                case "--workers" -> counts = java.util.Arrays.stream(args[i + 1].split(",")).map(String::trim)
                        .map(Integer::valueOf).toList();
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --seed N, --hours H, --workers 1,2,3)");
            }
        }
        List<Row> rows = run(config, counts);
        System.out.print(format(config, rows, redisVersion));
    }

    /** The redis-server the last run used (for the report). */
    private static String redisVersion = "?";

    /** Runs the workload on each number of workers, scaled as the class comment says. */
    public static List<Row> run(Config config, List<Integer> counts) {
        List<Row> rows = new ArrayList<>();
        for (int n : counts) {
            Config scaled = config.withLightMeanInterval(config.lightMeanInterval().dividedBy(n));
            List<Job> arrivals = FairnessSimulation.lightArrivals(scaled);
            Instant[] clock = {START};
            Outcome fair;
            try (SimulatedWorkers shared = new SimulatedWorkers(n, scaled.settings(), () -> clock[0])) {
                redisVersion = shared.serverVersion();
                fair = simulate("fair share (Redis)", scaled, arrivals, n, new SharedFairShare(shared, clock,
                        scaled.meanService()));
            }
            clock[0] = START;
            Outcome preempting;
            try (SimulatedWorkers shared = new SimulatedWorkers(n, scaled.settings(), () -> clock[0])) {
                preempting = simulatePreempting(scaled, arrivals, n, shared, clock);
            }
            Outcome fifo = simulate("FIFO", scaled, arrivals, n, new Fifo(scaled.settings()));
            Outcome lightFirst = simulate("(light first)", scaled, arrivals, n, new LightFirst(scaled.settings()));
            rows.add(new Row(n, fair, preempting, fifo, lightFirst));
        }
        return rows;
    }

    /** What the simulation needs from a queue shared by {@code n} workers. */
    interface Policy {
        boolean offer(Job job, Instant now);

        Job next(int worker, Instant now);

        void completed(int worker, Job job, Instant now);
    }

    /** The Redis queue: each worker takes through its own view, and its completion charges and ends its hold. */
    static final class SharedFairShare implements Policy {
        private final SimulatedWorkers workers;
        private final Instant[] clock;
        private final Duration estimate;
        private final Map<String, Job> jobs = new HashMap<>();

        SharedFairShare(SimulatedWorkers workers, Instant[] clock, Duration estimate) {
            this.workers = workers;
            this.clock = clock;
            this.estimate = estimate;
        }

        @Override
        public boolean offer(Job job, Instant now) {
            clock[0] = now;
            boolean accepted = workers.worker(0).offer(job.id, job.user, job.id, estimate).accepted();
            if (accepted) {
                jobs.put(job.id, job);
            }
            return accepted;
        }

        @Override
        public Job next(int worker, Instant now) {
            clock[0] = now;
            return workers.worker(worker).poll().map(QueueEntry::job).map(jobs::get).orElse(null);
        }

        @Override
        public void completed(int worker, Job job, Instant now) {
            clock[0] = now;
            workers.worker(worker).charge(job.user, job.service);
            jobs.remove(job.id);
        }
    }

    /** First come, first served, with the same per-user and total limits. */
    static final class Fifo implements Policy {
        private final QueueSettings settings;
        private final ArrayDeque<Job> waiting = new ArrayDeque<>();
        private final Map<String, Integer> waitingByUser = new HashMap<>();

        Fifo(QueueSettings settings) {
            this.settings = settings;
        }

        @Override
        public boolean offer(Job job, Instant now) {
            int mine = waitingByUser.getOrDefault(job.user, 0);
            if (mine >= settings.perUserLimit() || waiting.size() >= settings.totalLimit()) {
                return false;
            }
            waiting.addLast(job);
            waitingByUser.put(job.user, mine + 1);
            return true;
        }

        @Override
        public Job next(int worker, Instant now) {
            Job job = waiting.pollFirst();
            if (job != null) {
                waitingByUser.merge(job.user, -1, Integer::sum);
            }
            return job;
        }

        @Override
        public void completed(int worker, Job job, Instant now) {
        }
    }

    /**
     * Reference only, as in bench/fairness: light jobs before the heavy user's, FIFO within each. What it leaves of
     * the light users' wait, no order of a non-preemptive queue removes: the rest of the jobs running when they come.
     */
    static final class LightFirst implements Policy {
        private final Fifo light;
        private final Fifo heavy;

        LightFirst(QueueSettings settings) {
            light = new Fifo(settings);
            heavy = new Fifo(settings);
        }

        @Override
        public boolean offer(Job job, Instant now) {
            return (job.user.equals(HEAVY) ? heavy : light).offer(job, now);
        }

        @Override
        public Job next(int worker, Instant now) {
            Job job = light.next(worker, now);
            return job != null ? job : heavy.next(worker, now);
        }

        @Override
        public void completed(int worker, Job job, Instant now) {
        }
    }

    /** bench/fairness's event loop with {@code n} workers: the earliest event first, free workers take in turn. */
    static Outcome simulate(String name, Config config, List<Job> lightArrivals, int n, Policy policy) {
        Random heavyRandom = new Random(config.seed() ^ 0x5DEECE66DL);
        Instant horizon = START.plus(config.horizon());
        List<Job> done = new ArrayList<>();
        int[] heavyCount = {0};
        int[] heavyWaiting = {0};
        int lightRefused = 0;
        int lightWaiting = 0;
        refillHeavy(config, policy, START, heavyWaiting, heavyRandom, heavyCount);
        Job[] running = new Job[n];
        int next = 0;
        while (true) {
            int soonest = -1;
            for (int w = 0; w < n; w++) {
                if (running[w] != null && (soonest < 0 || running[w].end.isBefore(running[soonest].end))) {
                    soonest = w;
                }
            }
            Instant now;
            Job arriving = next < lightArrivals.size() ? lightArrivals.get(next) : null;
            if (arriving != null && (soonest < 0 || !arriving.arrival.isAfter(running[soonest].end))) {
                now = arriving.arrival;
                next++;
                if (policy.offer(arriving.copy(), now)) {
                    lightWaiting++;
                } else {
                    lightRefused++;
                }
            } else if (soonest >= 0) {
                now = running[soonest].end;
                policy.completed(soonest, running[soonest], now);
                running[soonest] = null;
            } else {
                break;
            }
            for (int w = 0; w < n; w++) {
                if (running[w] != null) {
                    continue;
                }
                Job job = policy.next(w, now);
                if (job == null) {
                    break;
                }
                job.start = now;
                job.end = now.plus(job.service);
                running[w] = job;
                done.add(job);
                if (job.user.equals(HEAVY)) {
                    heavyWaiting[0]--;
                    refillHeavy(config, policy, now, heavyWaiting, heavyRandom, heavyCount);
                } else {
                    lightWaiting--;
                }
            }
            if (lightWaiting == 0 && next == lightArrivals.size() && now.isAfter(horizon)) {
                break;
            }
        }
        return FairnessSimulation.outcome(name, config, done, lightRefused);
    }

    /**
     * bench/fairness's preempting worker, N times over one Redis queue: after each denoising step that leaves more to
     * do, each worker asks its view of the queue whether to yield ({@code should_yield}: one waiting job makes one
     * worker yield), and when told so hands the job back ({@code requeue}) and takes the next. A parked job keeps its
     * steps; it is charged its whole time when it completes.
     */
    static Outcome simulatePreempting(Config config, List<Job> lightArrivals, int n, SimulatedWorkers workers,
                                      Instant[] clock) {
        SharedFairShare offering = new SharedFairShare(workers, clock, config.meanService());
        Random heavyRandom = new Random(config.seed() ^ 0x5DEECE66DL);
        Instant horizon = START.plus(config.horizon());
        List<Job> served = new ArrayList<>();
        int[] heavyCount = {0};
        int[] heavyWaiting = {0};
        refillHeavy(config, offering, START, heavyWaiting, heavyRandom, heavyCount);
        int lightRefused = 0;
        int lightWaiting = 0;
        List<QueueEntry<String>> running = new ArrayList<>(java.util.Collections.nCopies(n, null));
        Instant[] sliceStart = new Instant[n];
        Instant[] boundary = new Instant[n];
        int next = 0;
        while (true) {
            int soonest = -1;
            for (int w = 0; w < n; w++) {
                if (running.get(w) != null && (soonest < 0 || boundary[w].isBefore(boundary[soonest]))) {
                    soonest = w;
                }
            }
            Instant now;
            Job arriving = next < lightArrivals.size() ? lightArrivals.get(next) : null;
            if (arriving != null && (soonest < 0 || !arriving.arrival.isAfter(boundary[soonest]))) {
                now = arriving.arrival;
                next++;
                if (offering.offer(arriving.copy(), now)) {
                    lightWaiting++;
                } else {
                    lightRefused++;
                }
            } else if (soonest >= 0) {
                int w = soonest;
                now = boundary[w];
                clock[0] = now;
                QueueEntry<String> entry = running.get(w);
                Job job = offering.jobs.get(entry.jobId());
                job.stepsDone++;
                JobQueue<String> queue = workers.worker(w);
                if (job.stepsDone > config.steps()) { // decoded
                    job.slices.add(new Instant[] {sliceStart[w], now});
                    job.end = now;
                    queue.charge(job.user, job.service);
                    offering.jobs.remove(job.id);
                    running.set(w, null);
                } else if (job.stepsDone < config.steps() && queue.shouldYield(job.id)) {
                    job.slices.add(new Instant[] {sliceStart[w], now});
                    queue.requeue(entry);
                    running.set(w, null);
                } else {
                    boundary[w] = now.plus(FairnessSimulation.phase(config, job));
                }
            } else {
                break;
            }
            for (int w = 0; w < n; w++) {
                if (running.get(w) != null) {
                    continue;
                }
                clock[0] = now;
                QueueEntry<String> entry = workers.worker(w).poll().orElse(null);
                if (entry == null) {
                    break;
                }
                running.set(w, entry);
                Job job = offering.jobs.get(entry.jobId());
                sliceStart[w] = now;
                boundary[w] = now.plus(FairnessSimulation.phase(config, job));
                if (job.start == null) {
                    job.start = now;
                    served.add(job);
                    if (job.user.equals(HEAVY)) {
                        heavyWaiting[0]--;
                        refillHeavy(config, offering, now, heavyWaiting, heavyRandom, heavyCount);
                    } else {
                        lightWaiting--;
                    }
                }
            }
            if (lightWaiting == 0 && next == lightArrivals.size() && now.isAfter(horizon)) {
                break;
            }
        }
        // Jobs still parked or running at the end count only the work they got.
        for (int w = 0; w < n; w++) {
            if (running.get(w) != null) {
                offering.jobs.get(running.get(w).jobId()).slices.add(new Instant[] {sliceStart[w], boundary[w]});
            }
        }
        for (Job job : served) {
            if (job.end == null) {
                job.end = job.slices.isEmpty() ? job.start : job.slices.get(job.slices.size() - 1)[1];
            }
        }
        return FairnessSimulation.outcome("fair share + preemption", config, served, lightRefused);
    }

    private static void refillHeavy(Config config, Policy policy, Instant now, int[] waiting, Random random,
                                    int[] count) {
        while (waiting[0] < config.settings().perUserLimit()) {
            Job job = new Job(HEAVY + "#" + count[0]++, HEAVY, now, FairnessSimulation.serviceTime(config, random));
            if (!policy.offer(job, now)) {
                return;
            }
            waiting[0]++;
        }
    }

    static String format(Config c, List<Row> rows, String redisVersion) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Scale benchmark (fairness): the Redis queue shared by N workers vs FIFO"
                + " on the same arrivals%n"));
        out.append(String.format(Locale.ROOT, "  redis-server %s; %s simulated (the first %s warm-up), seed %d; jobs"
                        + " need %.0f s +/- %.0f %%; 1 heavy user keeps %d waiting;%n  %d light users who together ask"
                        + " for a third of the N workers (each every %.1f/N min)%n%n",
                redisVersion, c.horizon(), c.warmUp(), c.seed(), (double) c.meanService().toSeconds(),
                c.serviceSpread() * 100, c.settings().perUserLimit(), c.lightUsers(),
                c.lightMeanInterval().toSeconds() / 60.0));
        out.append(String.format(Locale.ROOT, "  %-8s %-22s %10s %10s %12s %8s %8s%n", "workers", "policy",
                "light p50", "light p95", "heavy share", "Jain", "worst"));
        for (Row r : rows) {
            for (Outcome o : List.of(r.fair(), r.preempting(), r.fifo(), r.lightFirst())) {
                out.append(String.format(Locale.ROOT, "  %-8d %-22s %9.1fs %9.1fs %11.1f%% %8.3f %8.3f%n",
                        r.workers(), o.policy(), o.lightWaitP50(), o.lightWaitP95(), o.heavyShare() * 100,
                        o.jainMean(), o.jainMin()));
            }
            out.append(String.format(Locale.ROOT, "  %-8d p95 ratio fair/FIFO %.3f (target <= 0.25), Jain %.3f"
                            + " (target >= 0.95): %s   [light first/FIFO: %.3f]%n", r.workers(), r.p95Ratio(),
                    r.fair().jainMean(), r.meetsTargets() ? "PASS" : "FAIL",
                    r.lightFirst().lightWaitP95() / r.fifo().lightWaitP95()));
            out.append(String.format(Locale.ROOT, "  %-8d with preemption: p95 ratio %.3f (target <= 0.25), Jain %.3f"
                            + " (target >= 0.95): %s; %d preemptions%n", r.workers(), r.preemptingP95Ratio(),
                    r.preempting().jainMean(), r.preemptingMeetsTargets() ? "PASS" : "FAIL",
                    r.preempting().preemptions()));
        }
        out.append(String.format(Locale.ROOT, "%n  Measures as in bench/fairness (wait until start, nearest-rank"
                + " percentiles, Jain's index per %s window normalized by max-min fair shares).%n", c.window()));
        return out.toString();
    }
}
