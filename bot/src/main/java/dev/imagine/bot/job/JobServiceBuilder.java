package dev.imagine.bot.job;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.RequestValidator;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.pipeline.ImageGenerator;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Puts a {@link JobService} together: the one place where the engine's parts are made and wired. The queue, the
 * result cache and the job store are required; the clocks, job ids and random seeds have production defaults that
 * tests replace.
 */
public final class JobServiceBuilder {
    private final JobSettings settings;
    private final ImageGenerator generator;
    private FairShareQueue<Job> queue;
    private ResultCache cache;
    private JobStore store;
    private JobClocks clocks = JobClocks.system();
    private Supplier<String> jobIds = new JobIds();
    private LongSupplier randomSeeds = new SecureRandom()::nextLong;

    JobServiceBuilder(JobSettings settings, ImageGenerator generator) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.generator = Objects.requireNonNull(generator, "generator");
    }

    /** The fair-share queue jobs wait in (required). */
    public JobServiceBuilder queue(FairShareQueue<Job> value) {
        this.queue = Objects.requireNonNull(value, "queue");
        return this;
    }

    /** Where finished pictures are kept and answered from (required). */
    public JobServiceBuilder cache(ResultCache value) {
        this.cache = Objects.requireNonNull(value, "cache");
        return this;
    }

    /** Where jobs, settings and usage are kept across restarts (required). */
    public JobServiceBuilder store(JobStore value) {
        this.store = Objects.requireNonNull(value, "store");
        return this;
    }

    /** The clocks (default: the system's, and this process's CPU time). */
    public JobServiceBuilder clocks(JobClocks value) {
        this.clocks = Objects.requireNonNull(value, "clocks");
        return this;
    }

    /** Where new job ids come from (default: {@link JobIds}). */
    public JobServiceBuilder jobIds(Supplier<String> value) {
        this.jobIds = Objects.requireNonNull(value, "jobIds");
        return this;
    }

    /** Where the seeds of requests without one, and of re-rolls, come from (default: {@link SecureRandom}). */
    public JobServiceBuilder randomSeeds(LongSupplier value) {
        this.randomSeeds = Objects.requireNonNull(value, "randomSeeds");
        return this;
    }

    /** @throws IllegalStateException naming what is missing */
    public JobService build() {
        requireSet(queue, "queue");
        requireSet(cache, "cache");
        requireSet(store, "store");
        Audience audience = new Audience();
        AdmissionGate gate = new AdmissionGate();
        WorkerSlot slot = new WorkerSlot();
        InFlight inFlight = new InFlight();
        CostModel costs = new CostModel(settings.initialSecondsPerUnit());
        RequestValidator validator = new RequestValidator(randomSeeds);
        Preferences preferences = new Preferences(settings.limits(), settings.defaults(), store, validator);
        Pictures pictures = new Pictures(settings.modelId(), settings.modelRevision(), generator, cache,
                new PictureLabels(generator));
        Transitions transitions = new Transitions(store, audience, clocks.wall());
        Queries queries = new Queries(store, queue, slot, pictures);
        Intake intake = new Intake(store, queue, pictures, inFlight, costs, transitions, clocks.wall());
        Followers followers = new Followers(inFlight, intake, transitions, pictures, gate, audience);
        Endings endings = new Endings(transitions, pictures, new Charges(queue, store, costs), followers, gate,
                settings.jobTimeout());
        Parking parking = new Parking(queue, slot, transitions, endings);
        JobRunner runner = new JobRunner(generator, queue, slot, parking, endings, transitions, clocks,
                settings.jobTimeout());
        Requests requests = new Requests(validator, preferences, queries, intake, gate, jobIds, clocks.wall(),
                settings.fastDecoderAvailable() && generator.hasFastDecoder());
        OwnerActions owners = new OwnerActions(queries, queue, slot, parking, inFlight, endings, transitions);
        Lifecycle lifecycle = new Lifecycle(new Resumption(store, queue, intake, transitions),
                new Worker(queue, runner::run), queue, slot, parking, gate, transitions);
        return new JobService(settings,
                new JobService.Engine(audience, requests, owners, preferences, queries, lifecycle));
    }

    private static void requireSet(Object part, String name) {
        if (part == null) {
            throw new IllegalStateException("a job service needs a " + name + ": call " + name
                    + "(...) before build()");
        }
    }
}
