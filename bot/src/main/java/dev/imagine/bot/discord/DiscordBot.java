package dev.imagine.bot.discord;

import dev.imagine.bot.job.JobService;
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
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import net.dv8tion.jda.api.utils.Compression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imagine on Discord: slash commands and buttons in, pictures out, through JDA. Start it with the bot token (the
 * caller reads it from {@code DISCORD_TOKEN}); it registers its reply sink with the job service, connects to the
 * gateway, and registers the slash commands if they changed since the last start.
 */
public final class DiscordBot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiscordBot.class);

    private final JDA jda;
    private final ExecutorService executor;

    private DiscordBot(JDA jda, ExecutorService executor) {
        this.jda = jda;
        this.executor = executor;
    }

    /**
     * Connects to Discord and waits until the gateway is ready.
     *
     * @param token    the bot token; never logged, never stored outside JDA
     * @param settings where Discord is and how the adapter behaves
     * @param jobs     the job service; this registers itself as its "discord" sink
     * @param dataDir  a folder for the adapter's small state (the hash of the registered commands)
     * @throws DiscordStartException when the token is rejected, Discord can't be reached, or the gateway is not
     *                               ready in time; the message says which
     */
    public static DiscordBot start(String token, DiscordSettings settings, JobService jobs, Path dataDir) {
        return start(token, settings, jobs, dataDir, InstantSource.system(), InteractionListener.DECISION_BUDGET);
    }

    /**
     * As {@link #start(String, DiscordSettings, JobService, Path)}, with the clock that decides when interaction
     * tokens have expired and the time the job service may take before an interaction is deferred (tests).
     */
    static DiscordBot start(String token, DiscordSettings settings, JobService jobs, Path dataDir, InstantSource clock,
                            Duration decisionBudget) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(jobs, "jobs");
        Objects.requireNonNull(dataDir, "dataDir");
        if (token == null || token.isBlank()) {
            throw new DiscordStartException("DISCORD_TOKEN is not set: put the bot token from the Discord developer"
                    + " portal (Bot → Reset Token) in the environment.", null);
        }
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("discord-", 0)
                .factory());
        DiscordSink sink = new DiscordSink(executor, clock, settings.progressInterval());
        CountDownLatch ready = new CountDownLatch(1);
        JDA jda;
        try {
            jda = JDABuilder.createLight(token, List.of())
                    .setRestConfig(new RestConfig().setBaseUrl(settings.restUrl()))
                    .setSessionController(new GatewayAt(settings.gatewayUrl()))
                    // Interactions are small; plain JSON text frames keep the gateway simple to proxy.
                    .setCompression(Compression.NONE)
                    .setEnableShutdownHook(false)
                    .addEventListeners(new InteractionListener(jobs, sink, executor, decisionBudget), new ListenerAdapter() {
                        @Override
                        public void onReady(ReadyEvent event) {
                            ready.countDown();
                        }
                    })
                    .build();
        } catch (InvalidTokenException e) {
            executor.shutdownNow();
            throw new DiscordStartException("DISCORD_TOKEN was rejected by Discord: " + e.getMessage()
                    + " Copy the token again from the developer portal (Bot → Reset Token).", e);
        } catch (RuntimeException e) {
            executor.shutdownNow();
            throw new DiscordStartException("Could not log in to Discord at " + settings.restUrl() + ": " + e, e);
        }
        try {
            if (!ready.await(settings.readyTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                jda.shutdownNow();
                executor.shutdownNow();
                throw new DiscordStartException("The Discord gateway at " + settings.gatewayUrl() + " was not ready"
                        + " within " + settings.readyTimeout().toSeconds() + " s.", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            jda.shutdownNow();
            executor.shutdownNow();
            throw new DiscordStartException("Interrupted while connecting to Discord", e);
        }
        sink.attach(jda);
        jobs.registerSink(InteractionListener.PLATFORM, sink);
        new CommandRegistration(dataDir).registerIfChanged(jda, SlashCommands.all(), settings.testGuildIds());
        LOG.info("Discord: connected as {} (application {})", jda.getSelfUser().getName(),
                jda.getSelfUser().getApplicationId());
        return new DiscordBot(jda, executor);
    }

    /** The URL of the page that adds the bot to a server, with the scopes and permissions it needs. */
    /** True while the gateway session is up (for /healthz); false while JDA reconnects. */
    public boolean connected() {
        return jda.getStatus() == net.dv8tion.jda.api.JDA.Status.CONNECTED;
    }

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
        jda.shutdown();
        try {
            if (!jda.awaitShutdown(Duration.ofSeconds(10))) {
                jda.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            jda.shutdownNow();
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
