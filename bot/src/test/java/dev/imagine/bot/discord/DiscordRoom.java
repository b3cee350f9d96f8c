package dev.imagine.bot.discord;

import dev.imagine.bot.discord.FakeDiscord.Request;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.Engine;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.pipeline.ImageGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real JDA against a {@link FakeDiscord}, on an {@link Engine} in a test's data folder that draws with
 * {@code pipeline} (counted by a {@link TestGenerator}); random seeds count up from 1001. {@link #close()} stops the
 * engine (and the bot with it), then the fake Discord.
 */
final class DiscordRoom implements AutoCloseable {
    private final FakeDiscord discord;
    private final Duration wait;
    private final TestGenerator generator;
    private final Engine engine;

    private DiscordRoom(Path data, ImageGenerator pipeline, Duration wait) throws Exception {
        this.discord = new FakeDiscord();
        this.wait = wait;
        this.generator = TestGenerator.over(pipeline);
        AtomicLong seeds = new AtomicLong(1000);
        this.engine = new Engine(data, generator, QueueSettings.DEFAULTS, seeds::incrementAndGet);
        DiscordSettings settings = DiscordSettings.DEFAULTS.withEndpoints(discord.restUrl(), discord.gatewayUrl())
                .withReadyTimeout(Duration.ofSeconds(15));
        try {
            engine.open(new DiscordBot(FakeDiscord.TOKEN, settings, engine.jobs(), data));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        engine.startWorking();
    }

    /** The bot connected and the engine working; {@code wait} bounds each {@link #picture} wait. */
    static DiscordRoom open(Path data, ImageGenerator pipeline, Duration wait) throws Exception {
        return new DiscordRoom(data, pipeline, wait);
    }

    FakeDiscord discord() {
        return discord;
    }

    Engine engine() {
        return engine;
    }

    TestGenerator generator() {
        return generator;
    }

    /** /imagine with seed 21, one step, 256x256; returns the interaction's token. */
    String imagine(FakeDiscord.User who, String prompt) {
        return discord.slash(who, "imagine", FakeDiscord.option("prompt", prompt), FakeDiscord.option("seed", 21L),
                FakeDiscord.option("steps", 1), FakeDiscord.option("size", "256x256"));
    }

    /** Whatever carried the picture for this interaction (the edited reply or a follow-up). */
    Request picture(String token) throws InterruptedException {
        return discord.await(r -> token.equals(r.token()) && !r.files().isEmpty() && r.status() < 300, wait,
                "the picture for " + token);
    }

    @Override
    public void close() throws Exception {
        try {
            engine.close();
        } finally {
            discord.close();
        }
    }
}
