package dev.imagine.bot.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.JobService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local playground and the JSON API over the same {@link JobService} as the chat adapters, plus
 * {@code /healthz} and {@code /metrics}. It is the "web" platform's {@code ReplySink}.
 *
 * <pre>{@code
 * WebServer web = WebServer.start(new WebSettings("127.0.0.1", 8080, System.getenv("IMAGINE_API_KEY")),
 *         jobService, () -> new HealthReport(true, jobService.workerAlive(), Map.of()), metrics::scrape);
 * }</pre>
 *
 * Register it before {@code jobService.start()} so that resumed web jobs report to it: {@code start} does that.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    static final String PLATFORM = "web";
    static final int MAX_REMEMBERED_JOBS = 2_000;

    private final WebSettings settings;
    private final HttpServer server;
    private final ExecutorService executor;
    private final ScheduledExecutorService ticker;
    private final EventHub events;
    private final Access access;
    private final boolean loopback;
    private final List<Route> routes;
    private final Map<String, byte[]> files;

    private WebServer(WebSettings settings, JobService jobs, Supplier<HealthReport> health, Supplier<String> metrics,
                      InstantSource clock) throws IOException {
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
        this.access = new Access(settings.apiKey());
        this.events = new EventHub(jobs, clock, settings.eventRetention(), MAX_REMEMBERED_JOBS);
        this.files = Map.of(
                "/", resource("index.html"),
                "/app.js", resource("app.js"),
                "/app.css", resource("app.css"),
                "/api/openapi.yaml", resource("openapi.yaml"));
        Api api = new Api(jobs, events, Objects.requireNonNull(health, "health"),
                Objects.requireNonNull(metrics, "metrics"), settings.hasApiKey());
        this.routes = List.of(
                new Route("GET", "/", false, r -> file(r, "/", "text/html; charset=utf-8")),
                new Route("GET", "/app.js", false, r -> file(r, "/app.js", "text/javascript; charset=utf-8")),
                new Route("GET", "/app.css", false, r -> file(r, "/app.css", "text/css; charset=utf-8")),
                new Route("GET", "/healthz", true, api::healthz),
                new Route("GET", "/metrics", true, api::metrics),
                new Route("GET", "/api/openapi.yaml", true,
                        r -> file(r, "/api/openapi.yaml", "application/yaml; charset=utf-8")),
                new Route("GET", "/api/info", true, api::info),
                new Route("GET", "/api/queue", true, api::queue),
                new Route("GET", "/api/jobs", true, api::myJobs),
                new Route("POST", "/api/jobs", true, api::submit),
                new Route("GET", "/api/jobs/{id}", true, api::job),
                new Route("DELETE", "/api/jobs/{id}", true, api::delete),
                new Route("GET", "/api/jobs/{id}/events", true, api::events),
                new Route("GET", "/api/jobs/{id}/images/{n}", true, api::image),
                new Route("POST", "/api/jobs/{id}/replay", true, api::replay),
                new Route("POST", "/api/jobs/{id}/reroll", true, api::reroll),
                new Route("POST", "/api/jobs/{id}/cancel", true, api::cancel));

        jobs.registerSink(PLATFORM, events);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.server = HttpServer.create(new InetSocketAddress(address, settings.port()), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "imagine-web-events");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleWithFixedDelay(() -> {
            try {
                events.tick();
            } catch (RuntimeException e) {
                LOG.warn("updating live job events failed", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
        LOG.info("playground and API at http://{}:{}/ ({})", hostForUrl(settings.host()), port(),
                settings.hasApiKey() ? "API key required" : "loopback only, no API key");
    }

    /**
     * Starts listening and registers the web adapter with {@code jobs} for platform "web".
     *
     * @param health  called on every {@code GET /healthz}; 200 when {@link HealthReport#healthy()}, else 503
     * @param metrics called on every {@code GET /metrics}: the Prometheus text exposition
     * @throws IllegalStateException when asked to listen beyond loopback without an API key (the message says what
     *                               to do), or the port is taken
     */
    public static WebServer start(WebSettings settings, JobService jobs, Supplier<HealthReport> health,
                                  Supplier<String> metrics) {
        return start(settings, jobs, health, metrics, InstantSource.system());
    }

    static WebServer start(WebSettings settings, JobService jobs, Supplier<HealthReport> health,
                           Supplier<String> metrics, InstantSource clock) {
        try {
            return new WebServer(settings, jobs, health, metrics, clock);
        } catch (java.net.BindException e) {
            throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port() + ": "
                    + e.getMessage() + " (is another Imagine running? pick another port)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the web server on " + settings.host() + ":"
                    + settings.port(), e);
        }
    }

    /** The port it listens on (the chosen one when the settings said 0). */
    public int port() {
        return server.getAddress().getPort();
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

    /** Ends open event streams and stops listening. */
    @Override
    public void close() {
        ticker.shutdownNow();
        events.close();
        server.stop(1);
        executor.shutdownNow();
        LOG.info("playground and API stopped");
    }

    // ---- request handling ----

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getPath();
            Request bare = new Request(exchange, Map.of(), null);
            securityHeaders(exchange);
            try {
                if (loopback && !Access.loopbackHost(exchange.getRequestHeaders().getFirst("Host"))) {
                    bare.error(403, "this Imagine answers only to localhost, 127.0.0.1 or [::1]");
                    return;
                }
                boolean api = path.startsWith("/api/") || path.equals("/api");
                if (api && !access.authorized(exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Cookie"), method.equals("GET"))) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"imagine\"");
                    bare.error(401, "this Imagine needs its API key: send Authorization: Bearer <key>");
                    return;
                }
                if (!method.equals("GET") && !method.equals("HEAD") && !sameOrigin(exchange)) {
                    bare.error(403, "requests from other web sites are not accepted");
                    return;
                }
                List<Route> samePath = new ArrayList<>();
                for (Route route : routes) {
                    Map<String, String> params = route.match(path);
                    if (params == null) {
                        continue;
                    }
                    samePath.add(route);
                    if (route.method().equals(method)) {
                        User user = api || path.equals("/") ? user(exchange) : null;
                        route.handler().handle(new Request(exchange, params, user));
                        return;
                    }
                }
                if (!samePath.isEmpty()) {
                    exchange.getResponseHeaders().set("Allow",
                            samePath.stream().map(Route::method).collect(Collectors.joining(", ")));
                    bare.error(405, method + " is not allowed on " + path);
                } else {
                    bare.error(404, "nothing at " + path + (api ? "; see /api/openapi.yaml" : ""));
                }
            } catch (Request.Failure failure) {
                bare.error(failure.status, failure.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                LOG.debug("{} {}: the connection ended early: {}", method, path, e.toString());
            } catch (Exception e) {
                LOG.error("{} {} failed", method, path, e);
                try {
                    bare.error(500, "something went wrong on the server; the log says what");
                } catch (IOException | RuntimeException ignored) {
                    // The response had already begun.
                }
            }
        }
    }

    /** The browser's anonymous user; a browser without the cookie gets a new id (and the cookie) now. */
    private User user(HttpExchange exchange) {
        String id = Access.userId(exchange.getRequestHeaders().getFirst("Cookie")).orElse(null);
        if (id == null) {
            id = access.newUserId();
            exchange.getResponseHeaders().add("Set-Cookie", Access.userCookie(id));
        }
        return new User(PLATFORM, id, "you");
    }

    /** Requests that change something must not come from another site's page (a missing Origin is a non-browser). */
    private static boolean sameOrigin(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin == null) {
            return true;
        }
        String host = exchange.getRequestHeaders().getFirst("Host");
        try {
            URI uri = URI.create(origin);
            String originHost = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
            return host != null && originHost.equalsIgnoreCase(host.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void securityHeaders(HttpExchange exchange) {
        var headers = exchange.getResponseHeaders();
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; "
                + "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'");
    }

    private void file(Request request, String name, String contentType) throws IOException {
        // The page ("/") got its anonymous id cookie with it, before its first API call.
        request.header("Cache-Control", "no-cache");
        request.send(200, contentType, files.get(name));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = WebServer.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                throw new IOException("web/" + name + " is missing from the application's resources");
            }
            return in.readAllBytes();
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
