package dev.imagine.bot.job;

import dev.imagine.bot.cache.CacheKey;
import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.RequestValidator;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.queue.Admission;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.QueueEntry;
import dev.imagine.bot.queue.QueueSnapshot;
import dev.imagine.bot.queue.QueuedJob;
import dev.imagine.bot.queue.Usage;
import dev.imagine.pipeline.CancellationSignal;
import dev.imagine.pipeline.Generation;
import dev.imagine.pipeline.GenerationCancelledException;
import dev.imagine.pipeline.GenerationResult;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.ProgressListener;
import dev.imagine.pipeline.StepControl;
import dev.imagine.pipeline.TokenizedPrompt;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine between the chat adapters and the pipeline: it answers {@link Command}s, admits jobs into the
 * fair-share queue (or answers them from the cache at once), runs them on the worker, keeps every job in the
 * durable store, and tells people what happened through their platform's {@link ReplySink}.
 */
public final class JobService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);

    private final JobSettings settings;
    private final ImageGenerator generator;
    private final FairShareQueue<Job> queue;
    private final ResultCache cache;
    private final JobStore store;
    private final InstantSource clock;
    private final LongSupplier processCpuNanos;
    private final Supplier<String> jobIds;
    private final RequestValidator validator;
    private final Preferences preferences;
    private final CostModel costs;
    private final PictureLabels labels;
    private final Map<String, ReplySink> sinks = new ConcurrentHashMap<>();
    private volatile JobObserver observer = JobObserver.NONE;
    private final Worker worker;

    private final Object lock = new Object();
    // Guarded by lock: identical requests in flight share one generation.
    private final Map<String, String> leaderByRequest = new HashMap<>();
    private final Map<String, List<Job>> followersByLeader = new HashMap<>();
    private volatile RunningJob running;
    // Jobs parked at a step boundary for a more deserving one, by id: back in the queue, QUEUED in the store.
    private final Map<String, Parked> parked = new ConcurrentHashMap<>();
    private volatile boolean admitting = true;
    // Replaced by tests: whether the JVM has begun its shutdown (its hooks run, whoever started it).
    private volatile BooleanSupplier jvmStopping = JobService::jvmShuttingDown;

    /** The job on the worker and whether someone asked it to stop. */
    private static final class RunningJob {
        final Job job;
        final long deadlineNanos;
        volatile String cancelReason;

        RunningJob(Job job, long deadlineNanos) {
            this.job = job;
            this.deadlineNanos = deadlineNanos;
        }
    }

    /**
     * A job that yielded the worker: its generation where it stopped, the job as it ran (with its first start), what
     * it has used so far, and what is left of its time limit.
     */
    private record Parked(Generation generation, Job job, long wallNanos, long cpuNanos, long budgetNanos) {
    }

    public JobService(JobSettings settings, ImageGenerator generator, FairShareQueue<Job> queue, ResultCache cache,
                      JobStore store, InstantSource clock, LongSupplier processCpuNanos, Supplier<String> jobIds,
                      LongSupplier randomSeeds) {
        this.settings = settings;
        this.generator = generator;
        this.queue = queue;
        this.cache = cache;
        this.store = store;
        this.clock = clock;
        this.processCpuNanos = processCpuNanos;
        this.jobIds = jobIds;
        this.validator = new RequestValidator(randomSeeds);
        this.preferences = new Preferences(settings.limits(), settings.defaults(), store, validator);
        this.costs = new CostModel(settings.initialSecondsPerUnit());
        this.labels = new PictureLabels(generator);
        this.worker = new Worker(queue, this::run);
    }

    /** Registers the adapter that answers people of {@code platform} ("discord", "telegram", "web"). */
    public void registerSink(String platform, ReplySink sink) {
        sinks.put(platform, sink);
    }

    /** Sets who is told about job events (metrics). */
    public void observe(JobObserver jobObserver) {
        this.observer = jobObserver;
    }

    /**
     * Takes back everyone's fair-share usage from the store, puts jobs that were waiting or running when the process
     * stopped back into the queue (their owners are told, the log says how many and from which state), then starts
     * the worker.
     */
    public void start() {
        Map<String, Usage> ledger = store.usageLedger();
        Set<String> restored = queue.restoreUsage(ledger);
        Set<String> forgotten = new HashSet<>(ledger.keySet());
        forgotten.removeAll(restored);
        store.forgetUsage(forgotten);
        if (!restored.isEmpty()) {
            LOG.info("fair-share usage of {} {} restored from the job store", restored.size(),
                    restored.size() == 1 ? "person" : "people");
        }
        int wereWaiting = 0;
        int wereRunning = 0;
        int refused = 0;
        for (Job job : store.findByState(EnumSet.of(JobState.QUEUED, JobState.RUNNING))) {
            Job waiting = job.state() == JobState.RUNNING ? job.requeued() : job;
            Admission<Job> admission = queue.offer(waiting.id(), waiting.owner().key(), waiting,
                    estimate(waiting.parameters()));
            if (admission instanceof Admission.Accepted<Job> accepted) {
                store.save(waiting);
                if (job.state() == JobState.RUNNING) {
                    wereRunning++;
                } else {
                    wereWaiting++;
                }
                sinkFor(waiting).notice(waiting, "Imagine restarted; your picture is back in the queue at #"
                        + accepted.position() + ", " + Durations.about(accepted.estimatedWait()) + ".");
            } else {
                refused++;
                Job failed = waiting.failed(clock.instant(), "Imagine restarted and could not take your request back"
                        + " into the queue; please ask again.");
                store.save(failed);
                sinkFor(failed).failed(failed, failed.error());
            }
        }
        logResumed(wereWaiting, wereRunning, refused);
        worker.start();
    }

    /** Says after a restart how many jobs came back, and from which state. */
    private static void logResumed(int wereWaiting, int wereRunning, int refused) {
        int resumed = wereWaiting + wereRunning;
        if (resumed > 0) {
            LOG.info("resumed {} {} from the last run: {} {} waiting, {} {} running{}", resumed,
                    resumed == 1 ? "job" : "jobs", wereWaiting, wereWaiting == 1 ? "was" : "were", wereRunning,
                    wereRunning == 1 ? "was" : "were", wereRunning > 0 ? " (drawn again from the start)" : "");
        }
        if (refused > 0) {
            LOG.warn("{} job(s) of the last run did not fit in the queue any more and were marked failed", refused);
        }
    }

    /** Answers a command at once; later news about the job arrives through the sink of the requester's platform. */
    public Reply handle(Command command, String origin) {
        Reply reply = answer(command, origin);
        switch (reply) {
            case Reply.Refused refused -> observer.refused(command.requester().user().platform());
            case Reply.Accepted accepted -> observer.queued(accepted.job());
            case Reply.Finished finished -> observer.ended(finished.job(), JobObserver.Outcome.CACHED);
            case Reply.Info info -> { }
        }
        return reply;
    }

    private Reply answer(Command command, String origin) {
        return switch (command) {
            case Command.Imagine imagine -> imagine(imagine, origin);
            case Command.Replay replay -> fromEarlierJob(replay.requester(), replay.jobId(), origin, false);
            case Command.Reroll reroll -> fromEarlierJob(reroll.requester(), reroll.jobId(), origin, true);
            case Command.Vary vary -> new Reply.Refused("Variations are not available yet; they are coming. Meanwhile,"
                    + " Re-roll draws the same prompt with a new seed.", Reply.Refused.Reason.NOT_AVAILABLE);
            case Command.Upscale upscale -> new Reply.Refused("Upscaling is not available yet; it is coming.", Reply.Refused.Reason.NOT_AVAILABLE);
            case Command.Cancel cancel -> cancel(cancel);
            case Command.Delete delete -> delete(delete);
            case Command.QueueStatus status -> new Reply.Info(queueStatus(status.requester().user()));
            case Command.Settings change -> preferences.handle(change);
            case Command.Help help -> new Reply.Info(HelpText.TEXT);
        };
    }

    // ---- admission ----

    private Reply imagine(Command.Imagine command, String origin) {
        Requester requester = command.requester();
        Optional<Reply.Refused> channel = preferences.channelRefusal(requester);
        if (channel.isPresent()) {
            return channel.get();
        }
        return switch (validator.validate(command, preferences.defaultsFor(requester.user()),
                preferences.limitsFor(requester))) {
            case RequestValidator.Refused refused -> new Reply.Refused(refused.message());
            case RequestValidator.Valid valid -> submit(requester, valid.parameters(), origin, null);
        };
    }

    private Reply fromEarlierJob(Requester requester, String jobId, String origin, boolean newSeed) {
        Optional<Job> earlier = JobIds.looksValid(jobId) ? store.find(jobId) : Optional.empty();
        if (earlier.isEmpty()) {
            return new Reply.Refused("I can't find that picture any more. Use /imagine to draw it again.",
                    Reply.Refused.Reason.NOT_FOUND);
        }
        Optional<Reply.Refused> channel = preferences.channelRefusal(requester);
        if (channel.isPresent()) {
            return channel.get();
        }
        JobParameters parameters = earlier.get().parameters();
        if (newSeed) {
            parameters = parameters.withSeed(validator.randomSeed());
        }
        // A click by anyone makes a new job owned by the clicker and charged to the clicker's share; it still has to
        // fit the clicker's community limits.
        Limits limits = preferences.limitsFor(requester);
        if (parameters.steps() > limits.maxSteps() || parameters.size().width() > limits.maxSide()
                || parameters.size().height() > limits.maxSide() || parameters.count() > limits.maxCount()) {
            return new Reply.Refused("That picture is over this community's limits (steps " + limits.maxSteps()
                    + ", size " + limits.maxSide() + ", count " + limits.maxCount() + "); use /imagine with smaller"
                    + " settings.");
        }
        return submit(requester, parameters, origin, jobId);
    }

    private Reply submit(Requester requester, JobParameters parameters, String origin, String sourceJobId) {
        if (!admitting) {
            return new Reply.Refused("Imagine is restarting and not taking new pictures right now; try again in a"
                    + " minute.", Reply.Refused.Reason.SHUTTING_DOWN);
        }
        if (parameters.decoder() == Decoder.FAST && !(settings.fastDecoderAvailable() && generator.hasFastDecoder())) {
            return new Reply.Refused("The fast decoder is not installed on this bot; use decoder: full.",
                    Reply.Refused.Reason.NOT_AVAILABLE);
        }
        Job job = Job.queued(jobIds.get(), requester.user(), requester.community(), requester.channel(), parameters,
                clock.instant(), origin, sourceJobId);
        return admit(job, false);
    }

    /**
     * Answers a new job from the cache, attaches it to an identical job in flight, or offers it to the queue.
     *
     * @param known true for a job that is already in the store under its id (a follower taking its leader's place):
     *              a refusal then ends it as failed instead of forgetting it
     */
    private Reply admit(Job job, boolean known) {
        User user = job.owner();
        JobParameters parameters = job.parameters();
        List<CacheKey> keys = cacheKeys(parameters);
        List<byte[]> cached = cachedImages(keys);
        if (cached != null) {
            Job done = job.done(clock.instant(), digests(keys), true, 0);
            store.save(done);
            LOG.info("job {} for {} answered from the cache", done.id(), user.key());
            return new Reply.Finished(done, labels.forJob(done, cached));
        }
        String requestKey = String.join(",", digests(keys));
        synchronized (lock) {
            String leader = leaderByRequest.get(requestKey);
            if (leader != null) {
                // The same picture is already being made: wait for it instead of making it twice.
                store.save(job);
                followersByLeader.computeIfAbsent(leader, id -> new ArrayList<>()).add(job);
                QueuedJob<Job> position = positionOf(leader);
                return new Reply.Accepted(job, position == null ? 0 : position.position(),
                        position == null ? Duration.ZERO : position.estimatedWait());
            }
            // Saved before it is offered: the worker may take it the moment it is in the queue.
            store.save(job);
            Admission<Job> admission = queue.offer(job.id(), user.key(), job, estimate(parameters));
            if (admission instanceof Admission.Refused<Job> refused) {
                if (known) {
                    store.save(job.failed(clock.instant(), refused.message()));
                } else {
                    store.delete(job.id());
                }
                return new Reply.Refused(refused.message(), Reply.Refused.Reason.BUSY);
            }
            Admission.Accepted<Job> accepted = (Admission.Accepted<Job>) admission;
            leaderByRequest.put(requestKey, job.id());
            LOG.info("job {} for {} queued at #{}", job.id(), user.key(), accepted.position());
            return new Reply.Accepted(job, accepted.position(), accepted.estimatedWait());
        }
    }

    private Duration estimate(JobParameters parameters) {
        return costs.estimate(parameters.workUnits());
    }

    List<CacheKey> cacheKeys(JobParameters parameters) {
        TokenizedPrompt tokens = generator.tokenize(parameters.prompt());
        List<CacheKey> keys = new ArrayList<>();
        for (int i = 0; i < parameters.count(); i++) {
            keys.add(CacheKey.of(settings.modelId(), settings.modelRevision(), tokens.ids(), parameters.seed() + i,
                    parameters.steps(), parameters.size().width(), parameters.size().height(), parameters.guidance(),
                    parameters.decoder().label()));
        }
        return keys;
    }

    /** The request's pictures when the cache has all of them (counted there as one hit or one miss), else null. */
    private List<byte[]> cachedImages(List<CacheKey> keys) {
        return cache.lookup(keys).orElse(null);
    }

    private static List<String> digests(List<CacheKey> keys) {
        return keys.stream().map(CacheKey::digest).toList();
    }

    // ---- running ----

    /**
     * Runs a job step by step. After each step it checks, as {@code generate} does, whether the job was cancelled or
     * ran out of time, and asks the queue whether it should yield: then the generation is parked, the job goes back
     * to the head of its owner's line (QUEUED in the store, so that a restart draws it from scratch) and the worker
     * takes the more deserving job. When the parked job is taken again it goes on from the step where it stopped,
     * with the same pixels. Its owner is not told about the pause: the status message simply shows the next step a
     * little later (a pause is at most one short job), which reads better than "paused" and "resumed" notes.
     * The job is charged once, when it completes, all the time it ran.
     */
    private void run(QueueEntry<Job> entry) {
        Job queued = entry.job();
        Parked resumed = parked.remove(queued.id());
        Optional<Job> current = store.find(queued.id());
        if (current.isEmpty() || current.get().state() != JobState.QUEUED) {
            if (resumed != null) {
                resumed.generation().close();
            }
            return;
        }
        Job job = resumed == null ? current.get().running(clock.instant()) : resumed.job();
        store.save(job);
        long budget = resumed == null ? settings.jobTimeout().toNanos() : resumed.budgetNanos();
        RunningJob state = new RunningJob(job, System.nanoTime() + budget);
        running = state;
        ReplySink sink = sinkFor(job);
        if (resumed == null) {
            observer.started(job, Duration.between(job.createdAt(), job.startedAt()));
            sink.started(job);
        }
        long cpuBefore = processCpuNanos.getAsLong();
        long wallBefore = System.nanoTime();
        JobParameters p = job.parameters();
        Generation generation = resumed == null ? null : resumed.generation();
        boolean keep = false;
        try {
            if (generation == null) {
                generation = generator.begin(PictureLabels.requestOf(p));
            }
            ProgressListener progress = update -> {
                if (update.stage() == ProgressListener.Progress.Stage.STEP_DONE) {
                    sink.progress(job, update.step(), update.totalSteps());
                }
            };
            CancellationSignal stop =
                    () -> state.cancelReason != null || System.nanoTime() > state.deadlineNanos;
            StepControl control = new StepControl(progress, stop,
                    () -> state.cancelReason == null && queue.shouldYield(job.id()));
            if (!generation.run(control)) {
                long wall = System.nanoTime() - wallBefore;
                long cpu = Math.max(0, processCpuNanos.getAsLong() - cpuBefore);
                keep = park(entry, job, generation, state,
                        (resumed == null ? 0 : resumed.wallNanos()) + wall,
                        (resumed == null ? 0 : resumed.cpuNanos()) + cpu);
                return;
            }
            GenerationResult result = generation.finish();
            // Its latents are no longer needed: free them before the slow part (delivery) rather than after it.
            generation.close();
            Duration took = Duration.ofNanos(System.nanoTime() - wallBefore
                    + (resumed == null ? 0 : resumed.wallNanos()));
            double cpuSeconds = (Math.max(0, processCpuNanos.getAsLong() - cpuBefore)
                    + (resumed == null ? 0 : resumed.cpuNanos())) / 1e9;
            List<CacheKey> keys = cacheKeys(p);
            // The cache keeps the pixels only; each job that gets them (this one, those waiting for it, later cache
            // answers) gets its own text on them.
            List<byte[]> pictures = new ArrayList<>();
            for (int i = 0; i < result.images().size(); i++) {
                byte[] picture = PictureLabels.forCache(result.images().get(i).png());
                cache.put(keys.get(i), picture);
                pictures.add(picture);
            }
            Job done = job.done(clock.instant(), digests(keys), false, cpuSeconds);
            // Counted before it becomes visible as DONE, so whoever sees the state also sees it in the metrics.
            observer.generated(done, result.textEncoding(), result.denoising(), result.decoding());
            observer.ended(done, JobObserver.Outcome.DONE);
            store.save(done);
            // The share is charged the time the job held the worker, i.e. the whole machine (every core runs it);
            // summing CPU time over cores would make one job count twice on two cores and skew the aging credit.
            store.saveUsage(done.owner().key(), queue.charge(done.owner().key(), took));
            costs.record(p, took);
            LOG.info("job {} done in {} ms ({} CPU-s)", done.id(), took.toMillis(),
                    String.format(Locale.ROOT, "%.1f", cpuSeconds));
            sink.finished(done, labels.forJob(done, pictures), took);
            finishFollowers(done, pictures, took);
        } catch (GenerationCancelledException e) {
            String reason = state.cancelReason;
            if (reason == null) {
                observer.ended(job, JobObserver.Outcome.TIMEOUT);
                fail(job, "It took longer than the limit of " + Durations.words(settings.jobTimeout())
                        + ", so I gave up on it. Try fewer steps or a smaller size.");
            } else if (reason.equals(SHUTDOWN)) {
                LOG.info("job {} kept for the next start: stopped after step {} of {} because Imagine is stopping",
                        job.id(), generation == null ? 0 : generation.stepsDone(),
                        generation == null ? p.steps() : generation.totalSteps());
                keepForNextStart(job, sink);
            } else {
                Job cancelled = job.cancelled(clock.instant(), reason);
                store.save(cancelled);
                observer.ended(cancelled, JobObserver.Outcome.CANCELLED);
                sink.cancelled(cancelled, reason);
                requeueFollowers(job);
            }
        } catch (RuntimeException | Error e) {
            if (stopping()) {
                // The runtime may have been torn down under the job by a JVM shutdown that did not come through
                // Imagine's own stop (ONNX Runtime closes its environment in a shutdown hook of its own): the picture
                // is not at fault, so it is kept, not failed.
                LOG.warn("job {} kept for the next start: it could not go on while Imagine is stopping ({})",
                        job.id(), e.toString());
                keepForNextStart(job, sink);
            } else {
                // The detail (file paths, the library's own words) is for the operator; the person gets the job id.
                LOG.error("job {} failed", job.id(), e);
                observer.ended(job, JobObserver.Outcome.FAILED);
                fail(job, "Something went wrong while drawing your picture. The queue goes on; you can try again."
                        + " (If it happens again, tell the bot's operator: job " + job.id() + ".)");
            }
        } finally {
            running = null;
            if (!keep) {
                if (generation != null) {
                    generation.close();
                }
                releaseLeadership(job.id());
            }
        }
    }

    /**
     * Parks a job at a step boundary and puts it back in the queue. Returns whether the generation was kept; when
     * the queue was shut down meanwhile, the job simply stays QUEUED for the next start.
     */
    private boolean park(QueueEntry<Job> entry, Job job, Generation generation, RunningJob state, long wallNanos,
                         long cpuNanos) {
        long budget = Math.max(0, state.deadlineNanos - System.nanoTime());
        Job back = job.requeued();
        store.save(back);
        parked.put(job.id(), new Parked(generation, job, wallNanos, cpuNanos, budget));
        // From here a cancel finds the job QUEUED and not running: it takes it out of the queue (or the worker finds
        // it cancelled when it takes it again) and closes the parked generation.
        running = null;
        if (queue.requeue(entry).isEmpty()) {
            parked.remove(job.id());
            sinkFor(back).notice(back, "Imagine is restarting; your picture will be drawn when it is back.");
            return false;
        }
        String reason = state.cancelReason;
        if (reason != null && !reason.equals(SHUTDOWN) && queue.cancel(job.id()).isPresent()) {
            // Cancelled while it was being parked, when the cancel still found it running.
            closeParked(job.id());
            Job cancelled = back.cancelled(clock.instant(), reason);
            store.save(cancelled);
            observer.ended(cancelled, JobObserver.Outcome.CANCELLED);
            sinkFor(cancelled).cancelled(cancelled, reason);
            requeueFollowers(job);
            return false;
        }
        LOG.info("job {} parked after step {} of {} for a more deserving job", job.id(), generation.stepsDone(),
                generation.totalSteps());
        return true;
    }

    private void closeParked(String jobId) {
        Parked gone = parked.remove(jobId);
        if (gone != null) {
            gone.generation().close();
        }
    }

    private static final String SHUTDOWN = "shutdown";

    private void fail(Job job, String message) {
        Job failed = job.failed(clock.instant(), message);
        store.save(failed);
        sinkFor(failed).failed(failed, message);
        requeueFollowers(job);
    }

    /** Back to QUEUED in the store, so the next start draws it from the beginning; its owner is told. */
    private void keepForNextStart(Job job, ReplySink sink) {
        Job back = job.requeued();
        store.save(back);
        sink.notice(back, "Imagine is restarting; your picture will be drawn when it is back.");
    }

    /** Imagine is shutting down, by {@link #shutdown} or because the JVM is exiting. */
    private boolean stopping() {
        return !admitting || jvmStopping.getAsBoolean();
    }

    private void releaseLeadership(String jobId) {
        synchronized (lock) {
            leaderByRequest.values().removeIf(jobId::equals);
        }
    }

    private void finishFollowers(Job leader, List<byte[]> pictures, Duration took) {
        List<Job> followers;
        synchronized (lock) {
            followers = followersByLeader.remove(leader.id());
        }
        if (followers == null) {
            return;
        }
        for (Job follower : followers) {
            Job done = follower.done(clock.instant(), leader.resultKeys(), true, 0);
            store.save(done);
            observer.ended(done, JobObserver.Outcome.CACHED);
            sinkFor(done).finished(done, labels.forJob(done, pictures), took);
        }
    }

    /** When the job others were waiting for did not finish, the first of them takes its place in the queue. */
    private void requeueFollowers(Job leader) {
        // First, so that the followers do not find the leader in flight again and follow it into nothing.
        releaseLeadership(leader.id());
        List<Job> followers;
        synchronized (lock) {
            followers = followersByLeader.remove(leader.id());
        }
        if (followers == null) {
            return;
        }
        for (Job follower : followers) {
            ReplySink sink = sinkFor(follower);
            if (!admitting) {
                // Still QUEUED in the store: it is resumed with the other waiting jobs at the next start.
                sink.notice(follower, "Imagine is restarting; your picture keeps its place and will be drawn when it"
                        + " is back.");
                continue;
            }
            // The follower keeps its id, so the message or page that shows it keeps following the right job.
            Reply reply = admit(follower, true);
            switch (reply) {
                case Reply.Accepted accepted -> sink.queued(accepted.job(), accepted.position(), accepted.eta());
                case Reply.Finished finished -> sink.finished(finished.job(), finished.pngs(), Duration.ZERO);
                case Reply.Refused refused -> sink.failed(follower, refused.message());
                case Reply.Info info -> sink.notice(follower, info.text());
            }
        }
    }

    // ---- cancel, delete, status, settings ----

    private Reply cancel(Command.Cancel command) {
        User user = command.requester().user();
        Optional<Job> target = command.jobId() == null ? latestActiveJobOf(user)
                : (JobIds.looksValid(command.jobId()) ? store.find(command.jobId()) : Optional.empty());
        if (target.isEmpty()) {
            return new Reply.Refused("You have no waiting or running picture to cancel.", Reply.Refused.Reason.NOT_FOUND);
        }
        Job job = target.get();
        if (!job.ownedBy(user)) {
            return new Reply.Refused("Only the person who asked for a picture can cancel it.", Reply.Refused.Reason.NOT_ALLOWED);
        }
        if (job.state().isFinal()) {
            // Checked before the running job: one that just finished is still "running" until its news is out.
            return new Reply.Refused("That picture is already " + job.state().name().toLowerCase(Locale.ROOT) + ".",
                    Reply.Refused.Reason.CONFLICT);
        }
        RunningJob now = running;
        if (now != null && now.job.id().equals(job.id())) {
            now.cancelReason = "cancelled by you";
            return new Reply.Info("Stopping your picture after the current step.");
        }
        if (job.state() != JobState.QUEUED) {
            return new Reply.Refused("That picture is already " + job.state().name().toLowerCase(Locale.ROOT) + ".",
                    Reply.Refused.Reason.CONFLICT);
        }
        queue.cancel(job.id());
        closeParked(job.id());
        boolean wasFollower;
        synchronized (lock) {
            wasFollower = followersByLeader.values().stream().anyMatch(list -> list.removeIf(f -> f.id().equals(job.id())));
        }
        Job cancelled = job.cancelled(clock.instant(), "cancelled by you");
        store.save(cancelled);
        observer.ended(cancelled, JobObserver.Outcome.CANCELLED);
        // The adapter updates the job's own status message ("queued #3" becomes "cancelled").
        sinkFor(cancelled).cancelled(cancelled, "cancelled by you");
        releaseLeadership(job.id());
        if (!wasFollower) {
            requeueFollowers(job);
        }
        return new Reply.Info("Cancelled; it costs you nothing.");
    }

    private Optional<Job> latestActiveJobOf(User user) {
        RunningJob now = running;
        List<Job> waiting = new ArrayList<>(queue.snapshot().jobsOf(user.key()).stream()
                .map(q -> q.entry().job()).toList());
        if (!waiting.isEmpty()) {
            return store.find(waiting.get(waiting.size() - 1).id());
        }
        if (now != null && now.job.ownedBy(user)) {
            return Optional.of(now.job);
        }
        return Optional.empty();
    }

    private Reply delete(Command.Delete command) {
        Optional<Job> target = JobIds.looksValid(command.jobId()) ? store.find(command.jobId()) : Optional.empty();
        if (target.isEmpty()) {
            return new Reply.Refused("I can't find that picture any more.", Reply.Refused.Reason.NOT_FOUND);
        }
        Job job = target.get();
        if (!job.ownedBy(command.requester().user())) {
            return new Reply.Refused("Only the person who asked for this picture can delete it.",
                    Reply.Refused.Reason.NOT_ALLOWED);
        }
        store.save(job.deleted(clock.instant()));
        return new Reply.Info("Deleted.");
    }

    String queueStatus(User user) {
        QueueSnapshot<Job> snapshot = queue.snapshot();
        StringBuilder text = new StringBuilder();
        RunningJob now = running;
        List<QueuedJob<Job>> mine = snapshot.jobsOf(user.key());
        if (now != null && now.job.ownedBy(user)) {
            text.append("Drawing your picture now.\n");
        }
        for (QueuedJob<Job> queued : mine) {
            text.append("#").append(queued.position()).append(": \"").append(shorten(queued.entry().job().parameters()
                    .prompt())).append("\" — ").append(Durations.about(queued.estimatedWait())).append('\n');
        }
        if (mine.isEmpty() && (now == null || !now.job.ownedBy(user))) {
            text.append("You have nothing waiting.\n");
        }
        text.append(snapshot.size() == 1 ? "1 picture is" : snapshot.size() + " pictures are").append(" waiting in all")
                .append(now != null ? ", one is being drawn." : ".");
        return text.toString();
    }

    private static String shorten(String prompt) {
        return prompt.length() <= 60 ? prompt : prompt.substring(0, 57) + "…";
    }

    // ---- lifecycle and observation ----

    private QueuedJob<Job> positionOf(String jobId) {
        return queue.snapshot().jobs().stream().filter(q -> q.entry().jobId().equals(jobId)).findFirst().orElse(null);
    }

    /**
     * A community got a new id on its platform (a Telegram group that became a supergroup, key
     * "telegram:-100…"): its limits and allowed channels carry over, unless the new id has its own already.
     */
    public void communityMoved(String fromKey, String toKey) {
        preferences.communityMoved(fromKey, toKey);
    }

    public Optional<Job> job(String jobId) {
        return JobIds.looksValid(jobId) ? store.find(jobId) : Optional.empty();
    }

    /** The finished images of a job, each with the job's own parameters, when they are still in the cache. */
    public Optional<List<byte[]>> images(Job job) {
        if (job.state() != JobState.DONE) {
            return Optional.empty();
        }
        List<byte[]> images = new ArrayList<>();
        for (String digest : job.resultKeys()) {
            Optional<byte[]> png = cache.read(new CacheKey(digest));
            if (png.isEmpty()) {
                return Optional.empty();
            }
            images.add(png.get());
        }
        return Optional.of(labels.forJob(job, images));
    }

    /** The limits, defaults and model identity this service was configured with. */
    public JobSettings settings() {
        return settings;
    }

    /** The waiting jobs in fair-share order, with positions and estimated waits. */
    public QueueSnapshot<Job> queueSnapshot() {
        return queue.snapshot();
    }

    /** The job on the worker now, if any. */
    public Optional<Job> runningJob() {
        RunningJob now = running;
        return now == null ? Optional.empty() : Optional.of(now.job);
    }

    /** A person's most recent jobs, newest first, at most {@code limit} (deleted ones left out). */
    public List<Job> jobsOf(User user, int limit) {
        return store.findByOwner(user.key(), limit);
    }

    /** False once {@link #shutdown} began: Imagine is draining and refuses new pictures. */
    public boolean admitting() {
        return admitting;
    }

    /**
     * Counts a request for a picture that an adapter refused before it became a command (input it could not read),
     * as {@link #handle} counts the refusals it answers itself.
     */
    public void refusedByAdapter(String platform) {
        observer.refused(platform);
    }

    public boolean workerAlive() {
        return worker.isAlive();
    }

    public ResultCache.Stats cacheStats() {
        return cache.stats();
    }

    public int queueLength() {
        return queue.snapshot().size();
    }

    /**
     * Stops admitting, tells waiting people their job keeps its place, lets the running job finish within
     * {@code grace} (or stops it and keeps it queued for the next start), and stops the worker.
     */
    public void shutdown(Duration grace) {
        admitting = false;
        for (var entry : queue.shutdown()) {
            Job job = entry.job();
            sinkFor(job).notice(job, "Imagine is restarting; your picture keeps its place and will be drawn when it"
                    + " is back.");
        }
        try {
            if (!worker.awaitStop(grace)) {
                RunningJob now = running;
                if (now != null) {
                    now.cancelReason = SHUTDOWN;
                }
                worker.awaitStop(Duration.ofSeconds(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.close();
        // Parked jobs are QUEUED in the store like the other waiting ones: they start from scratch next time.
        List.copyOf(parked.keySet()).forEach(this::closeParked);
    }

    /**
     * While {@link #shutdown} waits for the running job to finish: stop it after its current step instead, and keep
     * it for the next start (someone asked a second time to stop). Does nothing before a shutdown has begun.
     */
    public void stopRunningJobNow() {
        if (admitting) {
            return;
        }
        RunningJob now = running;
        if (now != null) {
            now.cancelReason = SHUTDOWN;
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(30));
    }

    /** For tests: pretends the JVM is (or is not) shutting down. */
    void jvmStoppingForTest(BooleanSupplier stopping) {
        this.jvmStopping = stopping;
    }

    /**
     * Whether the JVM has begun to shut down: {@link Runtime#addShutdownHook} refuses a new hook from then on (its
     * documented behaviour), which is the one portable way to ask.
     */
    private static boolean jvmShuttingDown() {
        Thread probe = new Thread(() -> { }, "imagine-shutdown-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    private ReplySink sinkFor(Job job) {
        return sinks.getOrDefault(job.owner().platform(), LoggingSink.INSTANCE);
    }
}
