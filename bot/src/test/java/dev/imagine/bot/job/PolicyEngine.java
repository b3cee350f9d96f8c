package dev.imagine.bot.job;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.queue.FairShareQueue;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.safety.SafetyPolicy;
import dev.imagine.bot.testing.ScriptedClassifier;
import dev.imagine.bot.testing.TestGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** The job service with a scripted classifier, moderation settings, an audit log and a clock the test moves. */
final class PolicyEngine implements AutoCloseable {
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    final TestGenerator generator = TestGenerator.fake();
    final ScriptedClassifier classifier;
    final JobStore store = MvJobStore.inMemory();
    final RecordingSink sink = new RecordingSink();
    final AuditLog audit;
    final JobService service;
    private final AtomicLong seeds = new AtomicLong(1000);

    PolicyEngine(Path auditFolder, ScriptedClassifier classifier, SafetyPolicy policy, ModerationSettings moderation) {
        this.classifier = classifier;
        this.audit = AuditLog.open(auditFolder, Duration.ofDays(30), clock);
        service = JobService.builder(JobSettings.defaults("fake-model", "r1"), generator,
                        new FairShareQueue<>(QueueSettings.DEFAULTS, clock), new ResultCache(1 << 20, null, 0), store)
                .clocks(new JobClocks(clock, new FakeTicker(), () -> 0L)).randomSeeds(seeds::incrementAndGet)
                .safety(classifier, policy).moderation(moderation).audit(audit).build();
        service.registerSink("discord", sink);
        service.registerSink("telegram", sink);
        service.registerSink("web", sink);
        service.start();
    }

    PolicyEngine(Path auditFolder, SafetyPolicy policy) {
        this(auditFolder, ScriptedClassifier.flaggingEverything(), policy,
                new ModerationSettings(Set.of(), 0, Duration.ofMinutes(10)));
    }

    Reply imagine(Requester who, String prompt, long seed) {
        return service.handle(new Command.Imagine(who, prompt, seed, null, null, null, null, null), "origin");
    }

    /** Waits for the sink to hear {@code kind} ("finished", "failed") about the job of an accepted request. */
    RecordingSink.Event await(String kind, Reply reply) throws InterruptedException {
        return sink.await(kind, ((Reply.Accepted) reply).job().id());
    }

    @Override
    public void close() {
        generator.releaseAll();
        service.shutdown(Duration.ofSeconds(5));
        store.close();
    }
}
