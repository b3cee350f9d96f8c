package dev.imagine.bot;

import dev.imagine.bot.config.ImagineConfig;
import dev.imagine.bot.discord.DiscordBot;
import dev.imagine.bot.discord.DiscordSettings;
import dev.imagine.bot.discord.DiscordStartException;
import dev.imagine.bot.telegram.TelegramBot;
import dev.imagine.bot.telegram.TelegramSettings;
import dev.imagine.bot.web.HealthReport;
import dev.imagine.bot.web.WebServer;
import dev.imagine.bot.web.WebSettings;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Starts the adapters that are configured — the local playground always (unless disabled), Discord when
 * DISCORD_TOKEN is set, Telegram when TELEGRAM_BOT_TOKEN is set — and attaches them to the application. Each
 * adapter reports whether it is connected, for {@code /healthz}.
 */
final class Adapters {
    private Adapters() {
    }

    static void attachAll(Application application, Map<String, String> environment, PrintWriter err) {
        ImagineConfig config = application.config();
        Map<String, BooleanSupplier> connected = new ConcurrentHashMap<>();
        String discordToken = environment.get("DISCORD_TOKEN");
        if (discordToken != null && !discordToken.isBlank()) {
            DiscordSettings settings = DiscordSettings.DEFAULTS
                    .withEndpoints(config.discordRestUrl().toString(), config.discordGatewayUrl().toString())
                    .withTestGuildIds(config.discordTestGuilds())
                    .withProgressInterval(config.discordProgressInterval());
            DiscordBot discord;
            try {
                discord = DiscordBot.start(discordToken.strip(), settings, application.jobs(),
                        application.dataDir());
            } catch (DiscordStartException e) {
                throw new StartupException(e.getMessage(), e);
            }
            application.attach(discord);
            connected.put("discord", discord::connected);
            err.println("Discord: connected; invite the bot with " + discord.inviteUrl());
        }
        String telegramToken = environment.get("TELEGRAM_BOT_TOKEN");
        if (telegramToken != null && !telegramToken.isBlank()) {
            TelegramBot telegram = new TelegramBot(TelegramSettings.defaults()
                    .withApiUrl(config.telegramApiUrl(environment).toString()), application.jobs());
            try {
                telegram.start(telegramToken.strip());
            } catch (IllegalArgumentException | IllegalStateException e) {
                telegram.close();
                throw new StartupException(e.getMessage(), e);
            }
            application.attach(telegram);
            connected.put("telegram", telegram::polling);
            err.println("Telegram: polling for updates");
        }
        if (config.webEnabled()) {
            WebServer web;
            try {
                web = WebServer.start(new WebSettings(config.webHost(), config.webPort(),
                                environment.get("IMAGINE_API_KEY")), application.jobs(),
                        () -> health(application, connected), application.metrics());
            } catch (IllegalStateException e) {
                throw new StartupException(e.getMessage(), e);
            }
            application.attach(web);
            connected.put("web", () -> true);
            err.println("Playground and API: " + web.uri() + "  (health: " + web.uri() + "healthz, metrics: "
                    + web.uri() + "metrics)");
        }
    }

    private static HealthReport health(Application application, Map<String, BooleanSupplier> connected) {
        Map<String, Boolean> adapters = new LinkedHashMap<>();
        connected.forEach((name, check) -> adapters.put(name, check.getAsBoolean()));
        return new HealthReport(true, application.jobs().workerAlive(), adapters);
    }
}
