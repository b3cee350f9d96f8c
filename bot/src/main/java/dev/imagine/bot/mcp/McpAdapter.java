package dev.imagine.bot.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.bot.job.Adapter;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.ReplySink;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imagine as an MCP server, for AI assistants: the "mcp" platform's {@link Adapter}. Its tools
 * ({@link ImagineTools}) send the same commands as every platform to the same job service, so an assistant waits in
 * the same fair queue, with the same caps, as the person {@code mcp:<client name>} ({@link ClientIdentity}).
 *
 * <p>Two transports, from the official MCP Java SDK:
 * <ul>
 *   <li>{@link #overHttp}: streamable HTTP at {@value #PATH}, a servlet the web server serves beside the playground
 *       ({@link #servlet()}), behind the JSON API's rules (loopback host names, {@code IMAGINE_API_KEY});</li>
 *   <li>{@link #overStdio}: one client on stdin and stdout, for assistants that start Imagine as a local process
 *       ({@code imagine.jar mcp}); stdout then carries the protocol alone.</li>
 * </ul>
 * The SDK ignores {@code notifications/cancelled}; the {@link InboundTap} in front of it turns a cancel into a cancel
 * of the job.
 */
public final class McpAdapter implements Adapter {
    private static final Logger LOG = LoggerFactory.getLogger(McpAdapter.class);
    /** Where the web server serves the streamable HTTP transport. */
    public static final String PATH = "/mcp";
    /** How often a waiting call hears its place in the queue (which also notices a client that left). */
    static final Duration QUEUE_NEWS_INTERVAL = Duration.ofSeconds(5);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final JobService jobs;
    private final Duration queueNews;
    private final ObjectMapper json = new ObjectMapper();
    private final McpJsonMapper mapper = new JacksonMcpJsonMapper(json);
    private final ToolCalls calls;
    private final Cancellations cancellations = new Cancellations();
    private final InboundTap tap = new InboundTap(json, cancellations);
    private final ScheduledExecutorService ticker;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean inputEnded = new AtomicBoolean();
    private volatile McpAsyncServer server;

    // One of the two transports.
    private final HttpServletStreamableServerTransportProvider http;
    private final HttpEndpoint endpoint;
    private final Supplier<URI> playground;
    private final StdioServerTransportProvider stdio;

    private McpAdapter(JobService jobs, Supplier<URI> playground, InputStream in, OutputStream out,
                       Runnable endOfInput, Duration queueNews) {
        this.jobs = jobs;
        this.calls = new ToolCalls(jobs::admitting);
        this.queueNews = queueNews;
        this.playground = playground;
        if (in == null) {
            this.http = HttpServletStreamableServerTransportProvider.builder()
                    .jsonMapper(mapper)
                    .mcpEndpoint(PATH)
                    .maxRequestSize(HttpEndpoint.MAX_MESSAGE_BYTES)
                    .contextExtractor((HttpServletRequest request) -> McpTransportContext.create(
                            Map.of(ImagineTools.API_BASE, apiBase(request))))
                    .build();
            this.endpoint = new HttpEndpoint(http, http.protocolVersions(), tap, () -> server != null && !closed.get());
            this.stdio = null;
        } else {
            this.http = null;
            this.endpoint = null;
            this.stdio = new StdioServerTransportProvider(mapper, new StdioInput(in, tap, () -> {
                inputEnded.set(true);
                LOG.info("the MCP client closed stdin: its pictures are cancelled and Imagine stops");
                calls.cancelAll();
                endOfInput.run();
            }), out, StdioInput.MAX_LINE_BYTES);
        }
        this.ticker = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "imagine-mcp-queue-news");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The streamable HTTP transport; the web server serves {@link #servlet()} at {@value #PATH}.
     *
     * @param playground the playground's address once it listens (for the ready line)
     */
    public static McpAdapter overHttp(JobService jobs, Supplier<URI> playground) {
        return overHttp(jobs, playground, QUEUE_NEWS_INTERVAL);
    }

    /** The same, telling waiting calls their place every {@code queueNews} (tests need not wait 5 s). */
    static McpAdapter overHttp(JobService jobs, Supplier<URI> playground, Duration queueNews) {
        return new McpAdapter(jobs, playground, null, null, null, queueNews);
    }

    /**
     * One client on {@code in} and {@code out} (the process's stdin and its real stdout).
     *
     * @param endOfInput runs once when the client closes {@code in}: the session is over
     */
    public static McpAdapter overStdio(JobService jobs, InputStream in, OutputStream out, Runnable endOfInput) {
        return new McpAdapter(jobs, null, in, out, endOfInput, QUEUE_NEWS_INTERVAL);
    }

    /** The servlet of the HTTP transport, for the web server to serve at {@value #PATH}. */
    public HttpServlet servlet() {
        if (endpoint == null) {
            throw new IllegalStateException("this MCP adapter speaks over stdio, not HTTP");
        }
        return endpoint;
    }

    @Override
    public String platform() {
        return ClientIdentity.PLATFORM;
    }

    @Override
    public ReplySink sink() {
        return calls;
    }

    /** Starts the MCP server: from now on the HTTP endpoint answers, or stdin is read. */
    @Override
    public void start() {
        McpServer.AsyncSpecification<?> spec = http != null ? McpServer.async(http) : McpServer.async(stdio);
        String version = McpAdapter.class.getPackage().getImplementationVersion();
        server = spec.serverInfo(McpSchema.Implementation.builder("imagine", version == null ? "dev" : version)
                        .title("Imagine").build())
                .instructions("Imagine draws pictures from a text prompt on this computer's CPU (Stable Diffusion"
                        + " with LCM, a few seconds to a minute each), in a queue shared fairly with other people."
                        + " Use imagine to draw; each answer names a job id for same_seed (the same picture again)"
                        + " and reroll (a new seed). info says the limits and sizes, queue where pictures wait.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(mapper)
                .jsonSchemaValidator(new DefaultJsonSchemaValidator(json))
                // Imagine reads the arguments itself, to refuse in its own words what the schema would refuse in the
                // validator's.
                .validateToolInputs(false)
                .tools(new ImagineTools(jobs, calls, cancellations).all())
                .build();
        ticker.scheduleWithFixedDelay(() -> {
            try {
                calls.tellPlaces(jobs.queueView());
            } catch (RuntimeException e) {
                LOG.warn("telling MCP clients their place in the queue failed", e);
            }
        }, queueNews.toMillis(), queueNews.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("MCP server ready ({})", http != null ? "streamable HTTP at " + PATH : "stdio");
    }

    @Override
    public boolean connected() {
        return server != null && !closed.get() && !inputEnded.get();
    }

    @Override
    public String readyLine() {
        if (http != null) {
            return "MCP server (streamable HTTP): " + playground.get().resolve(PATH.substring(1));
        }
        return "MCP server on stdin and stdout (tools: imagine, same_seed, reroll, queue, info).";
    }

    /** Answers the calls still waiting (their jobs keep their place) and closes the sessions. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ticker.shutdownNow();
        calls.answerAllStopping();
        McpAsyncServer running = server;
        if (running != null) {
            try {
                running.closeGracefully().block(CLOSE_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.warn("closing the MCP sessions: {}", e.toString());
            }
        }
    }

    /** The API's base URL as this client reached it: the links to pictures must work from where the client is. */
    private static String apiBase(HttpServletRequest request) {
        String forwarded = request.getHeader("X-Forwarded-Proto");
        String scheme = forwarded != null && forwarded.strip().equalsIgnoreCase("https") ? "https"
                : request.getScheme();
        String host = request.getHeader("Host");
        if (host == null || host.isBlank()) {
            host = request.getServerName() + ":" + request.getServerPort();
        }
        return scheme + "://" + host.strip() + "/";
    }
}
