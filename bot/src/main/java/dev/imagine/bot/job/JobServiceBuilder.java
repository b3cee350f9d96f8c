package dev.imagine.bot.job;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.command.RequestValidator;
import dev.imagine.bot.queue.JobQueue;
import dev.imagine.bot.safety.PictureClassifier;
import dev.imagine.bot.safety.SafetyPolicy;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.PictureDecoder;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Puts a {@link JobService} together: the one place where the engine's parts are made and wired. The clocks and the
 * random seeds have production defaults that tests replace.
 */
public final class JobServiceBuilder {
    private final JobSettings settings;
    private final ImageGenerator generator;
    private final JobQueue<Job> queue;
    private final ResultCache cache;
    private final JobStore store;
    private JobClocks clocks = JobClocks.system();
    private LongSupplier randomSeeds = new SecureRandom()::nextLong;
    private PictureClassifier classifier;
    private SafetyPolicy safetyPolicy = SafetyPolicy.ALLOW;
    private ModerationSettings moderation = ModerationSettings.NONE;
    private AuditLog audit = AuditLog.none();
    private boolean worker = true;
    private InFlight inFlight;

    JobServiceBuilder(JobSettings settings, ImageGenerator generator, JobQueue<Job> queue, ResultCache cache,
                      JobStore store) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.generator = Objects.requireNonNull(generator, "generator");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The clocks (default: the system's, and this process's CPU time). */
    public JobServiceBuilder clocks(JobClocks value) {
        this.clocks = Objects.requireNonNull(value, "clocks");
        return this;
    }

    /** Where the seeds of requests without one, and of re-rolls, come from (default: {@link SecureRandom}). */
    public JobServiceBuilder randomSeeds(LongSupplier value) {
        this.randomSeeds = Objects.requireNonNull(value, "randomSeeds");
        return this;
    }

    /**
     * The picture classifier that judges every picture before it is delivered, and the configured policy for flagged
     * ones (default: none, so nothing is flagged).
     */
    public JobServiceBuilder safety(PictureClassifier value, SafetyPolicy policy) {
        this.classifier = value;
        this.safetyPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** Operators and the rate limit (default: no operators, no rate limit). */
    public JobServiceBuilder moderation(ModerationSettings value) {
        this.moderation = Objects.requireNonNull(value, "moderation");
        return this;
    }

    /** Where moderation actions and refusals for policy are recorded (default: nowhere). */
    public JobServiceBuilder audit(AuditLog value) {
        this.audit = Objects.requireNonNull(value, "audit");
        return this;
    }

    /**
     * Whether this process draws pictures (default: yes). Without a worker it only admits jobs into a queue that
     * workers of other processes take from (a queue shared across processes).
     */
    public JobServiceBuilder worker(boolean enabled) {
        this.worker = enabled;
        return this;
    }

    /**
     * Where identical requests in flight meet (default: within this process). A queue shared by several processes
     * needs one shared as widely, so that a follower admitted here hears of a leader that ends elsewhere.
     */
    public JobServiceBuilder inFlight(InFlight value) {
        this.inFlight = Objects.requireNonNull(value, "inFlight");
        return this;
    }

    public JobService build() {
        Audience audience = new Audience();
        AdmissionGate gate = new AdmissionGate();
        WorkerSlot slot = new WorkerSlot();
        InFlight inFlight = this.inFlight != null ? this.inFlight : new LocalInFlight();
        CostModel costs = new CostModel(settings.initialSecondsPerUnit());
        RequestValidator validator = new RequestValidator(randomSeeds);
        Preferences preferences = new Preferences(settings.limits(), settings.defaults(), store, validator);
        SourcePictures sources = new SourcePictures(store, new PictureDecoder(RequestRules.MAX_PICTURE_BYTES,
                PictureDecoder.DEFAULT.maxPixels(), PictureDecoder.DEFAULT.maxSide()));
        Drawing drawing = new Drawing(generator, sources, clocks.ticker());
        PictureLabels labels = new PictureLabels(generator).drawing(drawing);
        Pictures pictures = new Pictures(settings.modelId(), settings.modelRevision(), generator, cache, labels);
        Transitions transitions = new Transitions(store, audience, clocks.wall());
        Rules rules = new Rules(store);
        Authority authority = new Authority(moderation);
        SafetyScreen screen = new SafetyScreen(classifier, safetyPolicy, rules, labels, audit);
        Queries queries = new Queries(store, queue, slot, pictures, screen);
        Intake intake = new Intake(store, queue, pictures, inFlight, costs, transitions, screen, clocks.wall());
        Followers followers = new Followers(inFlight, intake, transitions, screen, gate, audience);
        Endings endings = new Endings(transitions, pictures, screen, new Charges(queue, store, costs), followers, gate,
                settings.jobTimeout());
        Parking parking = new Parking(queue, slot, transitions, endings);
        JobRunner runner = new JobRunner(drawing, queue, slot, parking, endings, transitions, clocks,
                settings.jobTimeout());
        PolicyGate rulesGate = new PolicyGate(rules, moderation, new RateLimits(clocks.wall()), audit);
        Requests requests = new Requests(validator, preferences, queries, pictures, intake, gate, rulesGate,
                new JobIds(), clocks.wall(), settings.fastDecoderAvailable() && generator.hasFastDecoder(), generator);
        PictureRequests pictureRequests = new PictureRequests(requests, validator, preferences, queries, sources,
                generator);
        OwnerActions owners = new OwnerActions(queries, queue, slot, parking, inFlight, endings, transitions,
                authority, audit);
        ModerationDesk desk = new ModerationDesk(rules, authority, moderation, safetyPolicy, audit);
        Lifecycle lifecycle = new Lifecycle(new Resumption(store, queue, intake, transitions),
                new Worker(queue, runner::run), worker, queue, slot, parking, gate, transitions);
        queue.whenGivenUp(jobId -> transitions.find(jobId).ifPresent(endings::givenUp));
        queue.whenStopRequested(jobId -> slot.requestStop(jobId, StopReason.CANCELLED_BY_OWNER));
        return new JobService(settings,
                new JobService.Engine(audience, requests, pictureRequests, owners, preferences, queries, desk,
                        lifecycle, transitions));
    }
}
