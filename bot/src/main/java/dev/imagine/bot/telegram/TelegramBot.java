package dev.imagine.bot.telegram;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
import org.telegram.telegrambots.meta.api.methods.groupadministration.GetChatMember;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;
import org.telegram.telegrambots.meta.api.objects.MessageEntity;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.commands.BotCommand;
import org.telegram.telegrambots.meta.api.objects.message.MaybeInaccessibleMessage;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * Imagine on Telegram: long polling with TelegramBots, {@code /imagine} and friends in groups and private chats
 * (where plain text is a prompt too), a status message while the picture waits and is drawn, then the photo with
 * Same seed / Re-roll / Vary / Upscale / Delete buttons. Buttons carry only a job id, so they keep working after a
 * restart.
 *
 * <p>Start it before {@link JobService#start()}, so the jobs it resumes can report to Telegram:
 * <pre>{@code
 * TelegramBot telegram = new TelegramBot(TelegramSettings.defaults().withApiUrl(url), jobService);
 * telegram.start(System.getenv("TELEGRAM_BOT_TOKEN"));
 * jobService.start();
 * ...
 * telegram.close();   // before jobService.shutdown(...)
 * }</pre>
 *
 * <p>The token is part of every request's URL path; nothing this class logs, throws or prints contains a URL.
 */
public final class TelegramBot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelegramBot.class);
    static final String PLATFORM = "telegram";
    static final String MAIN_TOPIC = "main";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final String SOMETHING_WRONG = "Something went wrong on my side; please try again.";
    private static final List<BotCommand> COMMANDS = List.of(
            new BotCommand("imagine", "Draw a picture: /imagine a red fox --seed 42 --steps 4"),
            new BotCommand("queue", "Where your pictures are in the queue"),
            new BotCommand("cancel", "Cancel your latest waiting picture"),
            new BotCommand("settings", "Your defaults; group admins set limits here"),
            new BotCommand("help", "How to use Imagine"));

    private final TelegramSettings settings;
    private final JobService jobs;
    private final Map<String, AdminCheck> admins = new ConcurrentHashMap<>();

    private boolean started;
    private OkHttpClient http;
    private OkHttpClient pollHttp;
    private ScheduledExecutorService outboxThread;
    private ScheduledExecutorService pollThread;
    private ExecutorService updatesThread;
    private Outbox outbox;
    private ChatMigrations migrations;
    private TelegramReplies replies;
    private TelegramBotsLongPollingApplication polling;
    private volatile String username = "";

    private record AdminCheck(boolean admin, long expiresAtNanos) {
    }

    public TelegramBot(TelegramSettings settings, JobService jobs) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
    }

    static String topicKey(int threadId) {
        return "topic:" + threadId;
    }

    /**
     * Checks the token with {@code getMe}, registers the command list, and starts long polling. Throws
     * {@link IllegalStateException} with a message for people (never the token or a URL) when Telegram cannot be
     * reached or refuses the token.
     */
    public synchronized void start(String token) {
        if (started) {
            throw new IllegalStateException("the Telegram bot is already started");
        }
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the Telegram bot token is empty; set TELEGRAM_BOT_TOKEN to the token"
                    + " BotFather gave you");
        }
        String botToken = token.strip();
        TelegramUrl url = settings.telegramUrl();
        http = new TelegramOkHttpClientFactory.DefaultOkHttpClientCreator().get();
        pollHttp = new TelegramOkHttpClientFactory.DefaultOkHttpClientCreator().get();
        outboxThread = Executors.newSingleThreadScheduledExecutor(daemon("imagine-telegram-out"));
        pollThread = Executors.newSingleThreadScheduledExecutor(daemon("imagine-telegram-poll"));
        updatesThread = Executors.newSingleThreadExecutor(daemon("imagine-telegram-updates"));
        started = true;
        TelegramClient client = new OkHttpTelegramClient(new ObjectMapper(), http, botToken, url);
        try {
            org.telegram.telegrambots.meta.api.objects.User me = await("getMe", client.executeAsync(new GetMe()));
            username = me.getUserName() == null ? "" : me.getUserName();
            await("setMyCommands", client.executeAsync(SetMyCommands.builder().commands(COMMANDS).build()));

            migrations = new ChatMigrations(this::groupMoved);
            outbox = new Outbox(client, migrations, new RateLimiter(settings.pacing()), outboxThread, System::nanoTime);
            replies = new TelegramReplies(outbox, jobs, outboxThread, settings, System::nanoTime);
            jobs.registerSink(PLATFORM, replies);

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
            polling.registerBot(botToken, () -> url,
                    last -> GetUpdates.builder().offset(last + 1).limit(100).timeout(timeout)
                            .allowedUpdates(List.of("message", "callback_query")).build(),
                    consumer);
        } catch (TelegramCallException e) {
            close();
            throw new IllegalStateException(startFailure(e));
        } catch (org.telegram.telegrambots.meta.exceptions.TelegramApiException | RuntimeException e) {
            close();
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

    // ---- updates (on the updates thread) ----

    void onUpdate(Update update) {
        try {
            if (update.hasCallbackQuery()) {
                onCallback(update.getCallbackQuery());
            } else if (update.hasMessage()) {
                onMessage(update.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.error("Telegram update {} could not be handled", update.getUpdateId(), e);
        }
    }

    private void onMessage(Message message) {
        if (message.getChat() != null && message.getMigrateToChatId() != null) {
            migrations.moved(message.getChatId(), message.getMigrateToChatId());
            return;
        }
        if (message.getChat() != null && message.getMigrateFromChatId() != null) {
            migrations.moved(message.getMigrateFromChatId(), message.getChatId());
            return;
        }
        if (!message.hasText() || message.getFrom() == null || message.getChat() == null) {
            return;
        }
        boolean anonymousAdmin = message.getSenderChat() != null
                && Objects.equals(message.getSenderChat().getId(), message.getChatId());
        if (Boolean.TRUE.equals(message.getFrom().getIsBot()) && !anonymousAdmin) {
            return;
        }
        String text = message.getText();
        Origin origin = new Origin(message.getChatId(), message.getChat().getType(), message.getMessageId(), 0,
                message.isTopicMessage() && message.getMessageThreadId() != null ? message.getMessageThreadId() : 0);
        String command = null;
        String args = text;
        MessageEntity entity = commandEntity(message);
        if (entity != null) {
            String name = text.substring(1, entity.getLength());
            int at = name.indexOf('@');
            if (at >= 0) {
                if (!name.substring(at + 1).equalsIgnoreCase(username)) {
                    return; // addressed to another bot in the group
                }
                name = name.substring(0, at);
            }
            command = name.toLowerCase(java.util.Locale.ROOT);
            args = text.substring(entity.getLength());
        } else if (origin.group()) {
            return; // groups: only commands
        }
        Requester requester = requester(message.getFrom(), origin, false);
        switch (command == null ? "imagine" : command) {
            case "imagine" -> imagine(origin, requester, args);
            case "queue" -> answerText(origin, jobs.handle(new Command.QueueStatus(requester), origin.encode()));
            case "cancel" -> {
                answerText(origin, jobs.handle(new Command.Cancel(requester, null), origin.encode()));
                replies.refreshCancelled();
            }
            case "settings" -> settings(origin, message, requester, args);
            case "help" -> replies.editText(origin, 0, Texts.HELP);
            case "start" -> replies.editText(origin, 0, Texts.START);
            default -> {
                if (!origin.group()) {
                    replies.editText(origin, 0, "I don't know /" + command + ".\n\n" + Texts.HELP);
                }
            }
        }
    }

    private static MessageEntity commandEntity(Message message) {
        if (message.getEntities() == null) {
            return null;
        }
        for (MessageEntity entity : message.getEntities()) {
            if ("bot_command".equals(entity.getType()) && entity.getOffset() == 0 && entity.getLength() > 1
                    && entity.getLength() <= message.getText().length()) {
                return entity;
            }
        }
        return null;
    }

    private void imagine(Origin origin, Requester requester, String args) {
        switch (CommandParser.imagine(args)) {
            case CommandParser.Invalid invalid -> replies.editText(origin, 0, invalid.message());
            case CommandParser.Imagine p -> startJob(origin, new Command.Imagine(requester, p.prompt(), p.seed(),
                    p.steps(), p.size(), p.guidance(), p.count(), p.decoder()), CallbackAnswer.NONE);
            case CommandParser.Settings ignored -> throw new IllegalStateException("not an imagine command");
        }
    }

    /**
     * The status message goes out first, so that its id is part of the origin the job service stores with the job
     * (a job resumed after a restart edits the same message); then the job service answers and the status message
     * shows that answer.
     */
    private void startJob(Origin origin, Command command, CallbackAnswer answer) {
        outbox.message(origin.chat(), "sendMessage",
                        (client, chat) -> TelegramReplies.sendText(client, origin, chat, Texts.PLACEHOLDER, null))
                .whenCompleteAsync((status, failure) -> {
                    if (failure != null) {
                        LOG.warn("no status message in chat {}: {}", origin.chatId(), failure.getMessage());
                        answer.answer("Telegram did not let me answer in this chat.", true);
                        return;
                    }
                    Origin full = origin.withStatus(status.getChatId(), status.getMessageId());
                    try {
                        replies.onReply(full, jobs.handle(command, full.encode()), answer);
                    } catch (RuntimeException e) {
                        LOG.error("command in chat {} failed", origin.chatId(), e);
                        replies.editText(full, full.statusMessageId(), SOMETHING_WRONG);
                        answer.answer(SOMETHING_WRONG, false);
                    } finally {
                        answer.answerIfNot("");
                    }
                }, updatesThread);
    }

    private void answerText(Origin origin, Reply reply) {
        String text = switch (reply) {
            case Reply.Info info -> info.text();
            case Reply.Refused refused -> refused.message();
            case Reply.Accepted accepted -> Texts.queued(accepted.position(), accepted.eta());
            case Reply.Finished finished -> "Done.";
        };
        replies.editText(origin, 0, text);
    }

    private void settings(Origin origin, Message message, Requester requester, String args) {
        String here = origin.threadId() > 0 ? topicKey(origin.threadId()) : MAIN_TOPIC;
        switch (CommandParser.settings(args, here)) {
            case CommandParser.Invalid invalid -> replies.editText(origin, 0, invalid.message());
            case CommandParser.Settings s when s.forCommunity() && origin.group() ->
                    isAdmin(origin, message).whenCompleteAsync((admin, failure) -> {
                        Requester checked = requester(message.getFrom(), origin, Boolean.TRUE.equals(admin));
                        try {
                            answerText(origin, jobs.handle(new Command.Settings(checked, s.change()),
                                    origin.encode()));
                        } catch (RuntimeException e) {
                            LOG.error("settings in chat {} failed", origin.chatId(), e);
                            replies.editText(origin, 0, SOMETHING_WRONG);
                        }
                    }, updatesThread);
            case CommandParser.Settings s ->
                    answerText(origin, jobs.handle(new Command.Settings(requester, s.change()), origin.encode()));
            case CommandParser.Imagine ignored -> throw new IllegalStateException("not a settings command");
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

    /** Whether the sender may change the group's limits: a creator or administrator (asked, then remembered). */
    private CompletableFuture<Boolean> isAdmin(Origin origin, Message message) {
        if (message.getSenderChat() != null && Objects.equals(message.getSenderChat().getId(), message.getChatId())) {
            return CompletableFuture.completedFuture(true); // an anonymous administrator posting as the group
        }
        long userId = message.getFrom().getId();
        String key = origin.chatId() + "/" + userId;
        AdminCheck known = admins.get(key);
        long now = System.nanoTime();
        if (known != null && known.expiresAtNanos() - now > 0) {
            return CompletableFuture.completedFuture(known.admin());
        }
        return outbox.side("admins", "getChatMember", (client, ignored) -> client.executeAsync(GetChatMember.builder()
                        .chatId(origin.chatId()).userId(userId).build()))
                .thenApply(member -> {
                    boolean admin = member != null
                            && ("creator".equals(member.getStatus()) || "administrator".equals(member.getStatus()));
                    admins.put(key, new AdminCheck(admin, System.nanoTime() + settings.adminCacheTtl().toNanos()));
                    return admin;
                })
                .exceptionally(e -> {
                    LOG.warn("could not check whether user {} administers chat {}: {}", userId, origin.chatId(),
                            e.getMessage());
                    return false;
                });
    }

    // ---- buttons ----

    private void onCallback(CallbackQuery query) {
        CallbackAnswer answer = new CallbackAnswer(outbox, query.getId());
        boolean handedOff = false;
        try {
            Optional<CallbackData> data = CallbackData.parse(query.getData());
            MaybeInaccessibleMessage message = query.getMessage();
            if (data.isEmpty() || message == null || message.getChat() == null || query.getFrom() == null) {
                answer.answer("This button no longer works. Use /imagine to draw again.", false);
                return;
            }
            int thread = message instanceof Message m && m.isTopicMessage() && m.getMessageThreadId() != null
                    ? m.getMessageThreadId() : 0;
            Origin origin = new Origin(message.getChatId(), message.getChat().getType(), message.getMessageId(), 0,
                    thread);
            Requester requester = requester(query.getFrom(), origin, false);
            String jobId = data.get().jobId();
            switch (data.get().verb()) {
                case CallbackData.SAME_SEED -> {
                    Command replay = new Command.Replay(requester, jobId);
                    if (cachedAlready(jobId)) {
                        // Served at once from the cache: no status message needed.
                        replies.onReply(origin, jobs.handle(replay, origin.encode()), answer);
                    } else {
                        startJob(origin, replay, answer);
                        handedOff = true;
                    }
                }
                case CallbackData.REROLL -> {
                    startJob(origin, new Command.Reroll(requester, jobId), answer);
                    handedOff = true;
                }
                case CallbackData.VARY -> answerWith(answer, jobs.handle(new Command.Vary(requester, jobId),
                        origin.encode()));
                case CallbackData.UPSCALE -> answerWith(answer, jobs.handle(new Command.Upscale(requester, jobId),
                        origin.encode()));
                case CallbackData.DELETE -> {
                    Reply reply = jobs.handle(new Command.Delete(requester, jobId), origin.encode());
                    if (reply instanceof Reply.Info) {
                        replies.deleteMessage(origin, message.getMessageId());
                        for (int id : data.get().extraMessageIds()) {
                            replies.deleteMessage(origin, id);
                        }
                    }
                    answerWith(answer, reply);
                }
                case CallbackData.CANCEL -> {
                    answerWith(answer, jobs.handle(new Command.Cancel(requester, jobId), origin.encode()));
                    replies.refreshCancelled();
                }
                default -> answer.answer("This button no longer works. Use /imagine to draw again.", false);
            }
        } catch (RuntimeException e) {
            answer.answer(SOMETHING_WRONG, false);
            throw e;
        } finally {
            if (!handedOff) {
                answer.answerIfNot("");
            }
        }
    }

    private boolean cachedAlready(String jobId) {
        Optional<Job> job = jobs.job(jobId);
        return job.isPresent() && jobs.images(job.get()).isPresent();
    }

    private static void answerWith(CallbackAnswer answer, Reply reply) {
        switch (reply) {
            case Reply.Refused refused -> answer.answer(refused.message(), true);
            case Reply.Info info -> answer.answer(info.text(), false);
            case Reply.Accepted accepted -> answer.answer(Texts.queued(accepted.position(), accepted.eta()), false);
            case Reply.Finished finished -> answer.answer("Done.", false);
        }
    }

    private static Requester requester(org.telegram.telegrambots.meta.api.objects.User from, Origin origin,
                                       boolean admin) {
        String name = from.getUserName() != null && !from.getUserName().isBlank() ? from.getUserName()
                : from.getFirstName();
        User user = new User(PLATFORM, Long.toString(from.getId()), name);
        if (!origin.group()) {
            return new Requester(user, null, null, false);
        }
        String channel = origin.threadId() > 0 ? topicKey(origin.threadId()) : MAIN_TOPIC;
        return new Requester(user, Long.toString(origin.chatId()), channel, admin);
    }

    // ---- lifecycle ----

    /** True while long polling runs (for /healthz). */
    public synchronized boolean polling() {
        return started && polling != null && polling.isRunning();
    }

    /**
     * Stops polling, lets queued answers go out for a few seconds, and stops every thread it started. Jobs keep
     * running in the job service; their news is not sent until the bot is started again.
     */
    @Override
    public synchronized void close() {
        if (!started) {
            return;
        }
        started = false;
        // Stopping cuts the getUpdates request that is held open (up to the poll timeout); the library logs that
        // as an ERROR and its interrupted back-off as a WARN. Both are expected here, so its session logger is
        // silenced until the polling thread is gone.
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
        updatesThread.shutdown();
        try {
            if (!updatesThread.awaitTermination(5, TimeUnit.SECONDS)) {
                updatesThread.shutdownNow();
            }
            if (outbox != null && !outbox.drain(Duration.ofSeconds(5))) {
                LOG.warn("Telegram bot stopped with answers still unsent");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (replies != null) {
            replies.close();
        }
        if (outbox != null) {
            outbox.close();
        }
        outboxThread.shutdownNow();
        for (OkHttpClient client : List.of(http, pollHttp)) {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
        LOG.info("Telegram bot stopped");
    }
}
