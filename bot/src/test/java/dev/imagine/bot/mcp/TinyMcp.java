package dev.imagine.bot.mcp;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.Defaults;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.JobServiceBuilder;
import dev.imagine.bot.job.JobSettings;
import dev.imagine.bot.ops.Metrics;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.Engine;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.bot.testing.TinyModel;
import dev.imagine.bot.web.HealthReport;
import dev.imagine.bot.web.MetricsPage;
import dev.imagine.bot.web.WebServer;
import dev.imagine.bot.web.WebSettings;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Mono;

/**
 * A whole Imagine for the MCP tests, wired as the application wires it: the job service on the real small fixture
 * model (256x256 pictures in well under a second), the web server on a free port with the MCP endpoint mounted at
 * /mcp, and the MCP adapter opened after it. Clients are the SDK's own.
 */
final class TinyMcp implements AutoCloseable {
    static final Defaults SMALL = new Defaults(2, new ImageSize(256, 256), 8f, 1, Decoder.FULL);
    static final String KEY = "mcp-test-key-0123456789abcdef";
    /** How often waiting calls hear their place (and so notice a client that left). */
    static final Duration QUEUE_NEWS = Duration.ofMillis(200);
    /** The prompt of the job that keeps the worker busy. */
    static final String HOLD = "hold the worker";

    final JobService jobs;
    final TestGenerator generator;
    final WebServer web;
    final McpAdapter mcp;
    private final Engine engine;
    private final Metrics metrics;
    private final String apiKey;

    private TinyMcp(Engine engine, TestGenerator generator, WebServer web, McpAdapter mcp, Metrics metrics,
                    String apiKey) {
        this.engine = engine;
        this.jobs = engine.jobs();
        this.generator = generator;
        this.web = web;
        this.mcp = mcp;
        this.metrics = metrics;
        this.apiKey = apiKey;
    }

    /** The job service and store in {@code data} on the small model drawn by {@code generator}, not yet working. */
    static Engine engine(Path data, TestGenerator generator) {
        return engine(data, generator, UnaryOperator.identity());
    }

    /** {@code more}: what the test adds to the job service (a classifier and a policy, say). */
    static Engine engine(Path data, TestGenerator generator, UnaryOperator<JobServiceBuilder> more) {
        JobSettings settings = new JobSettings(Limits.DEFAULTS, SMALL, "tiny-lcm", "fixture", Duration.ofMinutes(1),
                0.5, false);
        AtomicLong seeds = new AtomicLong(1000);
        return new Engine(data, generator, settings, QueueSettings.DEFAULTS, seeds::incrementAndGet, more);
    }

    /** With {@code apiKey} required on /mcp and /api (null: none, loopback only). */
    static TinyMcp start(Path data, String apiKey) {
        return start(data, apiKey, UnaryOperator.identity());
    }

    static TinyMcp start(Path data, String apiKey, UnaryOperator<JobServiceBuilder> more) {
        TestGenerator generator = TestGenerator.over(TinyModel.shared());
        Engine engine = engine(data, generator, more);
        JobService jobs = engine.jobs();
        Metrics metrics = new Metrics(jobs::queueLength, jobs::cacheStats);
        jobs.observe(metrics);
        try {
            AtomicReference<WebServer> server = new AtomicReference<>();
            McpAdapter mcp = McpAdapter.overHttp(jobs, () -> server.get().uri(), QUEUE_NEWS);
            WebServer web = new WebServer(new WebSettings("127.0.0.1", 0, apiKey), jobs,
                    () -> new HealthReport(true, jobs.workerAlive(), !jobs.admitting(), Map.of()),
                    new MetricsPage(metrics.registry(), Metrics.CONTENT_TYPE, metrics::scrape));
            web.mount(McpAdapter.PATH, mcp.servlet());
            server.set(engine.open(web));
            engine.open(mcp);
            engine.startWorking();
            return new TinyMcp(engine, generator, web, mcp, metrics, apiKey);
        } catch (RuntimeException e) {
            engine.close();
            metrics.close();
            throw e;
        }
    }

    String base() {
        return "http://127.0.0.1:" + web.port();
    }

    /** The SDK's streamable HTTP client transport to /mcp, with the API key when there is one. */
    McpClientTransport transport() {
        return HttpClientStreamableHttpTransport.builder(base())
                .endpoint("/mcp")
                .httpRequestCustomizer((builder, method, uri, body, context) -> {
                    if (apiKey != null) {
                        builder.header("Authorization", "Bearer " + apiKey);
                    }
                })
                .build();
    }

    /** An initialized client that introduces itself as {@code name}; progress goes to {@code progress}. */
    static McpSyncClient client(McpClientTransport transport, String name,
                                Consumer<McpSchema.ProgressNotification> progress) {
        McpSyncClient client = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation(name, "1.0"))
                .requestTimeout(Duration.ofSeconds(60))
                .progressConsumer(progress)
                .build();
        client.initialize();
        return client;
    }

    /**
     * An initialized client that adds each progress notification to {@code progress} in the order they came over the
     * wire. The SDK's sync client cannot promise that: it hands every notification to its consumer on a pool thread
     * of its own, so two can overtake each other (seen once as [1.0, 0.5, 2.0, 3.0]); an async consumer runs on the
     * thread that reads the stream.
     */
    static McpAsyncClient clientRecordingProgressInWireOrder(McpClientTransport transport, String name,
                                                            List<McpSchema.ProgressNotification> progress) {
        McpAsyncClient client = McpClient.async(transport)
                .clientInfo(new McpSchema.Implementation(name, "1.0"))
                .requestTimeout(Duration.ofSeconds(60))
                .progressConsumer(notification -> Mono.fromRunnable(() -> progress.add(notification)))
                .build();
        client.initialize().block(Duration.ofSeconds(60));
        return client;
    }

    /**
     * Keeps the worker busy with a job of someone else's until the answer is closed, so that the jobs asked for now
     * wait in the queue.
     */
    static AutoCloseable holdWorker(JobService jobs, TestGenerator generator) throws InterruptedException {
        generator.holdPrompt(HOLD);
        jobs.handle(Command.Imagine.of(Requester.direct(new User("web", "holder", "holder")), HOLD), "web");
        if (!generator.held.tryAcquire(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the held job never reached the worker");
        }
        return generator::open;
    }

    AutoCloseable holdWorker() throws InterruptedException {
        return holdWorker(jobs, generator);
    }

    @Override
    public void close() {
        engine.close();
        metrics.close();
    }
}
