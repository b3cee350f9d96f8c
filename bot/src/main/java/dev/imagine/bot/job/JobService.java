package dev.imagine.bot.job;

import dev.imagine.bot.cache.CacheKey;
import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.Precision;
import dev.imagine.bot.command.User;
import dev.imagine.bot.queue.JobQueue;
import dev.imagine.pipeline.ImageGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The engine between the chat adapters and the pipeline, as one front: it answers {@link Command}s, admits jobs into
 * the fair-share queue (or answers them from the cache at once), runs them on the worker, keeps every job in the
 * durable store, and tells people what happened through their platform's {@link ReplySink}. Made by
 * {@link #builder}; the work is done behind it by {@link Requests} and {@link Intake} (admission), {@link InFlight}
 * and {@link Followers} (identical requests share one generation), {@link JobRunner}, {@link Parking} and
 * {@link Endings} (running), {@link OwnerActions} (cancel, delete), {@link Queries} and {@link Lifecycle}.
 */
public final class JobService implements AutoCloseable {
    private final JobSettings settings;
    private final Engine engine;

    /** The parts behind the front, as {@link JobServiceBuilder} wired them. */
    record Engine(Audience audience, Requests requests, PictureRequests pictureRequests, OwnerActions owners,
                  Preferences preferences, Queries queries, ModerationDesk moderation, Lifecycle lifecycle,
                  Transitions transitions) {
    }

    JobService(JobSettings settings, Engine engine) {
        this.settings = settings;
        this.engine = engine;
    }

    /**
     * A job service that draws with {@code generator} as {@code settings} say, lets jobs wait in {@code queue}, keeps
     * their pictures in {@code cache} and the jobs themselves in {@code store}.
     */
    public static JobServiceBuilder builder(JobSettings settings, ImageGenerator generator, JobQueue<Job> queue,
                                            ResultCache cache, JobStore store) {
        return new JobServiceBuilder(settings, generator, queue, cache, store);
    }

    /** Registers the adapter that answers people of {@code platform} ("discord", "telegram", "web"). */
    public void registerSink(String platform, ReplySink sink) {
        engine.audience().register(platform, sink);
    }

    /** Sets who is told about job events (metrics). */
    public void observe(JobObserver jobObserver) {
        engine.audience().observe(jobObserver);
    }

    /**
     * Takes back everyone's fair-share usage from the store, puts jobs that were waiting or running when the process
     * stopped back into the queue (their owners are told, the log says how many and from which state), then starts
     * the worker.
     */
    public void start() {
        engine.lifecycle().start();
    }

    /** Answers a command at once; later news about the job arrives through the sink of the requester's platform. */
    public Reply handle(Command command, String origin) {
        Reply reply = answer(command, origin);
        JobObserver observer = engine.audience().observer();
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
            case Command.Imagine imagine -> imagine.picture() == null ? engine.requests().imagine(imagine, origin)
                    : engine.pictureRequests().imagine(imagine, origin);
            case Command.Replay replay -> engine.requests().again(replay.requester(), replay.jobId(), origin, false);
            case Command.Reroll reroll -> engine.requests().again(reroll.requester(), reroll.jobId(), origin, true);
            case Command.Vary vary -> engine.pictureRequests().vary(vary, origin);
            case Command.Upscale upscale -> engine.pictureRequests().upscale(upscale, origin);
            case Command.Outpaint outpaint -> engine.pictureRequests().outpaint(outpaint, origin);
            case Command.Inpaint inpaint -> engine.pictureRequests().inpaint(inpaint, origin);
            case Command.Cancel cancel -> engine.owners().cancel(cancel);
            case Command.Delete delete -> engine.owners().delete(delete);
            case Command.QueueStatus status -> new Reply.Info(ReplyTexts.queue(queueView(), status.requester().user()));
            case Command.Settings change -> engine.preferences().handle(change);
            case Command.Help help -> new Reply.Info(HelpText.TEXT);
            case Command.Moderate moderate -> engine.moderation().handle(moderate);
        };
    }

    /**
     * The adapter learned more about where to answer about a job after it was accepted (Telegram: the status message
     * it sends once the job is queued). Kept with the job from now on, through every later save of it, so that a job
     * resumed after a restart answers there. Returns false when there is no job {@code jobId}.
     */
    public boolean updateOrigin(String jobId, String origin) {
        return engine.transitions().updateOrigin(jobId, origin);
    }

    /**
     * A community got a new id on its platform (a Telegram group that became a supergroup, key
     * "telegram:-100…"): its limits and allowed channels carry over, unless the new id has its own already.
     */
    public void communityMoved(String fromKey, String toKey) {
        engine.preferences().communityMoved(fromKey, toKey);
    }

    public Optional<Job> job(String jobId) {
        return engine.queries().job(jobId);
    }

    /** The finished images of a job, each with the job's own parameters, when they are still in the cache. */
    public Optional<List<byte[]>> images(Job job) {
        return engine.queries().images(job);
    }

    /** The limits, defaults and model identity this service was configured with. */
    /**
     * The UNet precisions a request may name ({@code Command.Imagine#precision}): the configured one first, then the
     * other when {@code model.compare-precision} loaded both.
     */
    public List<Precision> precisions() {
        return engine.requests().precisions();
    }

    public JobSettings settings() {
        return settings;
    }

    /**
     * The queue as data for adapters: every waiting job with its place and estimated wait, and the job being drawn
     * ({@link QueueView#placeOf} is where one job waits; {@link ReplyTexts#queue} is what /queue answers).
     */
    public QueueView queueView() {
        return engine.queries().queueView();
    }

    /** The job on the worker now, if any. */
    public Optional<Job> runningJob() {
        return engine.queries().runningJob();
    }

    /** A person's most recent jobs, newest first, at most {@code limit} (deleted ones left out). */
    public List<Job> jobsOf(User user, int limit) {
        return engine.queries().jobsOf(user, limit);
    }

    /** False once {@link #shutdown} began: Imagine is draining and refuses new pictures. */
    public boolean admitting() {
        return engine.lifecycle().admitting();
    }

    /**
     * Counts a request for a picture that an adapter refused before it became a command (input it could not read),
     * as {@link #handle} counts the refusals it answers itself.
     */
    public void refusedByAdapter(String platform) {
        engine.audience().observer().refused(platform);
    }

    public boolean workerAlive() {
        return engine.lifecycle().workerAlive();
    }

    public ResultCache.Stats cacheStats() {
        return engine.queries().cacheStats();
    }

    public int queueLength() {
        return engine.queries().queueLength();
    }

    /**
     * Stops admitting, tells waiting people their job keeps its place, lets the running job finish within
     * {@code grace} (or stops it and keeps it queued for the next start), and stops the worker.
     */
    public void shutdown(Duration grace) {
        engine.lifecycle().shutdown(grace);
    }

    /**
     * While {@link #shutdown} waits for the running job to finish: stop it after its current step instead, and keep
     * it for the next start (someone asked a second time to stop). Does nothing before a shutdown has begun.
     */
    public void stopRunningJobNow() {
        engine.lifecycle().stopRunningJobNow();
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(30));
    }

    /** For tests: the cache keys of a job with these parameters. */
    List<CacheKey> cacheKeys(JobParameters parameters) {
        return engine.queries().cacheKeys(parameters);
    }

    /** For tests: pretends the JVM is (or is not) shutting down. */
    void jvmStoppingForTest(BooleanSupplier stopping) {
        engine.lifecycle().jvmStoppingForTest(stopping);
    }
}
