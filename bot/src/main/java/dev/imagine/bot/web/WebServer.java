package dev.imagine.bot.web;

import dev.imagine.bot.job.Adapter;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.ReplySink;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local playground and the JSON API over the same {@link JobService} as the chat adapters, plus
 * {@code /healthz} and {@code /metrics}. It is the "web" platform's {@link Adapter}: its {@link #sink()} turns job
 * news into server-sent events.
 *
 * <pre>{@code
 * WebServer web = new WebServer(new WebSettings("127.0.0.1", 8080, System.getenv("IMAGINE_API_KEY")), jobService,
 *         health, metricsPage);
 * jobService.registerSink(web.platform(), web.sink());
 * web.start();
 * }</pre>
 *
 * <p>It runs on Jetty 12 (a maintained server that times out slow clients, answers malformed framing with 400 and
 * bounds open connections) with one ee10 servlet context: the {@link Dispatcher} servlet at {@code /} serves every
 * route, and another servlet (such as an MCP transport at {@code /mcp}) can be added to {@link #context} beside it.
 * Handlers run on virtual threads, so an event stream that waits costs no platform thread. The routes live with their
 * resource: {@link JobRoutes}, {@link EventStream}, {@link ServiceRoutes}.
 */
public final class WebServer implements Adapter {
    /** How long a stop waits for open requests and streams before it closes them. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    static final String PLATFORM = "web";
    static final int MAX_REMEMBERED_JOBS = 2_000;
    /** The slowest a request body may arrive (any real client, even on a poor mobile link, is far faster). */
    static final long MIN_BODY_BYTES_PER_SECOND = 1_024;

    private final WebSettings settings;
    private final Server server;
    private final ServerConnector connector;
    private final ServletContextHandler context;
    private final Access access;
    private final boolean loopback;
    private final ExecutorService requests;
    private final ScheduledExecutorService ticker;
    private final EventHub events;
    private final List<Route> routes;
    private final Map<String, byte[]> files;
    private final boolean operationsOnly;

    /**
     * Prepares the server; {@link #start()} listens.
     *
     * @param health  called on every {@code GET /healthz}: 200 when it says "ok", else 503
     * @param metrics what {@code GET /metrics} shows; the server adds its HTTP, connection and executor meters to its
     *                registry
     * @throws IllegalStateException when asked to listen beyond loopback without an API key, or with one too short
     *                               (the message says what to do)
     */
    public WebServer(WebSettings settings, JobService jobs, Supplier<HealthReport> health, MetricsPage metrics) {
        this(settings, jobs, health, metrics, InstantSource.system(), false);
    }

    /**
     * A server of {@code /healthz} and {@code /metrics} alone, for a process that only draws ({@code imagine.jar
     * worker}): no playground, no API. Its {@link #sink()} must not be registered: web jobs are told elsewhere.
     */
    public static WebServer operationsOnly(WebSettings settings, JobService jobs, Supplier<HealthReport> health,
                                           MetricsPage metrics) {
        return new WebServer(settings, jobs, health, metrics, InstantSource.system(), true);
    }

    WebServer(WebSettings settings, JobService jobs, Supplier<HealthReport> health, MetricsPage metrics,
              InstantSource clock) {
        this(settings, jobs, health, metrics, clock, false);
    }

    private WebServer(WebSettings settings, JobService jobs, Supplier<HealthReport> health, MetricsPage metrics,
                      InstantSource clock, boolean operationsOnly) {
        this.settings = settings;
        InetAddress address = address(settings.host());
        this.loopback = address.isLoopbackAddress();
        if (!loopback && !settings.hasApiKey()) {
            throw new IllegalStateException("Imagine will not listen on " + settings.host() + " without an API key:"
                    + " anyone who can reach this machine could use it. Set IMAGINE_API_KEY to a secret of at least "
                    + Access.MIN_KEY_LENGTH + " characters (clients then send \"Authorization: Bearer <key>\"), or"
                    + " listen on 127.0.0.1.");
        }
        if (settings.hasApiKey() && settings.apiKey().length() < Access.MIN_KEY_LENGTH) {
            throw new IllegalStateException("IMAGINE_API_KEY is too short: use at least " + Access.MIN_KEY_LENGTH
                    + " characters (for example the output of: openssl rand -hex 24).");
        }
        Objects.requireNonNull(metrics, "metrics");
        this.events = new EventHub(jobs, clock, settings.eventRetention(), MAX_REMEMBERED_JOBS);
        this.files = Map.of(
                "/", resource("index.html"),
                "/app.js", resource("app.js"),
                "/app.css", resource("app.css"),
                "/api/openapi.yaml", resource("openapi.yaml"));
        ServiceRoutes service = new ServiceRoutes(jobs, Objects.requireNonNull(health, "health"), metrics,
                settings.hasApiKey());
        Access access = new Access(settings.apiKey());
        List<Route> all = new ArrayList<>();
        if (operationsOnly) {
            all.addAll(service.operations());
        } else {
            all.addAll(playgroundAndApi(jobs, service, access));
        }
        this.routes = List.copyOf(all);
        this.operationsOnly = operationsOnly;

        var registry = metrics.registry();
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("imagine-web");
        this.requests = Executors.newVirtualThreadPerTaskExecutor();
        // Timed as a plain Executor: a virtual thread per task has no pool size or queue to report.
        Executor perTask = requests::execute;
        threads.setVirtualThreadsExecutor(ExecutorServiceMetrics.monitor(registry, perTask, "imagine.web.requests"));
        this.server = new Server(threads);
        server.setStopTimeout(STOP_TIMEOUT.toMillis());
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // A body dripped a byte at a time keeps resetting the idle timeout; a floor on its rate ends that too.
        http.setMinRequestDataRate(MIN_BODY_BYTES_PER_SECOND);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(address.getHostAddress());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.idleTimeout().toMillis());
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(settings.maxConnections(), connector));
        JsonErrorHandler errors = new JsonErrorHandler();
        server.setErrorHandler(errors);
        this.context = new ServletContextHandler("/", ServletContextHandler.NO_SESSIONS);
        context.setErrorHandler(errors);
        this.access = access;
        ServletHolder dispatcher = new ServletHolder("imagine", new Dispatcher(routes, access, loopback, registry));
        // Pictures to start from arrive as multipart/form-data (UploadForm).
        dispatcher.getRegistration().setMultipartConfig(UploadForm.CONFIG);
        context.addServlet(dispatcher, "/");
        server.setHandler(context);
        new JettyServerThreadPoolMetrics(threads, Tags.empty()).bindTo(registry);
        JettyConnectionMetrics.addToAllConnectors(server, registry);
        this.ticker = ExecutorServiceMetrics.monitor(registry, new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "imagine-web-events");
            thread.setDaemon(true);
            return thread;
        }), "imagine.web.events");
    }

    /** The playground's files, the API and the operators' routes. */
    private List<Route> playgroundAndApi(JobService jobs, ServiceRoutes service, Access access) {
        List<Route> all = new ArrayList<>(List.of(
                new Route("GET", "/", false, r -> file(r, "/", "text/html; charset=utf-8")),
                new Route("GET", "/app.js", false, r -> file(r, "/app.js", "text/javascript; charset=utf-8")),
                new Route("GET", "/app.css", false, r -> file(r, "/app.css", "text/css; charset=utf-8"))));
        all.addAll(service.operations());
        all.add(new Route("GET", "/api/openapi.yaml", true,
                r -> file(r, "/api/openapi.yaml", "application/yaml; charset=utf-8")));
        all.addAll(service.api());
        all.addAll(new JobRoutes(jobs, events).routes());
        all.addAll(new ModerationRoutes(jobs, access, new Answers(jobs, events), events).routes());
        all.add(new EventStream(jobs, events).route());
        return all;
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    /** The live job events of web jobs; register it with the job service before its worker starts. */
    @Override
    public ReplySink sink() {
        return events;
    }

    /**
     * Starts listening.
     *
     * @throws IllegalStateException when the port is taken (the message says so)
     */
    @Override
    public void start() {
        try {
            server.start();
        } catch (Exception e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof BindException bind) {
                    throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port()
                            + ": " + bind.getMessage() + " (is another Imagine running? pick another port)", e);
                }
            }
            throw new UncheckedIOException("cannot start the web server on " + settings.host() + ":"
                    + settings.port(), e instanceof IOException io ? io : new IOException(e));
        }
        ticker.scheduleWithFixedDelay(() -> {
            try {
                events.tick();
            } catch (RuntimeException e) {
                LOG.warn("updating live job events failed", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
        LOG.info("{} at {} ({})", operationsOnly ? "health and metrics" : "playground and API", uri(),
                settings.hasApiKey() ? "API key required" : "loopback only, no API key");
    }

    /** True while it listens. */
    @Override
    public boolean connected() {
        return server.isStarted() && connector.isOpen();
    }

    /** The line the product tests read to find the playground: keep its form. */
    @Override
    public String readyLine() {
        if (operationsOnly) {
            return "Health and metrics: " + uri() + "healthz, " + uri() + "metrics";
        }
        return "Playground and API: " + uri() + "  (health: " + uri() + "healthz, metrics: " + uri() + "metrics)";
    }

    /** The port it listens on (the chosen one when the settings said 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The playground's address, such as {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        return URI.create("http://" + hostForUrl(settings.host()) + ":" + port() + "/");
    }

    /** Every route it serves (the OpenAPI test compares them with openapi.yaml). */
    List<Route> routes() {
        return routes;
    }

    EventHub events() {
        return events;
    }

    /**
     * Serves {@code servlet} at {@code path} (an exact path such as {@code /mcp}) beside the playground, behind the
     * JSON API's rules ({@link MountedServlet}): the loopback host names, the API key, no other site's page. It may
     * answer asynchronously (a stream of server-sent events). Call it before {@link #start()}.
     */
    public void mount(String path, HttpServlet servlet) {
        if (server.isStarted()) {
            throw new IllegalStateException("mount " + path + " before the web server starts");
        }
        ServletHolder holder = new ServletHolder(path, new MountedServlet(servlet, access, loopback));
        holder.setAsyncSupported(true);
        context.addServlet(holder, path);
    }

    /** Ends open event streams and stops listening. */
    @Override
    public void close() {
        if (ticker.isShutdown()) {
            return;
        }
        ticker.shutdownNow();
        events.close();
        try {
            server.stop();
        } catch (TimeoutException e) {
            // Not a fault: a client kept a stream open (an MCP client's, an event stream) past the graceful stop,
            // and Jetty closed it.
            LOG.info("connections still open {} ms after the stop began were closed", STOP_TIMEOUT.toMillis());
        } catch (Exception e) {
            LOG.warn("stopping the web server: {}", e.toString());
        }
        requests.shutdownNow();
        LOG.info("playground and API stopped");
    }

    // ---- files ----

    private void file(Request request, String name, String contentType) throws IOException {
        // The page ("/") got its anonymous id cookie with it, before its first API call.
        request.header("Cache-Control", "no-cache");
        request.send(200, contentType, files.get(name));
    }

    private static byte[] resource(String name) {
        try (InputStream in = WebServer.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("web/" + name + " is missing from the application's resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("web/" + name + " could not be read", e);
        }
    }

    private static InetAddress address(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("web host '" + host + "' is not an address of this machine", e);
        }
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
