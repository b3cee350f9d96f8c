package dev.imagine.bot.config;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.Defaults;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.PromptSyntax;
import dev.imagine.bot.queue.Preemption;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.safety.SafetyPolicy;
import dev.imagine.bot.safety.SafetySettings;
import dev.imagine.pipeline.Precision;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The validated configuration: every key of {@link ConfigSchema}, with its default where the file said nothing. */
public final class ImagineConfig {
    private final Map<String, Object> values;

    ImagineConfig(Map<String, Object> values) {
        this.values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }

    @SuppressWarnings("unchecked")
    <T> T get(String path) {
        if (!values.containsKey(path)) {
            throw new IllegalArgumentException("no config key " + path);
        }
        return (T) values.get(path);
    }

    /** Every key with its value, for `config check`. */
    public Map<String, Object> values() {
        return values;
    }

    public String modelRepository() {
        return get("model.repository");
    }

    public String modelRevision() {
        return get("model.revision");
    }

    public Optional<Path> modelFolder() {
        return Optional.ofNullable(get("model.folder"));
    }

    public Optional<Path> modelCacheDir() {
        return Optional.ofNullable(get("model.cache-dir"));
    }

    /** The TAESD repository[@revision] to fetch for decoder: fast, or empty when it is turned off. */
    public Optional<String> fastDecoderRepository() {
        return Optional.ofNullable(get("model.fast-decoder"));
    }

    public Optional<Path> fastDecoderFolder() {
        return Optional.ofNullable(get("model.fast-decoder-folder"));
    }

    /** The super-resolution network for Upscale 2x (plain and detailed), when one is installed. */
    public Optional<Path> upscalerFolder() {
        return Optional.ofNullable(get("model.upscaler-folder"));
    }

    /** 0 means: the physical cores. */
    public int threads() {
        return get("model.threads");
    }

    /** The UNet's arithmetic: FP32 (the default) or INT8. */
    public Precision precision() {
        return Precision.parse(get("model.precision"));
    }

    /** The full VAE decoder's arithmetic: FP32 (the default) or INT8. */
    public Precision decoderPrecision() {
        return Precision.parse(get("model.decoder-precision"));
    }

    /** Whether the UNet of the other precision is loaded too, so that a web request may ask for either. */
    public boolean comparePrecision() {
        return get("model.compare-precision");
    }

    public Limits limits() {
        return new Limits(get("limits.max-steps"), get("limits.max-side"), get("limits.max-count"),
                get("limits.max-prompt-length"));
    }

    public Defaults defaults() {
        double guidance = get("defaults.guidance");
        return new Defaults(get("defaults.steps"), (ImageSize) get("defaults.size"), (float) guidance,
                get("defaults.count"), Decoder.parse(get("defaults.decoder")),
                PromptSyntax.parse(get("defaults.prompt-syntax")));
    }

    public QueueSettings queueSettings() {
        return new QueueSettings(get("queue.per-user-limit"), get("queue.total-limit"), get("queue.usage-half-life"),
                (double) get("queue.aging-rate"),
                new Preemption((double) get("queue.preemption-margin"), get("queue.max-preemptions-per-job")));
    }

    /** True for queue.backend: redis (the queue, the job store and the leases are shared through Redis). */
    public boolean redisBackend() {
        return "redis".equals(get("queue.backend"));
    }

    /** redis.url, unless REDIS_URL says otherwise; the text may hold a password (never log it: see redacted). */
    public String redisUrl(Map<String, String> environment) {
        String override = environment.get("REDIS_URL");
        if (override != null && !override.isBlank()) {
            return override.trim();
        }
        return get("redis.url");
    }

    /** Where {@link #redisUrl} came from, for error messages. */
    public String redisUrlSource(Map<String, String> environment) {
        String override = environment.get("REDIS_URL");
        return override != null && !override.isBlank() ? "REDIS_URL" : "redis.url";
    }

    public long redisCacheBytes() {
        return (long) (int) get("redis.cache-mb") << 20;
    }

    public boolean workerEnabled() {
        return get("worker.enabled");
    }

    /** A URL with {@code ***} in place of its password, for display. */
    public static String redactPassword(String url) {
        return url.replaceFirst("(?i)^([a-z][a-z0-9+.-]*://)([^:@/]*):[^@/]*@", "$1$2:***@")
                .replaceFirst("(?i)^([a-z][a-z0-9+.-]*://)[^:@/]+@", "$1***@");
    }

    public Duration jobTimeout() {
        return get("queue.job-timeout");
    }

    public long cacheMemoryBytes() {
        return (long) (int) get("cache.memory-mb") << 20;
    }

    public long cacheDiskBytes() {
        return (long) (int) get("cache.disk-mb") << 20;
    }

    /**
     * The data folder: the given one, else $XDG_DATA_HOME/imagine, else ~/.local/share/imagine, where ~ is $HOME as
     * in a shell (the JVM's user.home ignores HOME; it is used only when HOME is unset).
     */
    public Path dataDir(Map<String, String> environment) {
        Path configured = get("data.dir");
        if (configured != null) {
            return configured;
        }
        String xdg = environment.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "imagine");
        }
        return ConfigLoader.homeFolder(environment).resolve(".local").resolve("share").resolve("imagine");
    }

    /** The safety section; {@link ConfigLoader} has checked that its keys fit together. */
    public SafetySettings safety() {
        double threshold = get("safety.threshold");
        return new SafetySettings(Optional.ofNullable(get("safety.classifier")),
                Optional.ofNullable(get("safety.classifier-folder")), get("safety.label"), threshold,
                SafetyPolicy.parse(get("safety.policy")));
    }

    /**
     * People who may moderate every community (user keys such as discord:1234); {@link ConfigLoader} has checked
     * that each names a Discord or Telegram user by id.
     */
    public List<String> operators() {
        List<String> operators = get("moderation.operators");
        for (String operator : operators) {
            if (!operator.matches("(discord|telegram):\\d{1,20}")) {
                throw new IllegalArgumentException("'moderation.operators' has '" + operator + "'; write each as"
                        + " platform:user-id, such as discord:123456789012345678 or telegram:12345678 (the numeric"
                        + " id, not the name)");
            }
        }
        return operators;
    }

    public int ratePictures() {
        return get("rate-limit.pictures");
    }

    public Duration rateWindow() {
        return get("rate-limit.window");
    }

    public Duration auditRetention() {
        return get("audit.retention");
    }

    public URI discordRestUrl() {
        return get("discord.rest-url");
    }

    public URI discordGatewayUrl() {
        return get("discord.gateway-url");
    }

    public List<String> discordTestGuilds() {
        return get("discord.test-guilds");
    }

    public Duration discordProgressInterval() {
        return get("discord.progress-interval");
    }

    /** telegram.api-url, unless TELEGRAM_API_URL says otherwise. */
    public URI telegramApiUrl(Map<String, String> environment) {
        String override = environment.get("TELEGRAM_API_URL");
        if (override != null && !override.isBlank()) {
            if (!override.matches("(?i)https?://\\S+")) {
                throw new ConfigException("TELEGRAM_API_URL must be an http(s):// URL, got '" + override + "'");
            }
            return URI.create(override.trim());
        }
        return get("telegram.api-url");
    }

    public boolean webEnabled() {
        return get("web.enabled");
    }

    public String webHost() {
        return get("web.host");
    }

    public int webPort() {
        return get("web.port");
    }

    public Duration shutdownGrace() {
        return get("shutdown.grace");
    }

    /** The key/value listing `config check` prints: every key, its value, and whether it is the default. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        for (ConfigKey key : ConfigSchema.KEYS) {
            Object value = values.get(key.path());
            String shown = ConfigLoader.display(value);
            text.append(key.path()).append(" = ").append(key.path().equals("redis.url") ? redactPassword(shown) : shown);
            if (java.util.Objects.equals(value, key.defaultValue())) {
                text.append("  (default)");
            }
            text.append('\n');
        }
        return text.toString();
    }
}
