package dev.imagine.bot.discord;

import dev.imagine.bench.LoadFront;
import dev.imagine.bot.testing.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The load benchmark's way in through Discord: the real JDA client against {@link FakeDiscord}, which holds the bot
 * to Discord's rules (one initial response per interaction, within 3 s). A person's request is a slash command in the
 * server's channel; the acknowledgement is the interaction's initial response as Discord receives it.
 */
public final class DiscordLoadFront implements LoadFront {
    private final FakeDiscord discord;
    private Map<String, Long> firstCallbacks;

    private DiscordLoadFront(FakeDiscord discord) {
        this.discord = discord;
    }

    public static LoadFront start(Engine engine, Path data) {
        FakeDiscord discord;
        try {
            discord = new FakeDiscord();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DiscordSettings settings = DiscordSettings.DEFAULTS.withEndpoints(discord.restUrl(), discord.gatewayUrl())
                .withReadyTimeout(Duration.ofSeconds(30));
        try {
            engine.open(new DiscordBot(FakeDiscord.TOKEN, settings, engine.jobs(), data, discord.clock(),
                    InteractionListener.DECISION_BUDGET));
        } catch (RuntimeException e) {
            closeQuietly(discord);
            throw e;
        }
        return new DiscordLoadFront(discord);
    }

    @Override
    public String name() {
        return "discord";
    }

    @Override
    public Object send(int person, String prompt) {
        FakeDiscord.User user = new FakeDiscord.User(String.format("92%016d", person), "person" + person, false);
        return discord.slash(user, "imagine", FakeDiscord.option("prompt", prompt));
    }

    @Override
    public synchronized Answer answer(Object handle) {
        if (firstCallbacks == null) {
            firstCallbacks = new HashMap<>();
            for (FakeDiscord.Request request : discord.requests(r -> r.is("POST", "/api/v10/interactions/"))) {
                firstCallbacks.putIfAbsent(request.token(), request.receivedNanos());
            }
        }
        String token = (String) handle;
        Long at = firstCallbacks.get(token);
        List<FakeDiscord.Shown> shown = discord.messagesOf(token);
        String text = shown.stream().filter(m -> m.ephemeral && m.content != null && !m.content.isBlank())
                .map(m -> m.content).findFirst()
                .orElse(shown.isEmpty() || shown.get(0).history.isEmpty() ? "nothing shown" : shown.get(0).history.get(0));
        return new Answer(at == null ? -1 : at, text);
    }

    @Override
    public void close() {
        closeQuietly(discord);
    }

    private static void closeQuietly(FakeDiscord discord) {
        try {
            discord.close();
        } catch (IOException | RuntimeException ignored) {
            // the benchmark is over either way
        }
    }
}
