package dev.imagine.bot.job;

import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.User;
import java.time.Instant;
import java.util.List;

/**
 * One request and what became of it; kept in the {@link JobStore} so that buttons under an image keep working
 * after a restart (they carry only the job id).
 *
 * @param origin      the adapter's own address for replies (a Discord interaction and channel, a Telegram chat and
 *                    message), opaque to the job service; kept so a resumed job can still answer
 * @param resultKeys  cache keys of the finished images, one per image
 * @param fromCache   true when the images were served from the cache without generating
 * @param cpuSeconds  processor time the generation consumed (what the fair-share queue charged)
 * @param reading     what the text encoder reads of the prompt, for the replies; null for jobs stored before it
 *                    was kept
 */
public record Job(String id, User owner, String community, String channel, JobParameters parameters,
                  JobState state, Instant createdAt, Instant startedAt, Instant finishedAt, List<String> resultKeys,
                  String error, String origin, boolean fromCache, double cpuSeconds, String sourceJobId,
                  PromptReading reading) {

    public Job {
        resultKeys = resultKeys == null ? List.of() : List.copyOf(resultKeys);
    }

    public static Job queued(String id, User owner, String community, String channel, JobParameters parameters,
                             Instant now, String origin, String sourceJobId) {
        return new Job(id, owner, community, channel, parameters, JobState.QUEUED, now, null, null, List.of(), null,
                origin, false, 0, sourceJobId, null);
    }

    public Job running(Instant now) {
        return new Job(id, owner, community, channel, parameters, JobState.RUNNING, createdAt, now, null, resultKeys,
                null, origin, false, 0, sourceJobId, reading);
    }

    public Job requeued() {
        return new Job(id, owner, community, channel, parameters, JobState.QUEUED, createdAt, null, null, List.of(),
                null, origin, false, 0, sourceJobId, reading);
    }

    public Job done(Instant now, List<String> keys, boolean cached, double cpu) {
        return new Job(id, owner, community, channel, parameters, JobState.DONE, createdAt, startedAt, now, keys,
                null, origin, cached, cpu, sourceJobId, reading);
    }

    public Job failed(Instant now, String message) {
        return new Job(id, owner, community, channel, parameters, JobState.FAILED, createdAt, startedAt, now,
                List.of(), message, origin, false, 0, sourceJobId, reading);
    }

    public Job cancelled(Instant now, String reason) {
        return new Job(id, owner, community, channel, parameters, JobState.CANCELLED, createdAt, startedAt, now,
                List.of(), reason, origin, false, 0, sourceJobId, reading);
    }

    public Job deleted(Instant now) {
        return new Job(id, owner, community, channel, parameters, JobState.DELETED, createdAt, startedAt, now,
                resultKeys, error, origin, fromCache, cpuSeconds, sourceJobId, reading);
    }

    public Job withOrigin(String newOrigin) {
        return new Job(id, owner, community, channel, parameters, state, createdAt, startedAt, finishedAt, resultKeys,
                error, newOrigin, fromCache, cpuSeconds, sourceJobId, reading);
    }

    /** This job with {@code promptReading} as what the text encoder reads of its prompt. */
    public Job withReading(PromptReading promptReading) {
        return new Job(id, owner, community, channel, parameters, state, createdAt, startedAt, finishedAt, resultKeys,
                error, origin, fromCache, cpuSeconds, sourceJobId, promptReading);
    }

    public boolean ownedBy(User user) {
        return owner.key().equals(user.key());
    }
}
