package dev.imagine.bench;

import dev.imagine.bot.queue.Admission;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.Preemption;
import dev.imagine.bot.queue.QueueEntry;
import dev.imagine.bot.queue.QueueSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The fairness benchmark (bench/fairness): drives the real {@link FairShareQueue} with a virtual clock, and a plain
 * FIFO queue with the same per-user and total limits, on the same arrivals, and compares what light users wait and
 * how fairly CPU time is shared. Nothing sleeps; a fixed seed makes every run the same.
 *
 * <p>Workload: one heavy user who keeps their per-user limit full (they submit again whenever one of their jobs
 * starts), and light users who each submit now and then (Poisson arrivals). One worker; each job needs the mean
 * service time times a uniform factor in [1 - spread, 1 + spread]. Light users stop arriving at the horizon; the
 * simulation runs on until every light job admitted has started, so every wait is known.
 *
 * <p>Fairness: Jain's index over windows, normalized by max-min fair shares; see {@link #jain}.
 */
public final class FairnessSimulation {

    /** Workload and queue settings. */
    public record Config(long seed, Duration warmUp, Duration horizon, int lightUsers, Duration lightMeanInterval,
                         Duration meanService, double serviceSpread, Duration window, QueueSettings settings,
                         int steps, double decodeShare) {

        public Config(long seed, Duration warmUp, Duration horizon, int lightUsers, Duration lightMeanInterval,
                      Duration meanService, double serviceSpread, Duration window, QueueSettings settings) {
            this(seed, warmUp, horizon, lightUsers, lightMeanInterval, meanService, serviceSpread, window, settings,
                    STANDARD_STEPS, STANDARD_DECODE_SHARE);
        }

        /**
         * Six hours, the first of which warms up (everybody starts with no usage) and is not measured; ten light
         * users who each submit every 20 minutes on average (together a third of the machine); 40 s jobs +/- 20 %.
         */
        public static Config standard() {
            return new Config(20250101L, Duration.ofHours(1), Duration.ofHours(6), 10, Duration.ofMinutes(20), Duration.ofSeconds(40),
                    0.2, Duration.ofMinutes(30), QueueSettings.DEFAULTS);
        }

        public Config withSeed(long newSeed) {
            return new Config(newSeed, warmUp, horizon, lightUsers, lightMeanInterval, meanService, serviceSpread, window,
                    settings, steps, decodeShare);
        }

        public Config withHorizon(Duration newHorizon) {
            return new Config(seed, warmUp, newHorizon, lightUsers, lightMeanInterval, meanService, serviceSpread, window,
                    settings, steps, decodeShare);
        }

        public Config withWarmUp(Duration newWarmUp) {
            return new Config(seed, newWarmUp, horizon, lightUsers, lightMeanInterval, meanService, serviceSpread, window,
                    settings, steps, decodeShare);
        }

        public Config withSettings(QueueSettings newSettings) {
            return new Config(seed, warmUp, horizon, lightUsers, lightMeanInterval, meanService, serviceSpread, window,
                    newSettings, steps, decodeShare);
        }

        public Config withLightMeanInterval(Duration interval) {
            return new Config(seed, warmUp, horizon, lightUsers, interval, meanService, serviceSpread, window, settings,
                    steps, decodeShare);
        }

        /**
         * How a job's time splits for the preempting worker: {@code steps} equal denoising steps (the first also
         * encodes the prompt), then the decoder's share. A job can be parked only after a step that leaves more
         * steps to do (the worker does not park a job that has only its decoding left).
         */
        public Config withSteps(int newSteps, double newDecodeShare) {
            return new Config(seed, warmUp, horizon, lightUsers, lightMeanInterval, meanService, serviceSpread, window,
                    settings, newSteps, newDecodeShare);
        }
    }

    /** LCM with 4 steps: 4 x 7 s of UNet (the first with the text encoder) and 12 s of VAE decoding, of 40 s. */
    static final int STANDARD_STEPS = 4;
    static final double STANDARD_DECODE_SHARE = 0.3;

    /** What one policy did with the workload. */
    public record Outcome(String policy, double lightWaitP50, double lightWaitP95, double lightWaitMax,
                          int lightJobsServed, int lightRefused, double heavyShare, double jainMean, double jainMin,
                          int windows, int preemptions) {
    }

    /**
     * The policies on the same arrivals: the fair-share queue, plain FIFO, and as a reference the best a
     * non-preemptive worker can do for light users: light jobs always first, FIFO among them (unfair to the heavy user,
     * and not something the bot should do; it shows how much of the light users' wait no queue can remove).
     */
    public record Report(Config config, Outcome fair, Outcome fifo, Outcome lightFirst, Outcome preempting) {
        /** Light users' p95 wait under fair share divided by under FIFO; the target is at most 0.25. */
        public double p95Ratio() {
            return fair.lightWaitP95() / fifo.lightWaitP95();
        }

        public boolean meetsTargets() {
            return p95Ratio() <= 0.25 && fair.jainMean() >= 0.95;
        }

        /** The same ratio for the fair-share queue with preemption at step boundaries. */
        public double preemptingP95Ratio() {
            return preempting.lightWaitP95() / fifo.lightWaitP95();
        }
    }

    static final String HEAVY = "discord:heavy";
    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    private FairnessSimulation() {
    }

    public static void main(String[] args) {
        Config config = Config.standard();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seed" -> config = config.withSeed(Long.parseLong(args[i + 1]));
                case "--hours" -> config = config.withHorizon(Duration.ofMinutes(Math.round(
                        Double.parseDouble(args[i + 1]) * 60)));
                case "--light-interval-minutes" -> config = config.withLightMeanInterval(Duration.ofSeconds(
                        Math.round(Double.parseDouble(args[i + 1]) * 60)));
                case "--aging-rate" -> config = config.withSettings(
                        config.settings().withAgingRate(Double.parseDouble(args[i + 1])));
                case "--steps" -> config = config.withSteps(Integer.parseInt(args[i + 1]), config.decodeShare());
                case "--decode-share" -> config = config.withSteps(config.steps(), Double.parseDouble(args[i + 1]));
                case "--preemption-margin" -> config = config.withSettings(config.settings().withPreemption(
                        new Preemption(Double.parseDouble(args[i + 1]), config.settings().preemption().maxPerJob())));
                case "--max-preemptions" -> config = config.withSettings(config.settings().withPreemption(
                        new Preemption(config.settings().preemption().margin(), Integer.parseInt(args[i + 1]))));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --seed N, --hours H, --light-interval-minutes M, --aging-rate R, --steps N,"
                        + " --decode-share F, --preemption-margin CPU_SECONDS, --max-preemptions N)");
            }
        }
        Report report = run(config);
        System.out.print(format(report));
    }

    /** Runs the workload under the fair-share queue and under FIFO. */
    public static Report run(Config config) {
        List<Job> arrivals = lightArrivals(config);
        return new Report(config,
                simulate("fair share", config, arrivals, new FairShare(config.settings(), config.meanService())),
                simulate("FIFO", config, arrivals, new Fifo(config.settings())),
                simulate("light first", config, arrivals, new LightFirst(config.settings())),
                simulatePreempting(config, arrivals));
    }

    // ---- workload ------------------------------------------------------------------------------------------------

    /** One job of the simulation; start and end are filled in as it runs. */
    static final class Job {
        final String id;
        final String user;
        final Instant arrival;
        final Duration service;
        Instant start;
        Instant end;
        /** When the worker ran it: one slice, or more when it was parked and resumed. */
        final List<Instant[]> slices = new ArrayList<>();
        int stepsDone;

        Job(String id, String user, Instant arrival, Duration service) {
            this.id = id;
            this.user = user;
            this.arrival = arrival;
            this.service = service;
        }

        Job copy() {
            return new Job(id, user, arrival, service);
        }
    }

    static List<Job> lightArrivals(Config config) {
        Random random = new Random(config.seed());
        Instant end = START.plus(config.horizon());
        List<Job> jobs = new ArrayList<>();
        for (int u = 0; u < config.lightUsers(); u++) {
            String user = (u % 2 == 0 ? "discord:light" : "telegram:light") + u;
            Instant t = START;
            for (int n = 0; ; n++) {
                t = t.plus(seconds(-Math.log(1 - random.nextDouble()) * toSeconds(config.lightMeanInterval())));
                if (!t.isBefore(end)) {
                    break;
                }
                jobs.add(new Job(user + "#" + n, user, t, serviceTime(config, random)));
            }
        }
        jobs.sort(Comparator.comparing((Job j) -> j.arrival).thenComparing(j -> j.id));
        return jobs;
    }

    static Duration serviceTime(Config config, Random random) {
        double factor = 1 + config.serviceSpread() * (2 * random.nextDouble() - 1);
        return seconds(toSeconds(config.meanService()) * factor);
    }

    // ---- the two policies ----------------------------------------------------------------------------------------

    /** What the simulation needs from a queue. */
    interface Policy {
        boolean offer(Job job, Instant now);

        Job next(Instant now);

        void completed(Job job, Instant now);
    }

    /** The real queue, on a clock the simulation moves. */
    static final class FairShare implements Policy {
        private Instant now = START;
        private final FairShareQueue<Job> queue;
        private final Duration estimate;

        /** Each job's cost is estimated as the mean service time, as the bot estimates from recent jobs. */
        FairShare(QueueSettings settings, Duration estimate) {
            InstantSource clock = () -> now;
            this.queue = new FairShareQueue<>(settings, clock);
            this.estimate = estimate;
        }

        @Override
        public boolean offer(Job job, Instant at) {
            now = at;
            Admission<Job> admission = queue.offer(job.id, job.user, job, estimate);
            return admission.accepted();
        }

        @Override
        public Job next(Instant at) {
            now = at;
            return queue.poll().map(QueueEntry::job).orElse(null);
        }

        @Override
        public void completed(Job job, Instant at) {
            now = at;
            queue.charge(job.user, job.service);
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
        public Job next(Instant now) {
            Job job = waiting.pollFirst();
            if (job != null) {
                waitingByUser.merge(job.user, -1, Integer::sum);
            }
            return job;
        }

        @Override
        public void completed(Job job, Instant now) {
        }
    }

    /** Reference only: light jobs before the heavy user's, FIFO within each, with the same limits. */
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
        public Job next(Instant now) {
            Job job = light.next(now);
            return job != null ? job : heavy.next(now);
        }

        @Override
        public void completed(Job job, Instant now) {
        }
    }

    // ---- the event loop ------------------------------------------------------------------------------------------

    static Outcome simulate(String name, Config config, List<Job> lightArrivals, Policy policy) {
        Random heavyRandom = new Random(config.seed() ^ 0x5DEECE66DL);
        Instant horizon = START.plus(config.horizon());
        List<Job> served = new ArrayList<>();
        int[] heavyCount = {0};
        int heavyWaiting = 0;
        int lightRefused = 0;
        int lightWaiting = 0;

        heavyWaiting += refillHeavy(config, policy, START, heavyWaiting, heavyRandom, heavyCount);
        Job running = null;
        int next = 0;
        while (true) {
            Instant now;
            Job arriving = next < lightArrivals.size() ? lightArrivals.get(next) : null;
            if (arriving != null && (running == null || !arriving.arrival.isAfter(running.end))) {
                now = arriving.arrival;
                next++;
                Job job = arriving.copy();
                if (policy.offer(job, now)) {
                    lightWaiting++;
                } else {
                    lightRefused++;
                }
            } else if (running != null) {
                now = running.end;
                policy.completed(running, now);
                running = null;
            } else {
                break; // nothing running, nothing waiting that matters, no more arrivals
            }
            if (running == null) {
                Job job = policy.next(now);
                if (job != null) {
                    job.start = now;
                    job.end = now.plus(job.service);
                    running = job;
                    served.add(job);
                    if (job.user.equals(HEAVY)) {
                        heavyWaiting--;
                        heavyWaiting += refillHeavy(config, policy, now, heavyWaiting, heavyRandom, heavyCount);
                    } else {
                        lightWaiting--;
                    }
                }
            }
            if (lightWaiting == 0 && next == lightArrivals.size() && now.isAfter(horizon)) {
                break;
            }
        }
        return outcome(name, config, served, lightRefused);
    }

    /**
     * The fair-share queue with a worker that checks {@link FairShareQueue#shouldYield} after every denoising step
     * that leaves more to do, and when told so parks the job, {@link FairShareQueue#requeue}s it and takes the next
     * one. A job's time is split into {@link Config#steps()} equal steps and the decoder's share; it is charged its
     * whole time when it completes, as the job service does.
     */
    static Outcome simulatePreempting(Config config, List<Job> lightArrivals) {
        Instant[] clock = {START};
        FairShareQueue<Job> queue = new FairShareQueue<>(config.settings(), () -> clock[0]);
        Policy offering = new Policy() {
            @Override
            public boolean offer(Job job, Instant now) {
                clock[0] = now;
                return queue.offer(job.id, job.user, job, config.meanService()).accepted();
            }

            @Override
            public Job next(Instant now) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void completed(Job job, Instant now) {
                throw new UnsupportedOperationException();
            }
        };
        Random heavyRandom = new Random(config.seed() ^ 0x5DEECE66DL);
        Instant horizon = START.plus(config.horizon());
        List<Job> served = new ArrayList<>();
        int[] heavyCount = {0};
        int heavyWaiting = refillHeavy(config, offering, START, 0, heavyRandom, heavyCount);
        int lightRefused = 0;
        int lightWaiting = 0;
        QueueEntry<Job> running = null;
        Instant sliceStart = null;
        Instant boundary = null;
        int next = 0;
        while (true) {
            Instant now;
            Job arriving = next < lightArrivals.size() ? lightArrivals.get(next) : null;
            if (arriving != null && (running == null || !arriving.arrival.isAfter(boundary))) {
                now = arriving.arrival;
                next++;
                if (offering.offer(arriving.copy(), now)) {
                    lightWaiting++;
                } else {
                    lightRefused++;
                }
            } else if (running != null) {
                now = boundary;
                clock[0] = now;
                Job job = running.job();
                job.stepsDone++;
                if (job.stepsDone > config.steps()) { // decoded
                    job.slices.add(new Instant[] {sliceStart, now});
                    job.end = now;
                    queue.charge(job.user, job.service);
                    running = null;
                } else if (job.stepsDone < config.steps() && queue.shouldYield(job.id)) {
                    job.slices.add(new Instant[] {sliceStart, now});
                    queue.requeue(running);
                    running = null;
                } else {
                    boundary = now.plus(phase(config, job));
                }
            } else {
                break;
            }
            if (running == null) {
                clock[0] = now;
                running = queue.poll().orElse(null);
                if (running != null) {
                    Job job = running.job();
                    sliceStart = now;
                    boundary = now.plus(phase(config, job));
                    if (job.start == null) {
                        job.start = now;
                        served.add(job);
                        if (job.user.equals(HEAVY)) {
                            heavyWaiting--;
                            heavyWaiting += refillHeavy(config, offering, now, heavyWaiting, heavyRandom, heavyCount);
                        } else {
                            lightWaiting--;
                        }
                    }
                }
            }
            if (lightWaiting == 0 && next == lightArrivals.size() && now.isAfter(horizon)) {
                break;
            }
        }
        // Jobs still parked or running at the end count only the work they got.
        for (Job job : served) {
            if (job.end == null) {
                if (running != null && running.job() == job) {
                    job.slices.add(new Instant[] {sliceStart, boundary});
                }
                job.end = job.slices.isEmpty() ? job.start : job.slices.get(job.slices.size() - 1)[1];
            }
        }
        return outcome("fair share + preemption", config, served, lightRefused);
    }

    /** The time of the job's next phase: a denoising step, or the decoding after the last one. */
    static Duration phase(Config config, Job job) {
        double total = toSeconds(job.service);
        double step = total * (1 - config.decodeShare()) / config.steps();
        return job.stepsDone < config.steps() ? seconds(step) : job.service.minus(seconds(step).multipliedBy(config.steps()));
    }

    /** The heavy user submits until their per-user limit is full; returns how many were accepted. */
    private static int refillHeavy(Config config, Policy policy, Instant now, int waiting, Random random,
                                   int[] count) {
        int added = 0;
        while (waiting + added < config.settings().perUserLimit()) {
            Job job = new Job(HEAVY + "#" + count[0]++, HEAVY, now, serviceTime(config, random));
            if (!policy.offer(job, now)) {
                break;
            }
            added++;
        }
        return added;
    }

    // ---- measures ------------------------------------------------------------------------------------------------

    static Outcome outcome(String name, Config config, List<Job> served, int lightRefused) {
        Instant measured = START.plus(config.warmUp());
        double[] lightWaits = served.stream().filter(j -> !j.user.equals(HEAVY) && !j.arrival.isBefore(measured))
                .mapToDouble(j -> toSeconds(Duration.between(j.arrival, j.start))).sorted().toArray();
        Instant horizon = START.plus(config.horizon());
        double heavy = 0;
        double total = 0;
        for (Job j : served) {
            double inHorizon = served(j, measured, horizon);
            total += inHorizon;
            if (j.user.equals(HEAVY)) {
                heavy += inHorizon;
            }
        }
        List<Double> indices = new ArrayList<>();
        for (Instant a = measured; a.isBefore(horizon); a = a.plus(config.window())) {
            Instant b = a.plus(config.window()).isAfter(horizon) ? horizon : a.plus(config.window());
            double index = jain(served, a, b);
            if (!Double.isNaN(index)) {
                indices.add(index);
            }
        }
        return new Outcome(name, percentile(lightWaits, 50), percentile(lightWaits, 95),
                lightWaits.length == 0 ? 0 : lightWaits[lightWaits.length - 1], lightWaits.length, lightRefused,
                heavy / total, indices.stream().mapToDouble(d -> d).average().orElse(Double.NaN),
                indices.stream().mapToDouble(d -> d).min().orElse(Double.NaN), indices.size(),
                served.stream().mapToInt(j -> Math.max(0, j.slices.size() - 1)).sum());
    }

    /**
     * Jain's fairness index of CPU time served in the window [a, b), among the users who were backlogged in it,
     * each normalized by their max-min fair share:
     * <ul>
     *   <li>demand D(u): the work of u's admitted jobs that was not yet done at a and had arrived before b (a job
     *       running at a counts what remains of it);</li>
     *   <li>served S(u): the CPU time the worker spent on u's jobs within [a, b);</li>
     *   <li>backlogged users: those with D(u) &gt; 0;</li>
     *   <li>fair share F(u): the max-min fair split of the capacity used, C = sum of S(u), among the demands
     *       (water-filling: nobody gets more than they asked for; the rest is split equally);</li>
     *   <li>x(u) = S(u) / F(u), and J = (sum x)^2 / (n * sum x^2), which is 1 when everybody got their fair share
     *       and 1/n when one user got everything.</li>
     * </ul>
     * A non-preemptive worker cannot finish a job that arrives in the last seconds of a window, so even an ideal
     * policy scores a little below 1. Returns NaN for a window without demand.
     */
    static double jain(List<Job> served, Instant a, Instant b) {
        Map<String, Double> demand = new LinkedHashMap<>();
        Map<String, Double> service = new HashMap<>();
        for (Job j : served) {
            if (j.arrival.isBefore(b) && j.end.isAfter(a)) {
                double remaining = toSeconds(j.service) - served(j, Instant.MIN, a);
                demand.merge(j.user, remaining, Double::sum);
                service.merge(j.user, served(j, a, b), Double::sum);
            }
        }
        if (demand.isEmpty()) {
            return Double.NaN;
        }
        double capacity = service.values().stream().mapToDouble(d -> d).sum();
        Map<String, Double> fair = maxMinFair(demand, capacity);
        double sum = 0;
        double sumOfSquares = 0;
        for (String user : demand.keySet()) {
            double x = service.get(user) / fair.get(user);
            sum += x;
            sumOfSquares += x * x;
        }
        return sum * sum / (demand.size() * sumOfSquares);
    }

    static Map<String, Double> maxMinFair(Map<String, Double> demand, double capacity) {
        List<Map.Entry<String, Double>> byDemand = new ArrayList<>(demand.entrySet());
        byDemand.sort(Map.Entry.comparingByValue());
        Map<String, Double> fair = new HashMap<>();
        double left = capacity;
        for (int i = 0; i < byDemand.size(); i++) {
            double equalSplit = left / (byDemand.size() - i);
            double share = Math.min(byDemand.get(i).getValue(), equalSplit);
            fair.put(byDemand.get(i).getKey(), share);
            left -= share;
        }
        return fair;
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length); // nearest rank
        return sorted[Math.max(0, rank - 1)];
    }

    /** The CPU time the worker spent on the job within [a, b). */
    private static double served(Job j, Instant a, Instant b) {
        if (j.slices.isEmpty()) {
            return overlap(j.start, j.end, a, b);
        }
        double sum = 0;
        for (Instant[] slice : j.slices) {
            sum += overlap(slice[0], slice[1], a, b);
        }
        return sum;
    }

    private static double overlap(Instant start, Instant end, Instant a, Instant b) {
        Instant from = start.isAfter(a) ? start : a;
        Instant to = end.isBefore(b) ? end : b;
        return to.isAfter(from) ? toSeconds(Duration.between(from, to)) : 0;
    }

    private static double toSeconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    // ---- output --------------------------------------------------------------------------------------------------

    static String format(Report r) {
        Config c = r.config();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Fairness benchmark: FairShareQueue vs plain FIFO on the same arrivals%n"));
        out.append(String.format(Locale.ROOT,
                "  %s simulated (the first %s warm-up), seed %d, one worker; jobs need %.0f s +/- %.0f %% (uniform)%n",
                c.horizon(), c.warmUp(), c.seed(), toSeconds(c.meanService()), c.serviceSpread() * 100));
        out.append(String.format(Locale.ROOT,
                "  1 heavy user keeps %d jobs waiting; %d light users each submit every %.1f min on average"
                        + " (Poisson)%n",
                c.settings().perUserLimit(), c.lightUsers(), toSeconds(c.lightMeanInterval()) / 60));
        out.append(String.format(Locale.ROOT,
                "  queue: perUserLimit %d, totalLimit %d, usageHalfLife %s, agingRate %.2f; FIFO has the same limits%n%n",
                c.settings().perUserLimit(), c.settings().totalLimit(), c.settings().usageHalfLife(),
                c.settings().agingRate()));
        out.append(String.format(Locale.ROOT,
                "  preemption: after each of %d steps but the last (%.0f %% of a job's time is decoding), margin %.0f"
                        + " CPU-s, at most %d per job%n%n",
                c.steps(), c.decodeShare() * 100, c.settings().preemption().margin(),
                c.settings().preemption().maxPerJob()));
        out.append(String.format(Locale.ROOT, "  %-42s %12s %14s %12s %14s%n", "", "fair share", "+ preemption",
                "FIFO", "(light first)"));
        row(out, "light jobs measured (refused)", o -> o.lightJobsServed() + " (" + o.lightRefused() + ")", r);
        row(out, "light users' wait p50 (s)", o -> num(o.lightWaitP50()), r);
        row(out, "light users' wait p95 (s)", o -> num(o.lightWaitP95()), r);
        row(out, "light users' wait max (s)", o -> num(o.lightWaitMax()), r);
        row(out, "heavy user's share of CPU time", o -> pct(o.heavyShare()), r);
        row(out, "preemptions (jobs parked at a step)", o -> String.valueOf(o.preemptions()), r);
        row(out, "Jain's index, mean over " + r.fair().windows() + " windows", o -> jain(o.jainMean()), r);
        row(out, "Jain's index, worst window", o -> jain(o.jainMin()), r);
        out.append(String.format(Locale.ROOT, "%n"));
        out.append(String.format(Locale.ROOT, "  p50 ratio fair/FIFO: %.3f%n", r.fair().lightWaitP50() / r.fifo().lightWaitP50()));
        out.append(String.format(Locale.ROOT, "  p95 ratio fair/FIFO: %.3f (target <= 0.25)  %s   [light first/FIFO: %.3f]%n",
                r.p95Ratio(), r.p95Ratio() <= 0.25 ? "PASS" : "FAIL",
                r.lightFirst().lightWaitP95() / r.fifo().lightWaitP95()));
        out.append(String.format(Locale.ROOT, "  Jain's index, fair share: %.3f (target >= 0.95)  %s%n",
                r.fair().jainMean(), r.fair().jainMean() >= 0.95 ? "PASS" : "FAIL"));
        out.append(String.format(Locale.ROOT, "  with preemption: p50 ratio %.3f, p95 ratio %.3f (target <= 0.25)  %s,"
                        + " Jain's index %.3f  %s%n",
                r.preempting().lightWaitP50() / r.fifo().lightWaitP50(), r.preemptingP95Ratio(),
                r.preemptingP95Ratio() <= 0.25 ? "PASS" : "FAIL", r.preempting().jainMean(),
                r.preempting().jainMean() >= 0.95 ? "PASS" : "FAIL"));
        out.append(String.format(Locale.ROOT, "%n"));
        out.append(String.format(Locale.ROOT,
                "  Wait: from submission until the job starts, for every light job submitted after the %s warm-up;%n"
                        + "  percentiles are nearest-rank. Shares and Jain's index also cover only the time after the"
                        + " warm-up.%n", c.warmUp()));
        out.append(String.format(Locale.ROOT,
                "  Jain's index: in each %s window [a, b), the backlogged users are those with demand D(u) > 0,%n"
                        + "  D(u) = work of u's jobs not done at a that arrived before b; S(u) = CPU time served to u"
                        + " within [a, b);%n"
                        + "  F(u) = max-min fair share of C = sum S among the demands; x(u) = S(u)/F(u);"
                        + " J = (sum x)^2 / (n sum x^2).%n",
                c.window()));
        return out.toString();
    }

    private static void row(StringBuilder out, String label, Function<Outcome, String> value, Report r) {
        out.append(String.format(Locale.ROOT, "  %-42s %12s %14s %12s %14s%n", label, value.apply(r.fair()),
                value.apply(r.preempting()), value.apply(r.fifo()), value.apply(r.lightFirst())));
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f %%", v * 100);
    }

    private static String jain(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

}
