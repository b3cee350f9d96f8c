package dev.imagine.bot.telegram;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.ResponseParameters;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * Every call the bot makes to Telegram goes through here, and nobody waits for it: callers get a future.
 *
 * <p>Calls are queued per lane (normally one lane per chat) and leave a lane one at a time, in order, so a status
 * message is sent before it is edited and a photo before its status message is deleted. Messages and edits are
 * paced by the {@link RateLimiter}; light calls (chat actions, callback answers, deletions, look-ups) are not.
 * A 429 answer stops its lane for {@code retry_after} seconds and then the same call is tried again; network
 * failures and 5xx answers are retried a few times. A group that became a supergroup is followed: the call is made
 * again for the new chat id Telegram names ({@link ChatMigrations}). Nothing is dropped. One scheduler thread does
 * all of it; it never blocks on HTTP (the client's calls are asynchronous).
 */
final class Outbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final int MAX_TRANSIENT_RETRIES = 3;
    private static final int MAX_MIGRATIONS_FOLLOWED = 3;

    enum Kind { MESSAGE, LIGHT }

    /**
     * One Bot API call. Built anew on every attempt (uploads are streams); returning null skips the call.
     * {@code chatId} is the chat's id now: its lane's chat, or the supergroup that chat became (0 for calls that
     * are not about a chat).
     */
    interface ApiCall<T> {
        CompletableFuture<T> start(TelegramClient client, long chatId) throws TelegramApiException;
    }

    private static final class Pending<T> {
        final String method;
        final Kind kind;
        final ApiCall<T> call;
        final CompletableFuture<T> result = new CompletableFuture<>();
        int transientFailures;
        int migrationsFollowed;
        long calledChatId;

        Pending(String method, Kind kind, ApiCall<T> call) {
            this.method = method;
            this.kind = kind;
            this.call = call;
        }
    }

    private static final class Lane {
        final String key;
        /** The chat whose calls wait here; 0 for a side lane. */
        final long chatId;
        final boolean group;
        final Deque<Pending<?>> waiting = new ArrayDeque<>();
        boolean busy;
        long notBefore;

        Lane(String key, long chatId, boolean group) {
            this.key = key;
            this.chatId = chatId;
            this.group = group;
        }
    }

    private final TelegramClient client;
    private final ChatMigrations migrations;
    private final RateLimiter limiter;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoClock;
    // Only touched on the scheduler thread.
    private final Map<String, Lane> lanes = new HashMap<>();
    private ScheduledFuture<?> wake;
    private long wakeAt;
    private final Object idle = new Object();
    private int outstanding; // guarded by idle

    Outbox(TelegramClient client, ChatMigrations migrations, RateLimiter limiter, ScheduledExecutorService scheduler,
           LongSupplier nanoClock) {
        this.client = client;
        this.migrations = migrations;
        this.limiter = limiter;
        this.scheduler = scheduler;
        this.nanoClock = nanoClock;
    }

    /** Queues a paced message or edit for {@code chat}. */
    <T> CompletableFuture<T> message(Chat chat, String method, ApiCall<T> call) {
        long now = migrations.current(chat.id());
        return submit(Long.toString(now), now, chat.group(), Kind.MESSAGE, method, call);
    }

    /** Queues a light call behind the chat's other calls (so it keeps their order) without pacing it. */
    <T> CompletableFuture<T> light(Chat chat, String method, ApiCall<T> call) {
        long now = migrations.current(chat.id());
        return submit(Long.toString(now), now, chat.group(), Kind.LIGHT, method, call);
    }

    /** Queues a light call in its own lane, so it does not wait behind a chat's photos (callback answers). */
    <T> CompletableFuture<T> side(String lane, String method, ApiCall<T> call) {
        return submit(lane, 0, false, Kind.LIGHT, method, call);
    }

    /** Where a call goes: a chat, and whether group limits apply to it. */
    record Chat(long id, boolean group) {
    }

    private <T> CompletableFuture<T> submit(String laneKey, long chatId, boolean group, Kind kind, String method,
                                            ApiCall<T> call) {
        Pending<T> pending = new Pending<>(method, kind, call);
        synchronized (idle) {
            outstanding++;
        }
        pending.result.whenComplete((r, e) -> {
            synchronized (idle) {
                outstanding--;
                idle.notifyAll();
            }
        });
        try {
            scheduler.execute(() -> {
                lanes.computeIfAbsent(laneKey, k -> new Lane(k, chatId, group)).waiting.addLast(pending);
                pump();
            });
        } catch (RejectedExecutionException e) {
            pending.result.completeExceptionally(new TelegramCallException(method, 0, "the bot is stopping"));
        }
        return pending.result;
    }

    private void pump() {
        long now = nanoClock.getAsLong();
        long nextDelay = Long.MAX_VALUE;
        for (Iterator<Lane> it = lanes.values().iterator(); it.hasNext(); ) {
            Lane lane = it.next();
            if (lane.busy) {
                continue;
            }
            if (lane.waiting.isEmpty()) {
                if (lane.notBefore <= now) {
                    it.remove();
                }
                continue;
            }
            Pending<?> next = lane.waiting.peekFirst();
            long delay = Math.max(0, lane.notBefore - now);
            if (next.kind == Kind.MESSAGE) {
                delay = Math.max(delay, limiter.delayNanos(lane.key, lane.group, now));
            }
            if (delay > 0) {
                nextDelay = Math.min(nextDelay, delay);
                continue;
            }
            lane.waiting.removeFirst();
            dispatch(lane, next, now);
        }
        if (nextDelay != Long.MAX_VALUE) {
            wakeIn(now, nextDelay);
        }
    }

    private void wakeIn(long now, long delay) {
        long at = now + delay;
        if (wake != null && !wake.isDone() && wakeAt <= at) {
            return;
        }
        if (wake != null) {
            wake.cancel(false);
        }
        wakeAt = at;
        wake = scheduler.schedule(this::pump, delay, TimeUnit.NANOSECONDS);
    }

    private <T> void dispatch(Lane lane, Pending<T> pending, long now) {
        CompletableFuture<T> call;
        pending.calledChatId = lane.chatId == 0 ? 0 : migrations.current(lane.chatId);
        try {
            call = pending.call.start(client, pending.calledChatId);
        } catch (TelegramApiException | RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        if (call == null) {
            pending.result.complete(null);
            scheduler.execute(this::pump);
            return;
        }
        lane.busy = true;
        if (pending.kind == Kind.MESSAGE) {
            limiter.record(lane.key, lane.group, now);
        }
        call.whenComplete((value, failure) -> {
            try {
                scheduler.execute(() -> completed(lane, pending, value, failure));
            } catch (RejectedExecutionException stopped) {
                if (failure == null) {
                    pending.result.complete(value);
                } else {
                    pending.result.completeExceptionally(TelegramCallException.of(pending.method, unwrap(failure)));
                }
            }
        });
    }

    private <T> void completed(Lane lane, Pending<T> pending, T value, Throwable failure) {
        lane.busy = false;
        if (failure == null) {
            pending.result.complete(value);
        } else {
            Throwable cause = unwrap(failure);
            long now = nanoClock.getAsLong();
            Integer retryAfter = retryAfterSeconds(cause);
            Long migratedTo = migrateToChatId(cause);
            if (migratedTo != null && pending.calledChatId != 0
                    && pending.migrationsFollowed < MAX_MIGRATIONS_FOLLOWED) {
                pending.migrationsFollowed++;
                if (migrations.moved(pending.calledChatId, migratedTo)) {
                    LOG.info("Telegram chat {} became supergroup {}; {} goes there", pending.calledChatId,
                            migratedTo, pending.method);
                }
                lane.waiting.addFirst(pending);
            } else if (retryAfter != null) {
                lane.notBefore = now + TimeUnit.SECONDS.toNanos(Math.max(1, retryAfter));
                lane.waiting.addFirst(pending);
                LOG.warn("Telegram asked to slow down in chat {}: {} is retried in {} s", lane.key, pending.method,
                        Math.max(1, retryAfter));
            } else if (isTransient(cause) && pending.transientFailures < MAX_TRANSIENT_RETRIES) {
                pending.transientFailures++;
                long backOff = Duration.ofMillis(500L << pending.transientFailures).toNanos();
                lane.notBefore = now + backOff;
                lane.waiting.addFirst(pending);
                LOG.warn("{}; trying again ({} of {})", TelegramCallException.of(pending.method, cause).getMessage(),
                        pending.transientFailures, MAX_TRANSIENT_RETRIES);
            } else {
                pending.result.completeExceptionally(TelegramCallException.of(pending.method, cause));
            }
        }
        pump();
    }

    private static Integer retryAfterSeconds(Throwable cause) {
        if (cause instanceof TelegramApiRequestException api && api.getErrorCode() != null
                && api.getErrorCode() == 429) {
            ResponseParameters parameters = api.getParameters();
            return parameters != null && parameters.getRetryAfter() != null ? parameters.getRetryAfter() : 1;
        }
        return null;
    }

    /** The new chat id in "Bad Request: group chat was upgraded to a supergroup chat", or null. */
    private static Long migrateToChatId(Throwable cause) {
        if (cause instanceof TelegramApiRequestException api && api.getErrorCode() != null
                && api.getErrorCode() == 400 && api.getParameters() != null) {
            return api.getParameters().getMigrateToChatId();
        }
        return null;
    }

    private static boolean isTransient(Throwable cause) {
        if (cause instanceof IOException) {
            return true;
        }
        return cause instanceof TelegramApiRequestException api && api.getErrorCode() != null
                && api.getErrorCode() >= 500;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Waits up to {@code grace} for queued calls to go out. */
    boolean drain(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (idle) {
            while (outstanding > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    /** Stops sending; calls still queued fail with "the bot is stopping". */
    @Override
    public void close() {
        try {
            scheduler.submit(() -> {
                for (Lane lane : lanes.values()) {
                    for (Pending<?> pending : lane.waiting) {
                        pending.result.completeExceptionally(
                                new TelegramCallException(pending.method, 0, "the bot stopped before it was sent"));
                    }
                    lane.waiting.clear();
                }
            }).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException | RejectedExecutionException e) {
            LOG.debug("outbox did not clear its lanes: {}", e.toString());
        }
    }
}
