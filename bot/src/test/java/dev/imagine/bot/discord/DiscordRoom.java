package dev.imagine.bot.discord;

import dev.imagine.bot.discord.FakeDiscord.Request;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.Engine;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.pipeline.ImageGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real JDA against a {@link FakeDiscord}, on an {@link Engine} in a test's data folder that draws with
 * {@code pipeline} (counted by a {@link TestGenerator}); random seeds count up from 1001. Registered as a
 * {@code @RegisterExtension} field and started by the test; after the test it stops the engine (and the bot with
 * it), then the fake Discord.
 */
final class DiscordRoom implements AfterEachCallback {
    private final ImageGenerator pipeline;
    private final Duration wait;
    private FakeDiscord discord;
    private TestGenerator generator;
    private Engine engine;

    /** {@code wait} bounds each {@link #picture} wait. */
    DiscordRoom(ImageGenerator pipeline, Duration wait) {
        this.pipeline = pipeline;
        this.wait = wait;
    }

    /** Connects the bot and starts the engine working in {@code data}; returns the generator that counts pictures. */
    TestGenerator start(Path data) throws Exception {
        discord = new FakeDiscord();
        generator = TestGenerator.over(pipeline);
        AtomicLong seeds = new AtomicLong(1000);
        engine = new Engine(data, generator, QueueSettings.DEFAULTS, seeds::incrementAndGet);
        DiscordSettings settings = DiscordSettings.DEFAULTS.withEndpoints(discord.restUrl(), discord.gatewayUrl())
                .withReadyTimeout(Duration.ofSeconds(15));
        engine.open(new DiscordBot(FakeDiscord.TOKEN, settings, engine.jobs(), data));
        engine.startWorking();
        return generator;
    }

    FakeDiscord discord() {
        return discord;
    }

    Engine engine() {
        return engine;
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
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            if (engine != null) {
                engine.close();
            }
        } finally {
            if (discord != null) {
                discord.close();
            }
        }
    }
}
