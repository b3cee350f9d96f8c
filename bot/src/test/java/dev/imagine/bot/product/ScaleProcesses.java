package dev.imagine.bot.product;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.bench.ScaleThroughput;
import dev.imagine.bench.ScaleThroughput.Picture;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.redis.RedisServer;
import dev.imagine.pipeline.model.FakeHub;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bench/scale's real run (by hand, never by CI: {@code bench/scale/processes.sh}): {@code bot/target/imagine.jar} as one
 * bot (queue.backend: redis, worker.enabled: false, the playground's JSON API on a free port) and N = 1, 2, 3
 * {@code imagine.jar worker} processes around a redis-server of its own, all on the tiny test model from the product
 * tests' fake hub. bench/fairness's workload goes through the API: one heavy user keeps their per-user limit full, ten
 * light users arrive at random (Poisson) and together ask for a third of the N workers, at the pace of one worker's
 * service time measured first. It lives beside the product tests to use their helpers (the sandbox, the processes,
 * the fake hub, the API client); the arithmetic and the report are {@code dev.imagine.bench.ScaleThroughput}'s.
 */
public final class ScaleProcesses {
    private static final Pattern DONE = Pattern.compile("job (\\S+) done in");
    private static final int LIGHT_USERS = 10;
    private static final Set<String> VALUED = Set.of("--workers", "--seconds", "--warm-up", "--calibration",
            "--threads", "--seed", "--service", "--steps", "--size", "--out");

    private record Options(List<Integer> workers, double seconds, double warmUp, double calibration, int threads,
                           boolean pin, long seed, Double service, int steps, String size, boolean shippedQueue,
                           Path out) {
    }

    private ScaleProcesses() {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        String header = header(o, cores);
        System.err.print(header);
        List<ScaleThroughput.Phase> phases = new ArrayList<>();
        double service;
        QueueSettings settings;
        try (Run run = new Run(o)) {
            service = o.service() != null ? o.service() : run.calibrate();
            settings = o.shippedQueue() ? QueueSettings.DEFAULTS : ScaleThroughput.scaledSettings(service);
            System.err.printf("one worker draws a picture in %.2f s (%s); load %s%n", service,
                    o.service() != null ? "given" : "measured", load());
            if (!o.shippedQueue()) {
                run.restartBot(settings);
            }
            for (int n : o.workers()) {
                ScaleThroughput.Phase phase = run.phase(n, service);
                phases.add(phase);
                System.err.println(ScaleThroughput.report("", List.of(phase),
                        List.of(ScaleThroughput.figures(phase))));
            }
        }
        List<ScaleThroughput.Figures> figures = new ArrayList<>();
        for (ScaleThroughput.Phase phase : phases) {
            figures.add(ScaleThroughput.withReferences(ScaleThroughput.figures(phase), phase,
                    o.seed() + phase.workers(), settings));
        }
        String report = ScaleThroughput.report(header + String.format(java.util.Locale.ROOT,
                "- one worker's time for a picture, which sets the light users' pace: %.2f s (%s)%n"
                        + "- queue: per-user limit %d, preemption margin %.1f CPU-s, usage half-life %s, aging rate %.1f"
                        + " (%s)%n", service, o.service() != null ? "given" : "measured with one worker alone",
                settings.perUserLimit(), settings.preemption().margin(), settings.usageHalfLife(),
                settings.agingRate(), o.shippedQueue() ? "as shipped"
                        : "the shipped times scaled from 40 s pictures to this one, as bench/scale/README.md says"),
                phases, figures);
        System.out.print(report);
        if (o.out() != null) {
            Files.writeString(o.out(), report);
            System.err.println("report written to " + o.out());
        }
    }

    private static Options parse(String[] args) {
        List<Integer> workers = List.of(1, 2, 3);
        double seconds = 120;
        double warmUp = 20;
        double calibration = 30;
        int threads = 1;
        boolean pin = false;
        boolean shippedQueue = false;
        long seed = 20261207L;
        Double service = null;
        int steps = 4;
        String size = "512x512";
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--pin")) {
                pin = true;
                continue;
            }
            if (a.equals("--shipped-queue")) {
                shippedQueue = true;
                continue;
            }
            if (!VALUED.contains(a)) {
                throw new IllegalArgumentException("unknown option " + a + " (known: --workers 1,2,3, --seconds S,"
                        + " --warm-up S, --calibration S, --threads N, --pin, --seed N, --service S, --steps N,"
                        + " --size WxH, --shipped-queue, --out FILE; see bench/scale/README.md)");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value (see bench/scale/README.md)");
            }
            String v = args[++i];
            switch (a) {
                case "--workers" -> workers = java.util.Arrays.stream(v.split(",")).map(String::trim)
                        .map(Integer::valueOf).toList();
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--warm-up" -> warmUp = Double.parseDouble(v);
                case "--calibration" -> calibration = Double.parseDouble(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--service" -> service = Double.parseDouble(v);
                case "--steps" -> steps = Integer.parseInt(v);
                case "--size" -> size = v;
                case "--out" -> out = Path.of(v).toAbsolutePath();
                default -> throw new IllegalStateException(a);
            }
        }
        return new Options(workers, seconds, warmUp, calibration, threads, pin, seed, service, steps, size,
                shippedQueue, out);
    }

    private static String header(Options o, int cores) throws IOException {
        String cpu = "?";
        String family = "?";
        String model = "?";
        List<String> flags = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            String[] kv = line.split("\\s*:\\s*", 2);
            if (kv.length < 2) {
                continue;
            }
            switch (kv[0]) {
                case "model name" -> cpu = kv[1];
                case "cpu family" -> family = kv[1];
                case "model" -> model = kv[1];
                case "flags" -> {
                    flags.clear();
                    for (String f : List.of("avx2", "avx512_vnni", "avx512_bf16", "avx_vnni")) {
                        if ((" " + kv[1] + " ").contains(" " + f + " ")) {
                            flags.add(f);
                        }
                    }
                }
                default -> {
                }
            }
        }
        return String.format(java.util.Locale.ROOT, "Scale benchmark (processes): imagine.jar as one bot and N worker"
                        + " processes around one redis-server, the tiny test model%n"
                        + "- CPU: %s (family %s, model %s), %s; %d cores seen by the JVM%s%n"
                        + "- workers %s; %s s measured after %s s of warm-up each; %d ONNX thread(s) per worker;"
                        + " pictures of %d steps at %s; seed %d%s%n"
                        + "- workload: 1 heavy user keeps 3 waiting; %d light users arrive at random, together a third"
                        + " of the N workers at one worker's pace%n",
                cpu, family, model, flags.isEmpty() ? "no avx2" : String.join(" ", flags), cores,
                o.workers().stream().anyMatch(n -> n > cores) ? " (more workers than cores: they share them)" : "",
                o.workers(), fmt(o.seconds()), fmt(o.warmUp()), o.threads(), o.steps(), o.size(), o.seed(),
                o.pin() ? "; --pin: worker i on core i mod " + cores + " (taskset)" : "", LIGHT_USERS);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** The processes of one run and the people using them. */
    private static final class Run implements AutoCloseable {
        private final Options o;
        private final FakeHub hub;
        private final Sandbox sandbox;
        private final RedisServer redis;
        private ImagineProcess bot;
        private URI api;
        private int bots;
        private final List<ImagineProcess> workers = new ArrayList<>();
        private final AtomicInteger prompts = new AtomicInteger();
        private int started;

        Run(Options o) throws Exception {
            this.o = o;
            hub = TinyHub.start();
            sandbox = Sandbox.create("bench-scale");
            redis = RedisServer.start();
            startBot(QueueSettings.DEFAULTS);
        }

        /** The bot with {@code settings} in config.yaml, which the workers started after it read too. */
        private void startBot(QueueSettings settings) throws Exception {
            String yaml = ProductTests.withKey(TinyHub.config(hub), "queue.backend", "redis");
            yaml = ProductTests.withKey(yaml, "worker.enabled", "false");
            yaml = ProductTests.withKey(yaml, "model.threads", String.valueOf(o.threads()));
            // The heavy user asks for far more than 20 pictures in 10 minutes: the rate limit would refuse them.
            yaml = ProductTests.withKey(yaml, "rate-limit.pictures", "0");
            yaml = ProductTests.withKey(yaml, "queue.preemption-margin",
                    String.valueOf(settings.preemption().margin()));
            yaml = ProductTests.withKey(yaml, "queue.usage-half-life", settings.usageHalfLife().toSeconds() + "s");
            sandbox.writeConfig(yaml);
            bot = ImagineProcess.start(sandbox, "bot-" + ++bots, environment());
            api = bot.awaitHealthy(Duration.ofSeconds(180));
        }

        /** A new bot with other queue settings (it writes them to Redis as it starts). */
        void restartBot(QueueSettings settings) throws Exception {
            bot.sigterm();
            bot.awaitExit(Duration.ofSeconds(60));
            startBot(settings);
        }

        private Map<String, String> environment() {
            return sandbox.environment(hub.endpoint().toString(),
                    Map.of("REDIS_URL", "redis://127.0.0.1:" + redis.port()));
        }

        private void startWorkers(int n) throws Exception {
            int cores = Runtime.getRuntime().availableProcessors();
            for (int i = 0; i < n; i++) {
                ImagineProcess worker = ImagineProcess.start(sandbox, "worker-" + ++started, environment(),
                        "worker");
                if (o.pin()) {
                    Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", String.valueOf(i % cores),
                            String.valueOf(worker.pid())).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    if (taskset.waitFor() != 0) {
                        System.err.println("taskset could not pin worker " + worker.pid() + "; it runs unpinned");
                    }
                }
                workers.add(worker);
            }
            for (ImagineProcess worker : workers) {
                worker.awaitHealthy(Duration.ofSeconds(180));
            }
        }

        private void stopWorkers() throws Exception {
            for (ImagineProcess worker : workers) {
                worker.sigterm();
            }
            for (ImagineProcess worker : workers) {
                worker.awaitExit(Duration.ofSeconds(60));
            }
            workers.clear();
        }

        private String request() {
            // A prompt and seed of their own: nothing is served from the cache.
            int n = prompts.incrementAndGet();
            return "{\"prompt\": \"a lighthouse at dusk, number " + n + "\", \"seed\": " + n + ", \"steps\": "
                    + o.steps() + ", \"size\": \"" + o.size() + "\"}";
        }

        /** One worker alone with a user who keeps 3 waiting: the mean seconds of a picture after the first third. */
        double calibrate() throws Exception {
            startWorkers(1);
            PlaygroundClient user = new PlaygroundClient().at(api);
            Instant begin = Instant.now();
            List<String> ids = keepFull(user, begin.plusMillis((long) (o.calibration() * 1000)));
            drain(List.of(Map.entry(user, ids)));
            stopWorkers();
            double from = o.calibration() / 3;
            double sum = 0;
            int count = 0;
            for (String id : ids) {
                Picture p = picture(user, id, "calibration", true, begin);
                if (p.started() >= from && !Double.isNaN(p.finished())) {
                    sum += p.finished() - p.started();
                    count++;
                }
            }
            if (count == 0) {
                throw new IllegalStateException("no picture was drawn during the calibration; see "
                        + sandbox.logs);
            }
            return sum / count;
        }

        /** Submits whenever fewer than 3 of the user's jobs wait, until {@code until}; returns the ids. */
        private List<String> keepFull(PlaygroundClient user, Instant until) throws Exception {
            List<String> ids = new ArrayList<>();
            while (Instant.now().isBefore(until)) {
                int waiting = 0;
                for (JsonNode job : user.mine(10)) {
                    if (job.get("state").asText().equals("queued")) {
                        waiting++;
                    }
                }
                for (int i = waiting; i < 3; i++) {
                    try {
                        ids.add(user.draw(request()).get("id").asText());
                    } catch (AssertionError refused) {
                        break; // a parked job counts as waiting too
                    }
                }
                Thread.sleep(100);
            }
            return ids;
        }

        ScaleThroughput.Phase phase(int n, double service) throws Exception {
            System.err.printf("%d worker process(es): starting them (load %s)%n", n, load());
            startWorkers(n);
            String loadBefore = load();
            Random random = new Random(o.seed() * 31 + n);
            double total = o.warmUp() + o.seconds();
            double interval = ScaleThroughput.lightMeanInterval(service, LIGHT_USERS, n);
            List<PlaygroundClient> light = new ArrayList<>();
            Map<PlaygroundClient, List<String>> lightIds = new ConcurrentHashMap<>();
            List<double[]> schedule = new ArrayList<>(); // {time, user}
            for (int u = 0; u < LIGHT_USERS; u++) {
                PlaygroundClient person = new PlaygroundClient().at(api);
                light.add(person);
                lightIds.put(person, Collections.synchronizedList(new ArrayList<>()));
                for (double t : ScaleThroughput.poissonArrivals(random, interval, total)) {
                    schedule.add(new double[] {t, u});
                }
            }
            PlaygroundClient heavy = new PlaygroundClient().at(api);
            AtomicInteger refused = new AtomicInteger();
            Instant begin = Instant.now();
            ScheduledExecutorService arrivals = Executors.newScheduledThreadPool(4);
            for (double[] arrival : schedule) {
                long delay = Math.round(arrival[0] * 1000) - Duration.between(begin, Instant.now()).toMillis();
                PlaygroundClient person = light.get((int) arrival[1]);
                arrivals.schedule(() -> {
                    try {
                        lightIds.get(person).add(person.draw(request()).get("id").asText());
                    } catch (AssertionError e) {
                        refused.incrementAndGet();
                    } catch (Exception e) {
                        System.err.println("a light user's request failed: " + e);
                        refused.incrementAndGet();
                    }
                }, Math.max(0, delay), TimeUnit.MILLISECONDS);
            }
            ExecutorService heavyThread = Executors.newSingleThreadExecutor();
            var heavyIds = heavyThread.submit(() -> keepFull(heavy, begin.plusMillis(Math.round(total * 1000))));
            sleepUntil(begin.plusMillis(Math.round(o.warmUp() * 1000)));
            double[] cpu0 = cpuSeconds();
            long[] machine0 = machineTicks();
            sleepUntil(begin.plusMillis(Math.round(total * 1000)));
            double[] cpu1 = cpuSeconds();
            long[] machine1 = machineTicks();
            String loadAfter = load();
            arrivals.shutdown();
            arrivals.awaitTermination(30, TimeUnit.SECONDS);
            List<String> heavyList = heavyIds.get();
            heavyThread.shutdown();
            List<Map.Entry<PlaygroundClient, List<String>>> everyone = new ArrayList<>();
            everyone.add(Map.entry(heavy, heavyList));
            lightIds.forEach((person, ids) -> everyone.add(Map.entry(person, ids)));
            drain(everyone);

            List<Picture> pictures = new ArrayList<>();
            for (String id : heavyList) {
                pictures.add(picture(heavy, id, "heavy", true, begin));
            }
            for (int u = 0; u < LIGHT_USERS; u++) {
                for (String id : lightIds.get(light.get(u))) {
                    pictures.add(picture(light.get(u), id, "light" + u, false, begin));
                }
            }
            Set<String> inWindow = new java.util.HashSet<>();
            for (Picture p : pictures) {
                if (p.finished() >= o.warmUp() && p.finished() < total) {
                    inWindow.add(p.id());
                }
            }
            int[] perWorker = new int[n];
            for (int w = 0; w < n; w++) {
                Matcher m = DONE.matcher(workers.get(w).stderr());
                while (m.find()) {
                    if (inWindow.contains(m.group(1))) {
                        perWorker[w]++;
                    }
                }
            }
            double[] workerCpu = new double[n];
            for (int w = 0; w < n; w++) {
                workerCpu[w] = cpu1[w] - cpu0[w];
            }
            double busyCores = (machine1[0] - machine0[0]) / (double) (machine1[1] - machine0[1])
                    * Runtime.getRuntime().availableProcessors();
            stopWorkers();
            return new ScaleThroughput.Phase(n, o.warmUp(), o.seconds(), pictures, refused.get(), perWorker,
                    workerCpu, cpu1[n] - cpu0[n], cpu1[n + 1] - cpu0[n + 1], busyCores, loadBefore, loadAfter);
        }

        private static void sleepUntil(Instant when) throws InterruptedException {
            long millis = Duration.between(Instant.now(), when).toMillis();
            if (millis > 0) {
                Thread.sleep(millis);
            }
        }

        /** Waits until every job of every user has ended (at most five minutes). */
        private void drain(List<Map.Entry<PlaygroundClient, List<String>>> jobs) throws Exception {
            for (Map.Entry<PlaygroundClient, List<String>> e : jobs) {
                for (String id : e.getValue()) {
                    e.getKey().awaitFinal(id, Duration.ofMinutes(5));
                }
            }
        }

        private static Picture picture(PlaygroundClient owner, String id, String user, boolean heavy, Instant begin)
                throws Exception {
            JsonNode job = owner.job(id);
            return new Picture(id, user, heavy, since(begin, job.get("createdAt")), since(begin, job.get("startedAt")),
                    since(begin, job.get("finishedAt")));
        }

        private static double since(Instant begin, JsonNode instant) {
            if (instant == null || instant.isNull()) {
                return Double.NaN;
            }
            Duration d = Duration.between(begin, Instant.parse(instant.asText()));
            return d.toNanos() / 1e9;
        }

        /** CPU seconds of each worker, then the bot, then redis-server. */
        private double[] cpuSeconds() throws IOException {
            List<Long> pids = new ArrayList<>();
            workers.forEach(w -> pids.add(w.pid()));
            pids.add(bot.pid());
            // By its name: Debian's redis-server is a link to redis-check-rdb, which is what the JVM sees it run.
            pids.add(ProcessHandle.current().children().mapToLong(ProcessHandle::pid)
                    .filter(pid -> comm(pid).equals("redis-server")).findFirst().orElse(-1));
            double[] seconds = new double[pids.size()];
            for (int i = 0; i < pids.size(); i++) {
                Path stat = Path.of("/proc/" + pids.get(i) + "/stat");
                seconds[i] = Files.exists(stat)
                        ? ScaleThroughput.cpuSeconds(Files.readString(stat), TICKS) : Double.NaN;
            }
            return seconds;
        }

        private static String comm(long pid) {
            try {
                return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
            } catch (IOException e) {
                return "";
            }
        }

        private static long[] machineTicks() throws IOException {
            return ScaleThroughput.machineTicks(Files.readAllLines(Path.of("/proc/stat")).get(0));
        }

        @Override
        public void close() throws Exception {
            for (ImagineProcess worker : workers) {
                worker.close();
            }
            bot.close();
            redis.close();
            hub.close();
        }
    }

    /** USER_HZ: 100 on every Linux Imagine runs on (getconf CLK_TCK). */
    private static final long TICKS = 100;
}
