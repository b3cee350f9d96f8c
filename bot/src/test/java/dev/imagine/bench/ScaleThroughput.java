package dev.imagine.bench;

import dev.imagine.bench.FairnessSimulation.Config;
import dev.imagine.bench.FairnessSimulation.Job;
import dev.imagine.bench.FairnessSimulation.Outcome;
import dev.imagine.bot.queue.Preemption;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.redis.SimulatedWorkers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The arithmetic of bench/scale's real run ({@code dev.imagine.bot.product.ScaleProcesses}, which starts the
 * processes): what one phase of N worker processes measured, the figures made of it, and the report. Separate from
 * the processes so that CI can check it ({@code ScaleThroughputTest}) without drawing anything.
 *
 * <p>Times are seconds since the phase began. A phase warms up (fresh JVMs, everybody without usage) and is then
 * measured for a window: throughput counts the pictures finished inside the window, the light users' wait those
 * submitted inside it, the heavy user's share the service inside it.
 */
public final class ScaleThroughput {
    /** Light users together ask for this share of the workers, as in bench/fairness and the simulation. */
    static final double LIGHT_SHARE = 1.0 / 3;

    private ScaleThroughput() {
    }

    /**
     * One picture as the API reported it. {@code started} and {@code finished} are NaN when it never got there.
     */
    public record Picture(String id, String user, boolean heavy, double created, double started, double finished) {
        double service() {
            return finished - started;
        }
    }

    /** What one phase with {@code workers} processes measured. */
    public record Phase(int workers, double warmUp, double window, List<Picture> pictures, int lightRefused,
                        int[] picturesPerWorker, double[] workerCpuSeconds, double botCpuSeconds,
                        double redisCpuSeconds, double machineBusyCores, String loadBefore, String loadAfter) {
    }

    /** The phase's figures; the simulated references are null until {@link #withReferences} adds them. */
    public record Figures(int workers, int pictures, double perMinute, double meanService, int lightJobs,
                          int lightNeverStarted, int lightRefused, double lightP50, double lightP95,
                          double heavyShare, Outcome fifo, Outcome simulatedFair) {
        public double perMinutePerWorker() {
            return perMinute / workers;
        }

        /** Light users' p95 wait over the simulated FIFO's on the same arrivals; the target is at most 0.25. */
        public double p95Ratio() {
            return lightP95 / fifo.lightWaitP95();
        }
    }

    /** The picture bench/fairness and the shipped queue settings are made for: 40 s (LCM, 4 steps, 512x512). */
    static final double FAIRNESS_SERVICE = 40;

    /**
     * The shipped queue settings with their times scaled from bench/fairness's 40 s pictures to pictures of
     * {@code service} seconds, so that the tiny model's workload keeps bench/fairness's proportions: the preemption
     * margin (120 CPU-seconds, three pictures) and the usage half-life (an hour, 90 pictures) shrink with the
     * picture, at least to the minute config.yaml allows for the half-life; the aging rate (seconds of usage per second
     * of waiting) and the limits need no scaling.
     */
    public static QueueSettings scaledSettings(double service) {
        QueueSettings shipped = QueueSettings.DEFAULTS;
        double factor = service / FAIRNESS_SERVICE;
        long halfLife = Math.max(60, Math.round(shipped.usageHalfLife().toSeconds() * factor));
        return new QueueSettings(shipped.perUserLimit(), shipped.totalLimit(), Duration.ofSeconds(halfLife),
                shipped.agingRate(),
                new Preemption(Math.round(shipped.preemption().margin() * factor * 10) / 10.0,
                        shipped.preemption().maxPerJob()));
    }

    /**
     * Mean seconds between two pictures of one light user: the light users together ask for a third of
     * {@code workers} workers that each take {@code service} seconds a picture.
     */
    public static double lightMeanInterval(double service, int lightUsers, int workers) {
        return service * lightUsers / (LIGHT_SHARE * workers);
    }

    /** Poisson arrivals at {@code meanInterval} from 0 until {@code until} (exclusive), in order. */
    public static List<Double> poissonArrivals(Random random, double meanInterval, double until) {
        List<Double> times = new ArrayList<>();
        double t = 0;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) * meanInterval;
            if (t >= until) {
                return times;
            }
            times.add(t);
        }
    }

    /** The measured figures of a phase. */
    public static Figures figures(Phase phase) {
        double from = phase.warmUp();
        double to = phase.warmUp() + phase.window();
        List<Picture> finishedInWindow = phase.pictures().stream()
                .filter(p -> !Double.isNaN(p.finished()) && p.finished() >= from && p.finished() < to).toList();
        double meanService = finishedInWindow.stream().mapToDouble(Picture::service).average().orElse(Double.NaN);
        List<Picture> light = phase.pictures().stream()
                .filter(p -> !p.heavy() && p.created() >= from && p.created() < to).toList();
        double[] waits = light.stream().filter(p -> !Double.isNaN(p.started()))
                .mapToDouble(p -> p.started() - p.created()).sorted().toArray();
        double heavy = 0;
        double all = 0;
        for (Picture p : phase.pictures()) {
            double served = overlap(p.started(), p.finished(), from, to);
            all += served;
            if (p.heavy()) {
                heavy += served;
            }
        }
        return new Figures(phase.workers(), finishedInWindow.size(), finishedInWindow.size() / phase.window() * 60,
                meanService, light.size(), light.size() - waits.length, phase.lightRefused(),
                FairnessSimulation.percentile(waits, 50), FairnessSimulation.percentile(waits, 95),
                all == 0 ? Double.NaN : heavy / all, null, null);
    }

    /**
     * The figures with the simulation's references on the same light arrivals and service times: FIFO, and the fair
     * share with preemption as the workers run it (the Lua queue on a redis-server of its own, virtual clock). The
     * heavy user's jobs take the mean of the heavy pictures measured, spread uniformly with the same variance.
     */
    public static Figures withReferences(Figures figures, Phase phase, long seed, QueueSettings settings) {
        Config config = simulationConfig(phase, seed, settings);
        List<Job> arrivals = lightArrivals(phase, config.meanService());
        Outcome fifo = ScaleSimulation.simulate("FIFO", config, arrivals, phase.workers(),
                new ScaleSimulation.Fifo(config.settings()));
        Outcome fair;
        Instant[] clock = {FairnessSimulation.START};
        try (SimulatedWorkers shared = new SimulatedWorkers(phase.workers(), config.settings(), () -> clock[0])) {
            fair = ScaleSimulation.simulatePreempting(config, arrivals, phase.workers(), shared, clock);
        }
        return withOutcomes(figures, fifo, fair);
    }

    /** FIFO alone (no redis-server needed), for the test. */
    static Outcome simulatedFifo(Phase phase, long seed) {
        Config config = simulationConfig(phase, seed, QueueSettings.DEFAULTS);
        return ScaleSimulation.simulate("FIFO", config, lightArrivals(phase, config.meanService()), phase.workers(),
                new ScaleSimulation.Fifo(config.settings()));
    }

    private static Figures withOutcomes(Figures f, Outcome fifo, Outcome fair) {
        return new Figures(f.workers(), f.pictures(), f.perMinute(), f.meanService(), f.lightJobs(),
                f.lightNeverStarted(), f.lightRefused(), f.lightP50(), f.lightP95(), f.heavyShare(), fifo, fair);
    }

    static Config simulationConfig(Phase phase, long seed, QueueSettings settings) {
        double[] heavy = phase.pictures().stream().filter(p -> p.heavy() && !Double.isNaN(p.finished()))
                .mapToDouble(Picture::service).toArray();
        double mean = java.util.Arrays.stream(heavy).average().orElse(1);
        double variance = java.util.Arrays.stream(heavy).map(s -> (s - mean) * (s - mean)).average().orElse(0);
        // A uniform factor in [1 - s, 1 + s] has the standard deviation s / sqrt(3).
        double spread = Math.min(0.9, Math.sqrt(3 * variance) / mean);
        Duration warmUp = seconds(phase.warmUp());
        Duration horizon = seconds(phase.warmUp() + phase.window());
        return new Config(seed, warmUp, horizon, 10, Duration.ofMinutes(1), seconds(mean), spread,
                seconds(phase.window()), settings);
    }

    private static List<Job> lightArrivals(Phase phase, Duration meanService) {
        List<Job> jobs = new ArrayList<>();
        for (Picture p : phase.pictures()) {
            if (!p.heavy()) {
                Duration service = Double.isNaN(p.finished()) ? meanService : seconds(p.service());
                jobs.add(new Job(p.id(), p.user(), FairnessSimulation.START.plus(seconds(p.created())), service));
            }
        }
        jobs.sort(Comparator.comparing((Job j) -> j.arrival).thenComparing(j -> j.id));
        return jobs;
    }

    private static double overlap(double start, double end, double a, double b) {
        if (Double.isNaN(start) || Double.isNaN(end)) {
            return 0;
        }
        return Math.max(0, Math.min(end, b) - Math.max(start, a));
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    // ---- /proc -----------------------------------------------------------------------------------------------------

    /**
     * User plus system CPU seconds from a {@code /proc/PID/stat} line. The command name (field 2) is in parentheses
     * and may hold spaces and parentheses itself, so the fields are counted from the last ')': utime and stime are
     * fields 14 and 15.
     */
    public static double cpuSeconds(String statLine, long ticksPerSecond) {
        String[] rest = statLine.substring(statLine.lastIndexOf(')') + 2).trim().split("\\s+");
        // rest[0] is field 3 (the state), so field k is rest[k - 3].
        return (Long.parseLong(rest[11]) + Long.parseLong(rest[12])) / (double) ticksPerSecond;
    }

    /** {busy, total} ticks of the machine from the first line of {@code /proc/stat} ("cpu  user nice system idle iowait ..."). */
    public static long[] machineTicks(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        long total = 0;
        // user nice system idle iowait irq softirq steal (guest and guest_nice are already in user and nice)
        for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        return new long[] {total - idle, total};
    }

    // ---- report ----------------------------------------------------------------------------------------------------

    /** The report as Markdown: the machine, the workload, then a throughput table and a fairness table. */
    public static String report(String header, List<Phase> phases, List<Figures> figures) {
        StringBuilder out = new StringBuilder(header);
        double base = figures.stream().filter(f -> f.workers() == 1).mapToDouble(Figures::perMinute).findFirst()
                .orElse(Double.NaN);
        out.append("\n| worker processes | pictures in window | pictures/min | per worker | speed-up over 1"
                + " | mean s/picture | worker CPU-s (each) | worker CPU-s/picture | worker cores busy | bot CPU-s"
                + " | redis CPU-s | machine cores busy | load before / after |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|\n");
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            Figures f = figures.get(i);
            double workerCpu = java.util.Arrays.stream(p.workerCpuSeconds()).sum();
            StringBuilder each = new StringBuilder();
            for (int w = 0; w < p.workerCpuSeconds().length; w++) {
                each.append(w == 0 ? "" : " + ").append(fmt("%.0f", p.workerCpuSeconds()[w]));
            }
            StringBuilder perWorker = new StringBuilder();
            for (int w = 0; w < p.picturesPerWorker().length; w++) {
                perWorker.append(w == 0 ? "" : " + ").append(p.picturesPerWorker()[w]);
            }
            out.append(fmt("| %d | %d (%s) | %.1f | %.1f | %s | %.2f | %.0f (%s) | %.2f | %.2f | %.0f | %.0f | %.2f"
                            + " | %s / %s |%n",
                    p.workers(), f.pictures(), perWorker, f.perMinute(), f.perMinutePerWorker(),
                    Double.isNaN(base) ? "-" : fmt("%.2fx", f.perMinute() / base), f.meanService(), workerCpu, each,
                    workerCpu / f.pictures(), workerCpu / p.window(), p.botCpuSeconds(), p.redisCpuSeconds(), p.machineBusyCores(),
                    p.loadBefore(), p.loadAfter()));
        }
        out.append("\n| worker processes | light pictures (never started, refused) | light p50 wait | light p95 wait"
                + " | FIFO p95 (simulated) | p95 ratio (target <= 0.25) | simulated fair share p95"
                + " | heavy share | heavy share under FIFO (simulated) |\n");
        out.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Figures f : figures) {
            out.append(fmt("| %d | %d (%d, %d) | %.2fs | %.2fs | %s | %s | %s | %.1f%% | %s |%n", f.workers(),
                    f.lightJobs(), f.lightNeverStarted(), f.lightRefused(), f.lightP50(), f.lightP95(),
                    f.fifo() == null ? "-" : fmt("%.2fs", f.fifo().lightWaitP95()),
                    f.fifo() == null ? "-" : fmt("%.3f %s", f.p95Ratio(), f.p95Ratio() <= 0.25 ? "PASS" : "FAIL"),
                    f.simulatedFair() == null ? "-" : fmt("%.2fs", f.simulatedFair().lightWaitP95()),
                    f.heavyShare() * 100,
                    f.fifo() == null ? "-" : fmt("%.1f%%", f.fifo().heavyShare() * 100)));
        }
        return out.toString();
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
