package dev.imagine.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.Defaults;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobClocks;
import dev.imagine.bot.job.JobObserver;
import dev.imagine.bot.job.JobSettings;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.Engine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The load benchmark (bench/load/README.md): {@code requests} picture requests from {@code people} people within
 * {@code seconds}, through each adapter's fake and the JSON API, each on its own engine (the real job service, store,
 * cache and fair-share queue on a fresh data folder) with {@link PacedGenerator} for the model. Measured: the time from
 * sending to the first answer the person sees (p50, p99, max), the refusals and their reasons, whether every accepted
 * job reached a final state, and whether the worker kept fair order.
 *
 * <p>Runs only when asked ({@code -Dimagine.bench.load=true}; bench/load/run.sh does that); its name keeps it out of
 * the unit tests.
 */
class LoadBench {
    private static final String PROMPT = "load request %d from person %d";

    record Settings(int requests, int people, Duration window, Duration perStep, long seed, List<String> fronts,
                    Path out) {
        static Settings fromProperties() {
            return new Settings(Integer.getInteger("load.requests", 1000), Integer.getInteger("load.people", 200),
                    Duration.ofSeconds(Long.getLong("load.seconds", 60)),
                    Duration.ofMillis(Long.getLong("load.step-ms", 40)), Long.getLong("load.seed", 1),
                    List.of(System.getProperty("load.fronts", "discord,telegram,web").split(",")),
                    Path.of(System.getProperty("load.out", "target/load-bench.md")));
        }
    }

    /** One request of the workload: when (from the start) and by whom. */
    record Arrival(int index, int person, long atMillis) {
    }

    /**
     * Every person asks {@code requests / people} times (the rest go to the first people). Most people spread their
     * requests over the window; one in five asks in a burst of a few seconds, as someone who clicks again and again.
     */
    static List<Arrival> workload(Settings settings) {
        Random random = new Random(settings.seed());
        long window = settings.window().toMillis();
        List<Arrival> arrivals = new ArrayList<>();
        for (int i = 0; i < settings.requests(); i++) {
            int person = i % settings.people();
            boolean bursty = person % 5 == 0;
            long at;
            if (bursty) {
                long start = (person * 7919L) % Math.max(1, window - 3000);
                at = start + random.nextLong(3000);
            } else {
                at = random.nextLong(window);
            }
            arrivals.add(new Arrival(i, person, Math.min(at, window - 1)));
        }
        arrivals.sort((a, b) -> Long.compare(a.atMillis(), b.atMillis()));
        return arrivals;
    }

    /** What the worker did, in the order it did it, as the job service told it. */
    static final class Tracker implements JobObserver {
        record Queued(Job job, long order) {
        }

        final Map<String, Queued> waiting = new LinkedHashMap<>();
        final Map<String, Double> served = new HashMap<>();
        final Map<String, Job> accepted = new ConcurrentHashMap<>();
        final Map<JobObserver.Outcome, Integer> outcomes = new TreeMap<>();
        final AtomicLong order = new AtomicLong();
        int started;
        int unfairStarts;
        int outOfOrderStarts;
        final List<String> examples = new ArrayList<>();
        /** Requests this close together count as simultaneous: which one the queue saw first is a race. */
        static final Duration SIMULTANEOUS = Duration.ofMillis(10);

        /** Jobs the worker started; the job service may tell of a start before it tells of the queueing. */
        final java.util.Set<String> startedIds = new java.util.HashSet<>();

        @Override
        public synchronized void queued(Job job) {
            accepted.put(job.parameters().prompt(), job);
            if (!startedIds.contains(job.id())) {
                waiting.put(job.id(), new Queued(job, order.incrementAndGet()));
            }
        }

        /**
         * A start is unfair when another person's job waited since before this one was made (by more than
         * {@link #SIMULTANEOUS}) and that person had been served less work: both the wait and the usage then speak for the other job. A person's own jobs start
         * in the order they were queued.
         */
        @Override
        public synchronized void started(Job job, Duration waited) {
            if (!startedIds.add(job.id())) {
                return; // resumed after parking
            }
            Queued self = waiting.remove(job.id());
            started++;
            String owner = job.owner().key();
            if (self == null) {
                self = new Queued(job, order.incrementAndGet()); // started before its queueing was told
            }
            double mine = served.getOrDefault(owner, 0.0);
            for (Queued other : waiting.values()) {
                String them = other.job().owner().key();
                if (other.job().createdAt().plus(SIMULTANEOUS).isBefore(self.job().createdAt())) {
                    if (them.equals(owner)) {
                        outOfOrderStarts++;
                        break;
                    }
                    if (served.getOrDefault(them, 0.0) < mine) {
                        unfairStarts++;
                        if (examples.size() < 3) {
                            examples.add(owner + " (served " + mine + ") before " + them + " (served "
                                    + served.getOrDefault(them, 0.0) + ", waiting longer)");
                        }
                        break;
                    }
                }
            }
            served.merge(owner, job.parameters().workUnits(), Double::sum);
        }

        @Override
        public synchronized void ended(Job job, Outcome outcome) {
            outcomes.merge(outcome, 1, Integer::sum);
        }
    }

    record Result(String front, Settings settings, long[] ackNanos, int unanswered, int accepted,
                  Map<String, Integer> refusals, Map<JobState, Integer> finalStates, int notFinal, Tracker tracker,
                  Duration runTime, Duration drainTime) {
    }

    static Result run(String name, Settings settings, BiFunction<Engine, Path, LoadFront> frontOf) throws Exception {
        Path data = Files.createTempDirectory("imagine-load-" + name);
        Tracker tracker = new Tracker();
        JobSettings jobSettings = new JobSettings(Limits.DEFAULTS, new Defaults(2, new ImageSize(256, 256), 8f, 1,
                Decoder.FULL), "stand-in", "load", Duration.ofMinutes(1), settings.perStep().toMillis() * 2 / 1000.0,
                false);
        AtomicLong seeds = new AtomicLong(1);
        Engine engine = new Engine(data, PacedGenerator.of(settings.perStep()), jobSettings, QueueSettings.DEFAULTS,
                seeds::incrementAndGet, JobClocks.system());
        engine.jobs().observe(tracker);
        LoadFront front = null;
        try {
            front = frontOf.apply(engine, data);
            engine.startWorking();
            List<Arrival> arrivals = workload(settings);
            Object[] handles = new Object[arrivals.size()];
            long[] sent = new long[arrivals.size()];
            long start = System.nanoTime();
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < arrivals.size(); i++) {
                    Arrival arrival = arrivals.get(i);
                    long due = start + TimeUnit.MILLISECONDS.toNanos(arrival.atMillis());
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    int slot = i;
                    LoadFront sender = front;
                    senders.submit(() -> {
                        sent[slot] = System.nanoTime();
                        handles[slot] = sender.send(arrival.person(), PROMPT.formatted(arrival.index(),
                                arrival.person()));
                        return null;
                    });
                }
            }
            Duration runTime = Duration.ofNanos(System.nanoTime() - start);
            long drainStart = System.nanoTime();
            Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
            while (!engine.store().findByState(EnumSet.of(JobState.QUEUED, JobState.RUNNING)).isEmpty()
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            Thread.sleep(2000); // the last replies reach the fakes
            Duration drainTime = Duration.ofNanos(System.nanoTime() - drainStart);

            List<Long> acks = new ArrayList<>();
            int unanswered = 0;
            Map<String, Integer> refusals = new TreeMap<>();
            for (int i = 0; i < arrivals.size(); i++) {
                Arrival arrival = arrivals.get(i);
                LoadFront.Answer answer = handles[i] == null ? LoadFront.Answer.NONE : front.answer(handles[i]);
                if (answer.atNanos() < 0) {
                    unanswered++;
                } else {
                    acks.add(answer.atNanos() - sent[i]);
                }
                if (!tracker.accepted.containsKey(PROMPT.formatted(arrival.index(), arrival.person()))) {
                    refusals.merge(reason(answer.text()), 1, Integer::sum);
                }
            }
            Map<JobState, Integer> finalStates = new TreeMap<>();
            int notFinal = 0;
            for (Job job : tracker.accepted.values()) {
                Job now = engine.store().find(job.id()).orElse(job);
                finalStates.merge(now.state(), 1, Integer::sum);
                if (now.state() == JobState.QUEUED || now.state() == JobState.RUNNING) {
                    notFinal++;
                }
            }
            return new Result(name, settings, acks.stream().mapToLong(Long::longValue).sorted().toArray(), unanswered,
                    tracker.accepted.size(), refusals, finalStates, notFinal, tracker, runTime, drainTime);
        } finally {
            engine.close(); // the adapters first, while their fakes still answer
            if (front != null) {
                front.close();
            }
        }
    }

    /** A refusal's words with the numbers taken out, so that the same reason is counted once. */
    static String reason(String text) {
        String firstLine = text.lines().findFirst().orElse("").replaceAll("\\d+", "N").strip();
        return firstLine.length() <= 110 ? firstLine : firstLine.substring(0, 110) + "…";
    }

    static double millis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    static String report(List<Result> results, String machine) {
        StringBuilder md = new StringBuilder();
        Settings s = results.get(0).settings();
        md.append("Workload: ").append(s.requests()).append(" requests from ").append(s.people())
                .append(" people within ").append(s.window().toSeconds()).append(" s (seed ").append(s.seed())
                .append("; one person in five asks in a 3-second burst), stand-in model at ")
                .append(s.perStep().toMillis()).append(" ms a step, 2 steps, 256x256, one picture a request;")
                .append(" queue: 3 waiting per person, 50 in all.\n\n");
        md.append(machine).append("\n\n");
        md.append("| front door | answered | ack p50 | ack p99 | ack max | accepted | refused | accepted jobs not in a final"
                + " state | final states | fair-order violations | own-order violations | sending took | drain |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %d of %d | %.0f ms | %.0f ms | %.0f ms | %d | %d | %d | %s |"
                            + " %d of %d starts | %d | %.1f s | %.1f s |%n", r.front(), r.ackNanos().length,
                    r.ackNanos().length + r.unanswered(), millis(r.ackNanos(), 0.5), millis(r.ackNanos(), 0.99),
                    millis(r.ackNanos(), 1.0), r.accepted(), r.refusals().values().stream().mapToInt(i -> i).sum(),
                    r.notFinal(), r.finalStates(), r.tracker().unfairStarts, r.tracker().started,
                    r.tracker().outOfOrderStarts, r.runTime().toMillis() / 1000.0, r.drainTime().toMillis() / 1000.0));
        }
        for (Result r : results) {
            md.append("\nRefusals through ").append(r.front()).append(":\n\n");
            r.refusals().forEach((reason, count) -> md.append("- ").append(count).append(" × ").append(reason)
                    .append('\n'));
            if (r.refusals().isEmpty()) {
                md.append("- none\n");
            }
            r.tracker().examples.forEach(e -> md.append("- unfair start: ").append(e).append('\n'));
        }
        return md.toString();
    }

    static String loadAverage() throws IOException {
        String load = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).strip();
        return String.join(", ", Arrays.asList(load.split(" ")).subList(0, 3));
    }

    /** The CPU as /proc/cpuinfo names it (model name, family, model, the AVX-512 flags) and the load. */
    static String machine(String loadBefore) throws IOException {
        List<String> cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"));
        java.util.function.Function<String, String> field = name -> cpuinfo.stream()
                .filter(l -> l.startsWith(name + "\t") || l.startsWith(name + " ")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        String flags = Arrays.stream(field.apply("flags").split(" "))
                .filter(f -> f.startsWith("avx512") || f.equals("amx_tile") || f.equals("hypervisor"))
                .reduce((a, b) -> a + " " + b).orElse("none");
        return "Machine: " + field.apply("model name") + " (family " + field.apply("cpu family") + ", model "
                + field.apply("model") + "; flags: " + flags + "), " + Runtime.getRuntime().availableProcessors()
                + " CPUs, Java " + Runtime.version() + ". Load average (1, 5, 15 min) before: " + loadBefore
                + "; after: " + loadAverage() + " (other builds share the machine).";
    }

    @Test
    void run() throws Exception {
        assumeTrue(Boolean.getBoolean("imagine.bench.load"), "the load benchmark runs from bench/load/run.sh");
        Settings settings = Settings.fromProperties();
        String loadBefore = loadAverage();
        List<Result> results = new ArrayList<>();
        for (String front : settings.fronts()) {
            results.add(run(front.strip(), settings, switch (front.strip()) {
                case "discord" -> dev.imagine.bot.discord.DiscordLoadFront::start;
                case "telegram" -> dev.imagine.bot.telegram.TelegramLoadFront::start;
                case "web" -> dev.imagine.bot.web.WebLoadFront::start;
                default -> throw new IllegalArgumentException("no front door " + front
                        + "; use discord, telegram, web");
            }));
        }
        String report = report(results, machine(loadBefore));
        Files.createDirectories(settings.out().toAbsolutePath().getParent());
        Files.writeString(settings.out(), report);
        System.out.println(report);
    }
}
