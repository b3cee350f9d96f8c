package dev.imagine.bot.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every key config.yaml may hold, with its default and its meaning. config.yaml at the root documents the same. */
final class ConfigSchema {
    private ConfigSchema() {
    }

    static final List<ConfigKey> KEYS = List.of(
            ConfigKey.string("model.repository", "SimianLuo/LCM_Dreamshaper_v7",
                    "Hugging Face repository of the model (ONNX files in the optimum layout)."),
            ConfigKey.string("model.revision", "a85df6a8bd976cdd08b4fd8f3b73f229c9e54df5",
                    "Commit (or branch) of the repository; a commit makes the cached copy immutable."),
            ConfigKey.path("model.folder",
                    "A local model folder to use instead of the hub (same as --model)."),
            ConfigKey.path("model.cache-dir",
                    "Where downloaded models live (default: $XDG_CACHE_HOME/imagine/models or ~/.cache/imagine/models)."),
            ConfigKey.optionalString("model.fast-decoder", "deinferno/taesd-onnx@main",
                    "Hub repository[@revision] of the tiny TAESD decoder for decoder: fast; empty for none."),
            ConfigKey.path("model.fast-decoder-folder",
                    "A local TAESD decoder folder (with vae_decoder/model.onnx) instead of the hub."),
            ConfigKey.path("model.upscaler-folder",
                    "The Upscale network: a folder with model.onnx (Real-ESRGAN's realesr-general-x4v3, made by"
                            + " tools/upscaler/convert.py); empty: no upscaling."),
            ConfigKey.integer("model.threads", 0, 0, 256,
                    "Threads ONNX Runtime uses inside one operator; 0 means the physical cores."),
            ConfigKey.choice("model.precision", "fp32", List.of("fp32", "int8"),
                    "The UNet's arithmetic: fp32 (pictures equal diffusers') or int8 (a quantized copy prepared"
                            + " beside the model on first start: faster, slightly different pixels)."),
            ConfigKey.choice("model.decoder-precision", "fp32", List.of("fp32", "int8"),
                    "The full VAE decoder's arithmetic: fp32 or int8 (a quantized copy prepared beside the model on"
                            + " first start: decodes faster, costs some pixel accuracy; TAESD is not affected)."),
            ConfigKey.bool("model.compare-precision", false,
                    "Also load the UNet of the other precision (prepared first if needed), so that the playground"
                            + " and the web API can draw fp32 and int8 side by side; costs a second UNet's memory."),
            ConfigKey.integer("limits.max-steps", 8, 1, 8, "Most denoising steps a request may ask for."),
            ConfigKey.integer("limits.max-side", 1024, 256, 1024, "Largest width or height in pixels."),
            ConfigKey.integer("limits.max-count", 4, 1, 4, "Most images one request may ask for."),
            ConfigKey.integer("limits.max-prompt-length", 1000, 1, 100_000, "Longest prompt, in characters."),
            ConfigKey.integer("defaults.steps", 4, 1, 8, "Steps when a request does not say."),
            ConfigKey.size("defaults.size", "512x512", "Size when a request does not say."),
            ConfigKey.number("defaults.guidance", 8.0, 1.0, 20.0, "Guidance scale when a request does not say."),
            ConfigKey.integer("defaults.count", 1, 1, 4, "Images per request when a request does not say."),
            ConfigKey.choice("defaults.decoder", "full", List.of("full", "fast"),
                    "Decoder when a request does not say: full (the SD VAE) or fast (TAESD)."),
            ConfigKey.choice("defaults.prompt-syntax", "a1111", List.of("a1111", "plain"),
                    "How prompts are read: a1111 (AUTOMATIC1111's (word:1.2), [word], BREAK, long prompts in chunks)"
                            + " or plain (the text as written, cut after 75 tokens, as diffusers reads it)."),
            ConfigKey.integer("queue.per-user-limit", 3, 1, 100, "Most waiting jobs one person may have."),
            ConfigKey.integer("queue.total-limit", 50, 1, 100_000, "Most waiting jobs in all."),
            ConfigKey.duration("queue.usage-half-life", "1h", Duration.ofMinutes(1), Duration.ofDays(30),
                    "How fast a person's recent usage is forgotten in the fair-share order."),
            ConfigKey.number("queue.aging-rate", 0.5, 0.0, 100.0,
                    "Seconds of usage forgiven per second of waiting, so nobody waits forever."),
            ConfigKey.number("queue.preemption-margin", 120.0, 0.0, 1_000_000.0,
                    "Seconds of usage by which a waiting person must be ahead of the running job's owner before that"
                            + " job pauses at a step boundary to let them through."),
            ConfigKey.integer("queue.max-preemptions-per-job", 1, 0, 100,
                    "How often one job may be paused that way; 0 turns preemption off."),
            ConfigKey.duration("queue.job-timeout", "10m", Duration.ofSeconds(10), Duration.ofHours(6),
                    "A job still running after this long is given up."),
            ConfigKey.choice("queue.backend", "embedded", List.of("embedded", "redis"),
                    "Where the queue, the job store and the leases live: embedded (this process, one machine) or redis"
                            + " (shared by one bot and any number of workers on other machines; see redis.url)."),
            ConfigKey.string("redis.url", "redis://127.0.0.1:6379",
                    "The Redis of queue.backend: redis, as redis://[:password@]host:port[/db] or rediss:// for TLS;"
                            + " REDIS_URL overrides it. A password in it is never shown or logged."),
            ConfigKey.integer("redis.cache-mb", 256, 0, 1_048_576,
                    "With queue.backend: redis, the Redis memory for results shared by every process, in MiB (least"
                            + " recently used removed first; cache.disk-mb is then unused)."),
            ConfigKey.bool("worker.enabled", true,
                    "Draw pictures in this process. false: only admit jobs, for workers elsewhere to draw (needs"
                            + " queue.backend: redis)."),
            ConfigKey.integer("cache.memory-mb", 256, 0, 1_048_576, "Memory for recent results, in MiB."),
            ConfigKey.integer("cache.disk-mb", 2048, 0, 104_857_600,
                    "Disk for results kept across restarts, in MiB (oldest removed first)."),
            ConfigKey.path("data.dir",
                    "Job store and result cache (default: $XDG_DATA_HOME/imagine or ~/.local/share/imagine)."),
            ConfigKey.optionalString("safety.classifier",
                    "onnx-community/nsfw_image_detection-ONNX@1ceb3c7fe1e9f3f2507e6df577437f23a9149fd5",
                    "Hub repository[@revision] of the picture classifier (a Hugging Face image-classification export"
                            + " to ONNX), fetched and verified with the model; empty for none."),
            ConfigKey.path("safety.classifier-folder",
                    "A local classifier folder (model.onnx, config.json, preprocessor_config.json) instead of the hub."),
            ConfigKey.string("safety.label", "nsfw", "The classifier's label that means NSFW (case-insensitive)."),
            ConfigKey.number("safety.threshold", 0.5, 0.0, 1.0,
                    "A picture is flagged when that label's probability is above this."),
            ConfigKey.choice("safety.policy", "spoiler", List.of("allow", "spoiler", "blur", "refuse"),
                    "What happens to a flagged picture; a community's admins can tighten it for their community."),
            ConfigKey.stringList("moderation.operators",
                    "People who may moderate every community, as platform:user-id (discord:1234, telegram:5678)."),
            ConfigKey.integer("rate-limit.pictures", 20, 0, 100_000,
                    "Most pictures one person may ask for per window (a burst, then a steady pace); 0 turns it off."
                            + " Communities can lower it."),
            ConfigKey.duration("rate-limit.window", "10m", Duration.ofMinutes(1), Duration.ofDays(1),
                    "The window of rate-limit.pictures."),
            ConfigKey.duration("audit.retention", "90d", Duration.ofDays(1), Duration.ofDays(3650),
                    "How long the audit log (moderation actions, refusals for policy) is kept, in data.dir/audit."),
            ConfigKey.url("discord.rest-url", "https://discord.com/api/v10/",
                    "Discord REST API base URL (a proxy or a test server may stand in)."),
            ConfigKey.url("discord.gateway-url", "wss://gateway.discord.gg/", "Discord gateway URL."),
            ConfigKey.stringList("discord.test-guilds",
                    "Server ids that also get the commands registered per server (they update instantly)."),
            ConfigKey.duration("discord.progress-interval", "2s", Duration.ofSeconds(1), Duration.ofMinutes(5),
                    "Least time between two progress edits of one message."),
            ConfigKey.url("telegram.api-url", "https://api.telegram.org",
                    "Telegram Bot API server (a self-hosted one may stand in); TELEGRAM_API_URL overrides it."),
            ConfigKey.bool("web.enabled", true, "Serve the local playground, the JSON API, the MCP server for AI"
                    + " assistants (/mcp), /healthz and /metrics."),
            ConfigKey.string("web.host", "127.0.0.1",
                    "Address to listen on; anything but loopback requires IMAGINE_API_KEY in the environment."),
            ConfigKey.integer("web.port", 8080, 0, 65_535, "Port of the playground and API (0 picks a free one)."),
            ConfigKey.duration("shutdown.grace", "30s", Duration.ZERO, Duration.ofHours(1),
                    "On SIGTERM, how long the running job may finish before it is stopped and kept for the next start."));

    static final Map<String, ConfigKey> BY_PATH;

    static {
        Map<String, ConfigKey> byPath = new LinkedHashMap<>();
        for (ConfigKey key : KEYS) {
            byPath.put(key.path(), key);
        }
        BY_PATH = Map.copyOf(byPath);
    }

    /** Keys that look like secrets: they must come from the environment, never from the file. */
    static final Map<String, String> SECRETS = Map.of(
            "discord.token", "DISCORD_TOKEN",
            "telegram.token", "TELEGRAM_BOT_TOKEN",
            "telegram.bot-token", "TELEGRAM_BOT_TOKEN",
            "web.api-key", "IMAGINE_API_KEY",
            "model.token", "HF_TOKEN",
            "model.hf-token", "HF_TOKEN");
}
