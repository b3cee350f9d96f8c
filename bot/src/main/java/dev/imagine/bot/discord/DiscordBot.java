package dev.imagine.bot.discord;

import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.job.Adapter;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobSettings;
import dev.imagine.bot.job.ReplySink;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imagine on Discord: slash commands and buttons in, pictures out, through JDA. {@link #start()} connects to the
 * gateway with the bot token (the caller reads it from {@code DISCORD_TOKEN}) and registers the slash commands if they
 * changed since the last start; its {@link #sink()} answers Discord users about their jobs.
 */
public final class DiscordBot implements Adapter {
    private static final Logger LOG = LoggerFactory.getLogger(DiscordBot.class);
    static final String PLATFORM = "discord";

    private final String token;
    private final DiscordSettings settings;
    private final JobService jobs;
    private final Path dataDir;
    private final Duration decisionBudget;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual()
            .name("discord-", 0).factory());
    private final DiscordSink sink;
    private volatile JDA jda;

    /**
     * @param token    the bot token; never logged, never stored outside this object and JDA
     * @param settings where Discord is and how the adapter behaves
     * @param jobs     the job service the commands go to
     * @param dataDir  a folder for the adapter's small state (the hash of the registered commands)
     */
    public DiscordBot(String token, DiscordSettings settings, JobService jobs, Path dataDir) {
        this(token, settings, jobs, dataDir, InstantSource.system(), InteractionListener.DECISION_BUDGET);
    }

    /**
     * With the clock that decides when interaction tokens have expired and the time the job service may take before
     * an interaction is deferred (tests).
     */
    DiscordBot(String token, DiscordSettings settings, JobService jobs, Path dataDir, InstantSource clock,
               Duration decisionBudget) {
        this.token = token;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.decisionBudget = decisionBudget;
        this.sink = new DiscordSink(executor, clock, settings.progressInterval());
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    @Override
    public ReplySink sink() {
        return sink;
    }

    /**
     * Connects to Discord, waits until the gateway is ready, and registers the slash commands where they changed.
     *
     * @throws DiscordStartException when the token is rejected, Discord can't be reached, or the gateway is not
     *                               ready in time; the message says which
     */
    @Override
    public void start() {
        if (token == null || token.isBlank()) {
            throw new DiscordStartException("DISCORD_TOKEN is not set: put the bot token from the Discord developer"
                    + " portal (Bot → Reset Token) in the environment.", null);
        }
        JobSettings engine = jobs.settings();
        List<ImageSize> sizes = RequestRules.sizesWithin(engine.limits(), engine.defaults().size());
        CountDownLatch ready = new CountDownLatch(1);
        JDA connecting;
        try {
            connecting = JDABuilder.createLight(token.strip(), List.of())
                    .setRestConfig(new RestConfig().setBaseUrl(settings.restUrl()))
                    .setSessionController(new GatewayAt(settings.gatewayUrl()))
                    // Interactions are small; plain JSON text frames keep the gateway simple to proxy.
                    .setCompression(Compression.NONE)
                    .setEnableShutdownHook(false)
                    .addEventListeners(new InteractionListener(jobs, sink, sizes, executor,
                            decisionBudget), new ListenerAdapter() {
                        @Override
                        public void onReady(ReadyEvent event) {
                            ready.countDown();
                        }
                    })
                    .build();
        } catch (InvalidTokenException e) {
            throw new DiscordStartException("DISCORD_TOKEN was rejected by Discord: " + e.getMessage()
                    + " Copy the token again from the developer portal (Bot → Reset Token).", e);
        } catch (RuntimeException e) {
            throw new DiscordStartException("Could not log in to Discord at " + settings.restUrl() + ": " + e, e);
        }
        jda = connecting;
        awaitReady(ready);
        sink.attach(connecting);
        new CommandRegistration(dataDir).registerIfChanged(connecting, SlashCommands.all(sizes),
                settings.testGuildIds());
        LOG.info("Discord: connected as {} (application {})", connecting.getSelfUser().getName(),
                connecting.getSelfUser().getApplicationId());
    }

    private void awaitReady(CountDownLatch ready) {
        try {
            if (!ready.await(settings.readyTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new DiscordStartException("The Discord gateway at " + settings.gatewayUrl() + " was not ready"
                        + " within " + settings.readyTimeout().toSeconds() + " s.", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DiscordStartException("Interrupted while connecting to Discord", e);
        }
    }

    /** True while the gateway session is up; false while JDA reconnects, and before the start or after the close. */
    @Override
    public boolean connected() {
        JDA now = jda;
        return now != null && now.getStatus() == JDA.Status.CONNECTED;
    }

    @Override
    public String readyLine() {
        return "Discord: connected; invite the bot with " + inviteUrl();
    }

    /** The URL of the page that adds the bot to a server, with the scopes and permissions it needs. */
    public String inviteUrl() {
        return "https://discord.com/oauth2/authorize?client_id=" + jda.getSelfUser().getApplicationId()
                + "&scope=bot%20applications.commands&permissions=" + Permissions.INVITE;
    }

    /** Disconnects from the gateway; updates already handed to Discord are given a few seconds to go out. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        JDA connected = jda;
        if (connected == null) {
            return;
        }
        connected.shutdown();
        try {
            if (!connected.awaitShutdown(Duration.ofSeconds(10))) {
                connected.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connected.shutdownNow();
        }
    }

    /** The gateway JDA connects to: Discord's, or a proxy or fake given in the settings. */
    private static final class GatewayAt extends ConcurrentSessionController {
        private final String url;

        GatewayAt(String url) {
            this.url = url;
        }

        @Override
        public String getGateway() {
            return url;
        }
    }
}
