package dev.imagine.bot;

import dev.imagine.bot.config.ImagineConfig;
import dev.imagine.bot.discord.DiscordBot;
import dev.imagine.bot.discord.DiscordSettings;
import dev.imagine.bot.job.Adapter;
import dev.imagine.bot.mcp.McpAdapter;
import dev.imagine.bot.telegram.TelegramBot;
import dev.imagine.bot.telegram.TelegramSettings;
import dev.imagine.bot.web.WebServer;
import dev.imagine.bot.web.WebSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Which adapters are configured, and how each is made from the configuration and the environment: Discord when
 * {@code DISCORD_TOKEN} is set, Telegram when {@code TELEGRAM_BOT_TOKEN} is set, the local playground unless
 * {@code web.enabled} is false, and with it the MCP server at {@code /mcp}. The application opens them in this order.
 */
final class Adapters {
    private Adapters() {
    }

    static List<Supplier<Adapter>> configured(Application application, Map<String, String> environment) {
        ImagineConfig config = application.config();
        List<Supplier<Adapter>> adapters = new ArrayList<>();
        String discordToken = environment.get("DISCORD_TOKEN");
        if (discordToken != null && !discordToken.isBlank()) {
            DiscordSettings settings = DiscordSettings.DEFAULTS
                    .withEndpoints(config.discordRestUrl().toString(), config.discordGatewayUrl().toString())
                    .withTestGuildIds(config.discordTestGuilds())
                    .withProgressInterval(config.discordProgressInterval());
            adapters.add(() -> new DiscordBot(discordToken.strip(), settings, application.jobs(),
                    application.dataDir()));
        }
        String telegramToken = environment.get("TELEGRAM_BOT_TOKEN");
        if (telegramToken != null && !telegramToken.isBlank()) {
            adapters.add(() -> new TelegramBot(TelegramSettings.defaults()
                    .withApiUrl(config.telegramApiUrl(environment).toString()), application.jobs(), telegramToken));
        }
        if (config.webEnabled()) {
            // The MCP endpoint is served by the web server, behind its rules: made first, mounted before the server
            // listens, and opened (started) after it, so that it also stops first.
            AtomicReference<WebServer> web = new AtomicReference<>();
            McpAdapter mcp = McpAdapter.overHttp(application.jobs(), () -> web.get().uri());
            adapters.add(() -> {
                WebServer server = new WebServer(new WebSettings(config.webHost(), config.webPort(),
                        environment.get("IMAGINE_API_KEY")), application.jobs(), application::health,
                        application.metricsPage());
                server.mount(McpAdapter.PATH, mcp.servlet());
                web.set(server);
                return server;
            });
            adapters.add(() -> mcp);
        }
        return adapters;
    }
}
