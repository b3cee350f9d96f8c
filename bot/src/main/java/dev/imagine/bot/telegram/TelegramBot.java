package dev.imagine.bot.telegram;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.bot.job.Adapter;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.ReplySink;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.longpolling.BotSession;
import org.telegram.telegrambots.longpolling.TelegramBotsLongPollingApplication;
import org.telegram.telegrambots.longpolling.interfaces.LongPollingUpdateConsumer;
import org.telegram.telegrambots.longpolling.util.ExponentialBackOff;
import org.telegram.telegrambots.longpolling.util.TelegramOkHttpClientFactory;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.commands.SetMyCommands;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.commands.BotCommand;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * Imagine on Telegram: long polling with TelegramBots, {@code /imagine} and friends in groups and private chats
 * ({@link ChatCommands}), a status message while the picture waits and is drawn, then the photo with its buttons
 * ({@link ButtonPresses}). Buttons carry only a job id, so they keep working after a restart.
 *
 * <p>As every {@link Adapter}: its {@link #sink()} is registered with the job service before the worker starts, so
 * that the jobs it resumes can report to Telegram; it is closed after the job service has drained.
 *
 * <p>The token is part of every request's URL path; nothing this class logs, throws or prints contains a URL.
 */
public final class TelegramBot implements Adapter {
    private static final Logger LOG = LoggerFactory.getLogger(TelegramBot.class);
    static final String PLATFORM = "telegram";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final List<BotCommand> COMMANDS = List.of(
            new BotCommand("imagine", "Draw a picture: /imagine a red fox --seed 42 --steps 4"),
            new BotCommand("inpaint", "Reply to a picture with a mask: /inpaint a red hat"),
            new BotCommand("queue", "Where your pictures are in the queue"),
            new BotCommand("cancel", "Cancel your latest waiting picture"),
            new BotCommand("settings", "Your defaults; group admins set limits here"),
            new BotCommand("moderate", "Group admins: ban, pause, policy, blocked words, rate limit"),
            new BotCommand("help", "How to use Imagine"));

    private final TelegramSettings settings;
    private final JobService jobs;
    private final String token;
    private final OkHttpClient http = new TelegramOkHttpClientFactory.DefaultOkHttpClientCreator().get();
    private final OkHttpClient pollHttp = new TelegramOkHttpClientFactory.DefaultOkHttpClientCreator().get();
    private final ScheduledExecutorService outboxThread = Executors.newSingleThreadScheduledExecutor(
            daemon("imagine-telegram-out"));
    private final ScheduledExecutorService pollThread = Executors.newSingleThreadScheduledExecutor(
            daemon("imagine-telegram-poll"));
    private final ExecutorService updatesThread = Executors.newSingleThreadExecutor(daemon("imagine-telegram-updates"));
    private final TelegramClient client;
    private final Outbox outbox;
    private final TelegramReplies replies;
    private final ChatCommands commands;
    private final ButtonPresses buttons;

    private boolean started;
    private boolean closed;
    private TelegramBotsLongPollingApplication polling;
    private volatile String username = "";

    /**
     * @param token the bot token from BotFather (the caller reads it from {@code TELEGRAM_BOT_TOKEN}); never logged
     */
    public TelegramBot(TelegramSettings settings, JobService jobs, String token) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.token = token == null ? "" : token.strip();
        this.client = new OkHttpTelegramClient(new ObjectMapper(), http, this.token, settings.telegramUrl());
        ChatMigrations migrations = new ChatMigrations(this::groupMoved);
        this.outbox = new Outbox(client, migrations, new RateLimiter(settings.pacing()), outboxThread,
                System::nanoTime);
        this.replies = new TelegramReplies(outbox, new ChatMessages(outbox), jobs, outboxThread, settings,
                System::nanoTime);
        Requests requests = new Requests(jobs, outbox, replies, updatesThread);
        GroupAdmins admins = new GroupAdmins(outbox, settings, System::nanoTime);
        this.commands = new ChatCommands(requests, new TelegramPictures(outbox, http, settings.apiUrl(), this.token),
                replies, migrations, admins, new ModerationCommands(requests, admins, updatesThread), updatesThread,
                () -> username);
        this.buttons = new ButtonPresses(jobs, requests, replies, admins);
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    @Override
    public ReplySink sink() {
        return replies;
    }

    /**
     * Checks the token with {@code getMe}, registers the command list, and starts long polling. Throws
     * {@link IllegalStateException} with a message for people (never the token or a URL) when Telegram cannot be
     * reached or refuses the token.
     */
    @Override
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException("the Telegram bot can be started once");
        }
        if (token.isEmpty()) {
            throw new IllegalStateException("the Telegram bot token is empty; set TELEGRAM_BOT_TOKEN to the token"
                    + " BotFather gave you");
        }
        started = true;
        TelegramUrl url = settings.telegramUrl();
        try {
            org.telegram.telegrambots.meta.api.objects.User me = await("getMe", client.executeAsync(new GetMe()));
            username = me.getUserName() == null ? "" : me.getUserName();
            await("setMyCommands", client.executeAsync(SetMyCommands.builder().commands(COMMANDS).build()));
            int timeout = (int) settings.pollTimeout().toSeconds();
            polling = new TelegramBotsLongPollingApplication(ObjectMapper::new, () -> pollHttp, () -> pollThread,
                    ExponentialBackOff::new);
            LongPollingUpdateConsumer consumer = updates -> updates.forEach(update -> {
                try {
                    updatesThread.execute(() -> onUpdate(update));
                } catch (RejectedExecutionException stopped) {
                    LOG.debug("bot stopping; update {} left for the next start", update.getUpdateId());
                }
            });
            polling.registerBot(token, () -> url,
                    last -> GetUpdates.builder().offset(last + 1).limit(100).timeout(timeout)
                            .allowedUpdates(List.of("message", "callback_query")).build(),
                    consumer);
        } catch (TelegramCallException e) {
            throw new IllegalStateException(startFailure(e));
        } catch (TelegramApiException | RuntimeException e) {
            throw new IllegalStateException("The Telegram bot could not start: "
                    + TelegramCallException.of("start", e).getMessage());
        }
        LOG.info("Telegram bot @{} started (long polling {}://{}:{})", username, url.getSchema(), url.getHost(),
                url.getPort());
    }

    private String startFailure(TelegramCallException e) {
        if (e.errorCode() == 401 || e.errorCode() == 404) {
            return "Telegram did not accept the bot token (" + e.getMessage() + "). Check TELEGRAM_BOT_TOKEN:"
                    + " BotFather's /token shows the current one.";
        }
        return "The Telegram Bot API at " + settings.apiUrl().getHost() + " could not be used: " + e.getMessage();
    }

    private static <T> T await(String method, CompletableFuture<T> call) {
        try {
            return call.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TelegramCallException(method, 0, "interrupted");
        } catch (ExecutionException e) {
            throw TelegramCallException.of(method, e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            throw new TelegramCallException(method, 0, "no answer within " + START_TIMEOUT.toSeconds() + " s");
        }
    }

    /** On the updates thread: one update at a time, in order. */
    void onUpdate(Update update) {
        try {
            if (update.hasCallbackQuery()) {
                buttons.onCallback(update.getCallbackQuery());
            } else if (update.hasMessage()) {
                commands.onMessage(update.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.error("Telegram update {} could not be handled", update.getUpdateId(), e);
        }
    }

    /**
     * A group became supergroup {@code to}: what its admins set (limits, topics) carries over to the new id, which
     * commands from the supergroup come with. Pictures already on their way follow through {@link ChatMigrations}.
     */
    private void groupMoved(long from, long to) {
        LOG.info("Telegram group {} became supergroup {}; its pictures and settings follow", from, to);
        // At once, on whichever thread learned it (a store write): a command from the supergroup that is handled
        // next must already find the group's settings there.
        try {
            jobs.communityMoved(PLATFORM + ":" + from, PLATFORM + ":" + to);
        } catch (RuntimeException e) {
            LOG.error("the settings of Telegram group {} could not be moved to {}", from, to, e);
        }
    }

    /** True while long polling runs. */
    @Override
    public synchronized boolean connected() {
        return started && !closed && polling != null && polling.isRunning();
    }

    @Override
    public String readyLine() {
        return "Telegram: polling for updates as @" + username;
    }

    /**
     * Stops polling, lets queued answers go out for a few seconds, and stops every thread it started. Jobs keep
     * running in the job service; their news is not sent until the bot is started again.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopPolling();
        updatesThread.shutdown();
        try {
            if (!updatesThread.awaitTermination(5, TimeUnit.SECONDS)) {
                updatesThread.shutdownNow();
            }
            if (started && !outbox.drain(Duration.ofSeconds(5))) {
                LOG.warn("Telegram bot stopped with answers still unsent");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        replies.close();
        outbox.close();
        outboxThread.shutdownNow();
        for (OkHttpClient each : List.of(http, pollHttp)) {
            each.dispatcher().executorService().shutdown();
            each.connectionPool().evictAll();
        }
        LOG.info("Telegram bot stopped");
    }

    /**
     * Stopping cuts the getUpdates request that is held open (up to the poll timeout); the library logs that as an
     * ERROR and its interrupted back-off as a WARN. Both are expected here, so its session logger is silenced until
     * the polling thread is gone.
     */
    private void stopPolling() {
        Runnable restoreLogging = quietLongPollingLog();
        try {
            if (polling != null) {
                polling.close();
            }
        } catch (Exception e) {
            LOG.debug("long polling did not close cleanly: {}", TelegramCallException.redact(e.toString()));
        } finally {
            pollHttp.dispatcher().cancelAll();
            pollThread.shutdownNow();
            try {
                pollThread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            restoreLogging.run();
        }
    }

    private static Runnable quietLongPollingLog() {
        if (LoggerFactory.getLogger(BotSession.class) instanceof ch.qos.logback.classic.Logger session) {
            ch.qos.logback.classic.Level level = session.getLevel();
            session.setLevel(ch.qos.logback.classic.Level.OFF);
            return () -> session.setLevel(level);
        }
        return () -> { };
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
