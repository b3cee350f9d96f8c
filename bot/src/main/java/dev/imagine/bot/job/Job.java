package dev.imagine.bot.job;

import dev.imagine.bot.command.ChannelRating;
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
 * @param rating      what the platform said about the audience of the channel it was asked in
 * @param screening   the picture classifier's verdicts and how each picture was shown; null before (or without) it
 * @param shareKey    the fair share it counts against when not only its owner's (see {@code Requester#shareKey})
 * @param reading     what the text encoder reads of the prompt, for the replies; null for jobs stored before it
 *                    was kept
 */
public record Job(String id, User owner, String community, String channel, JobParameters parameters,
                  JobState state, Instant createdAt, Instant startedAt, Instant finishedAt, List<String> resultKeys,
                  String error, String origin, boolean fromCache, double cpuSeconds, String sourceJobId,
                  ChannelRating rating, Screening screening, String shareKey, PromptReading reading) {

    public Job {
        resultKeys = resultKeys == null ? List.of() : List.copyOf(resultKeys);
        rating = rating == null ? ChannelRating.UNRATED : rating;
    }

    public static Job queued(String id, User owner, String community, String channel, JobParameters parameters,
                             Instant now, String origin, String sourceJobId) {
        return queued(id, owner, community, channel, ChannelRating.UNRATED, parameters, now, origin, sourceJobId);
    }

    /** A new job for a channel of this {@code rating}. */
    public static Job queued(String id, User owner, String community, String channel, ChannelRating rating,
                             JobParameters parameters, Instant now, String origin, String sourceJobId) {
        return queued(id, owner, community, channel, rating, null, parameters, now, origin, sourceJobId);
    }

    /** A new job for a channel of this {@code rating}, counted against the fair share {@code shareKey}. */
    public static Job queued(String id, User owner, String community, String channel, ChannelRating rating,
                             String shareKey, JobParameters parameters, Instant now, String origin,
                             String sourceJobId) {
        return new Job(id, owner, community, channel, parameters, JobState.QUEUED, now, null, null, List.of(), null,
                origin, false, 0, sourceJobId, rating, null, shareKey, null);
    }

    public Job running(Instant now) {
        return new Job(id, owner, community, channel, parameters, JobState.RUNNING, createdAt, now, null, resultKeys,
                null, origin, false, 0, sourceJobId, rating, null, shareKey, reading);
    }

    public Job requeued() {
        return new Job(id, owner, community, channel, parameters, JobState.QUEUED, createdAt, null, null, List.of(),
                null, origin, false, 0, sourceJobId, rating, null, shareKey, reading);
    }

    public Job done(Instant now, List<String> keys, boolean cached, double cpu) {
        return new Job(id, owner, community, channel, parameters, JobState.DONE, createdAt, startedAt, now, keys,
                null, origin, cached, cpu, sourceJobId, rating, null, shareKey, reading);
    }

    public Job failed(Instant now, String message) {
        return new Job(id, owner, community, channel, parameters, JobState.FAILED, createdAt, startedAt, now,
                List.of(), message, origin, false, 0, sourceJobId, rating, screening, shareKey, reading);
    }

    public Job cancelled(Instant now, String reason) {
        return new Job(id, owner, community, channel, parameters, JobState.CANCELLED, createdAt, startedAt, now,
                List.of(), reason, origin, false, 0, sourceJobId, rating, screening, shareKey, reading);
    }

    public Job deleted(Instant now) {
        return new Job(id, owner, community, channel, parameters, JobState.DELETED, createdAt, startedAt, now,
                resultKeys, error, origin, fromCache, cpuSeconds, sourceJobId, rating, screening, shareKey, reading);
    }

    public Job withOrigin(String newOrigin) {
        return new Job(id, owner, community, channel, parameters, state, createdAt, startedAt, finishedAt, resultKeys,
                error, newOrigin, fromCache, cpuSeconds, sourceJobId, rating, screening, shareKey, reading);
    }

    /** This job with {@code promptReading} as what the text encoder reads of its prompt. */
    public Job withReading(PromptReading promptReading) {
        return new Job(id, owner, community, channel, parameters, state, createdAt, startedAt, finishedAt, resultKeys,
                error, origin, fromCache, cpuSeconds, sourceJobId, rating, screening, shareKey, promptReading);
    }

    /**
     * The job with the classifier's verdicts and how its pictures are shown; {@code note} (for the person who asked)
     * says why pictures were withheld, or is null.
     */
    public Job screened(Screening verdicts, String note) {
        return new Job(id, owner, community, channel, parameters, state, createdAt, startedAt, finishedAt, resultKeys,
                note, origin, fromCache, cpuSeconds, sourceJobId, rating, verdicts, shareKey, reading);
    }

    /** How the {@code index}th delivered picture is shown (plain when it was not screened). */
    public Screening.Treatment treatment(int index) {
        if (screening == null) {
            return Screening.Treatment.PLAIN;
        }
        List<Screening.Treatment> delivered = screening.delivered();
        return index < delivered.size() ? delivered.get(index) : Screening.Treatment.PLAIN;
    }

    /** How many of its pictures a finished job hands out: all but those its screening held back. */
    public int shownCount() {
        return screening == null ? resultKeys.size() : screening.delivered().size();
    }

    /** Whether the {@code index}th delivered picture is to be hidden behind a click (a spoiler). */
    public boolean spoiler(int index) {
        return treatment(index) == Screening.Treatment.SPOILER;
    }

    /** The fair share this job counts against: its {@link #shareKey} (an open web API's client), else its owner's. */
    public String fairShare() {
        return shareKey != null ? shareKey : owner.key();
    }

    public boolean ownedBy(User user) {
        return owner.key().equals(user.key());
    }
}
