package dev.imagine.bot.discord;

import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobPhase;
import dev.imagine.bot.job.ReplySink;
import dev.imagine.bot.job.ReplyTexts;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.channel.concrete.PrivateChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells Discord users about their jobs: edits the interaction reply ("queued #3", progress, the picture), and once
 * the 15-minute interaction token has expired (or the edit fails) posts in the channel mentioning the requester,
 * or else sends a direct message. Everything about one job runs in order on its own serial lane; the worker thread
 * that calls in never waits for Discord. A job's lane starts only once its interaction has its initial response
 * ({@link #holdUpdatesUntil}): before that, Discord has no message to edit.
 */
final class DiscordSink implements ReplySink {
    private static final Logger LOG = LoggerFactory.getLogger(DiscordSink.class);
    private static final int REMEMBERED_JOBS = 4096;

    private final Executor executor;
    private final InstantSource clock;
    private final long progressIntervalNanos;
    private volatile JDA jda;

    // Jobs recently talked about; bounded so that a long-running bot does not grow without end.
    private final Map<String, Conversation> conversations = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Conversation> eldest) {
            return size() > REMEMBERED_JOBS;
        }
    };

    // Interactions whose initial response is on its way, by interaction id; removed once it went through (or failed).
    private final Map<String, CompletableFuture<?>> pendingResponses = new ConcurrentHashMap<>();

    DiscordSink(Executor executor, InstantSource clock, Duration progressInterval) {
        this.executor = executor;
        this.clock = clock;
        this.progressIntervalNanos = progressInterval.toNanos();
    }

    void attach(JDA connected) {
        this.jda = connected;
    }

    private Conversation conversation(Job job) {
        return conversation(job.id(), job.origin());
    }

    private Conversation conversation(String jobId, String originJson) {
        synchronized (conversations) {
            Conversation known = conversations.get(jobId);
            if (known != null) {
                return known;
            }
            Origin origin;
            try {
                origin = originJson == null ? null : Origin.fromJson(originJson);
            } catch (RuntimeException e) {
                LOG.warn("job {} has no usable Discord origin; its updates are not sent", jobId);
                origin = null;
            }
            if (origin == null) {
                return null;
            }
            Conversation created = new Conversation(jobId, origin, executor, progressIntervalNanos);
            CompletableFuture<?> response = pendingResponses.get(origin.interactionId());
            if (response != null && !response.isDone()) {
                created.holdUntil(response);
            }
            conversations.put(jobId, created);
            return created;
        }
    }

    // ---- called by the interaction listener ----

    /**
     * Updates about jobs of interaction {@code interactionId} wait until {@code responded} completes: the listener
     * decides and then sends the initial response, while the worker may already report on the job.
     */
    void holdUpdatesUntil(String interactionId, CompletableFuture<?> responded) {
        pendingResponses.put(interactionId, responded);
        responded.whenComplete((ignored, failure) -> pendingResponses.remove(interactionId, responded));
    }

    /**
     * The job was accepted after a deferred reply: the reply becomes "queued #3 · about 1 min" unless the job is
     * already further.
     */
    void accepted(Job job, int position, Duration eta) {
        Conversation c = conversation(job);
        if (c == null || !c.advance(JobPhase.WAITING)) {
            return;
        }
        // The listener reports "accepted" after the job service answered, so the worker may already have started
        // (or finished) the job by now: then "queued" is stale and skipped.
        c.submit(() -> {
            if (!c.isPast(JobPhase.WAITING)) {
                edit(c, Messages.status(ReplyTexts.queued(position, eta)));
            }
        });
    }

    // ---- ReplySink, called by the job service's worker ----

    @Override
    public void queued(Job job, int position, Duration eta) {
        accepted(job, position, eta);
    }

    @Override
    public void started(Job job) {
        Conversation c = conversation(job);
        if (c == null || !c.advance(JobPhase.RUNNING) || !c.editAllowedNow()) {
            return;
        }
        // The worker reports in order and the lane keeps that order, so this edit lands before the picture.
        c.submit(() -> edit(c, Messages.status(ReplyTexts.drawing(0, job.parameters().steps()))));
    }

    @Override
    public void progress(Job job, int step, int totalSteps) {
        Conversation c = conversation(job);
        if (c == null || c.isPast(JobPhase.RUNNING) || !c.editAllowedNow()) {
            return;
        }
        c.submit(() -> edit(c, Messages.status(ReplyTexts.drawing(step, totalSteps))));
    }

    @Override
    public void finished(Job job, List<byte[]> pngs, Duration elapsed) {
        Conversation c = conversation(job);
        if (c == null) {
            LOG.warn("job {} finished but has no Discord origin to answer; the picture stays in the cache", job.id());
            return;
        }
        c.advance(JobPhase.OVER);
        c.submit(() -> deliver(c, "picture", mention -> Messages.result(job, pngs, elapsed, mention)));
    }

    @Override
    public void failed(Job job, String message) {
        Conversation c = conversation(job);
        if (c == null) {
            return;
        }
        c.advance(JobPhase.OVER);
        c.submit(() -> deliver(c, "failure notice", mention -> Messages.failure(mention, message)));
    }

    @Override
    public void cancelled(Job job, String reason) {
        Conversation c = conversation(job);
        if (c == null) {
            return;
        }
        c.advance(JobPhase.OVER);
        c.submit(() -> edit(c, Messages.status(ReplyTexts.cancelled(reason))));
    }

    @Override
    public void notice(Job job, String message) {
        Conversation c = conversation(job);
        if (c == null || !c.notice()) {
            return;
        }
        c.submit(() -> edit(c, Messages.status(ReplyTexts.notice(message))));
    }

    // ---- Discord calls, on the job's lane ----

    private InteractionHook hook(Origin origin) {
        return InteractionHook.from(jda, origin.interactionToken());
    }

    /** Edits the interaction reply while its token is good; an update that can't be shown any more is dropped. */
    private void edit(Conversation c, MessageEditData data) {
        if (jda == null || !c.origin.tokenUsableAt(clock.instant())) {
            return;
        }
        try {
            hook(c.origin).editOriginal(data).complete();
        } catch (RuntimeException e) {
            LOG.info("job {}: could not update the Discord reply: {}", c.jobId, e.toString());
        }
    }

    /** Something the user must get: the reply, else the channel with a mention, else a direct message. */
    private void deliver(Conversation c, String what, Function<String, MessageCreateData> message) {
        Origin o = c.origin;
        if (jda == null) {
            LOG.warn("job {}: the {} for Discord user {} could not be delivered: Discord is not connected", c.jobId,
                    what, o.userId());
            return;
        }
        if (o.tokenUsableAt(clock.instant())) {
            try {
                hook(o).editOriginal(Messages.asEdit(message.apply(null))).complete();
                return;
            } catch (RuntimeException e) {
                LOG.info("job {}: could not edit the interaction reply ({}); posting in the channel instead",
                        c.jobId, e.toString());
            }
        }
        if (o.guildId() != null) {
            GuildMessageChannel channel = jda.getChannelById(GuildMessageChannel.class, o.channelId());
            if (channel != null) {
                try {
                    channel.sendMessage(message.apply(o.userId())).complete();
                    return;
                } catch (RuntimeException e) {
                    LOG.info("job {}: could not post in channel {} ({}); sending a direct message instead", c.jobId,
                            o.channelId(), e.toString());
                }
            }
        }
        try {
            PrivateChannel dm = jda.openPrivateChannelById(o.userId()).complete();
            dm.sendMessage(message.apply(o.userId())).complete();
        } catch (RuntimeException e) {
            LOG.warn("job {}: the {} for Discord user {} could not be delivered (reply expired, channel and direct"
                    + " message failed: {}); it is kept in the job store", c.jobId, what, o.userId(), e.toString());
        }
    }
}
