package dev.imagine.bot.web;

import dev.imagine.bot.command.User;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request of the playground and the API: who may ask (one Host, loopback names or the API key, the page's own
 * origin), which route answers (HEAD answers as GET without the body; another method is a 405 with Allow), failures
 * as JSON in our words, and the time of each request by route template in {@code http_server_requests_seconds}.
 */
final class Dispatcher extends HttpServlet {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH",
            "OPTIONS", "TRACE", "CONNECT");

    /** The request attribute that holds the route template (or NOT_FOUND, REFUSED...) for the HTTP metrics. */
    private static final String ROUTE = "imagine.route";

    private final transient List<Route> routes;
    private final transient Access access;
    private final boolean loopback;
    private final transient MeterRegistry meters;

    Dispatcher(List<Route> routes, Access access, boolean loopback, MeterRegistry meters) {
        this.routes = routes;
        this.access = access;
        this.loopback = loopback;
        this.meters = meters;
    }

    @Override
    protected void service(HttpServletRequest http, HttpServletResponse response) throws IOException {
        long started = System.nanoTime();
        String method = http.getMethod();
        String path = http.getServletPath() + Objects.requireNonNullElse(http.getPathInfo(), "");
        Request bare = new Request(http, response, Map.of(), null);
        securityHeaders(response);
        try {
            dispatch(http, response, method, path, bare);
        } catch (Request.Failure failure) {
            bare.error(failure.status, failure.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (EofException e) {
            LOG.debug("{} {}: the client went away: {}", method, path, e.toString());
        } catch (IOException e) {
            LOG.debug("{} {}: the connection ended early: {}", method, path, e.toString());
        } catch (Exception e) {
            LOG.error("{} {} failed", method, path, e);
            bare.error(500, "something went wrong on the server; the log says what");
        } finally {
            int status = response.getStatus();
            Object template = Objects.requireNonNullElse(http.getAttribute(ROUTE), "UNKNOWN");
            Timer.builder("http.server.requests").description("HTTP requests to the playground and the API, by route.")
                    .tag("method", KNOWN_METHODS.contains(method) ? method : "OTHER")
                    .tag("uri", template.toString())
                    .tag("status", Integer.toString(status))
                    .tag("outcome", outcome(status))
                    .register(meters).record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** Answers the request, and notes in {@link #ROUTE} the route template it went to, or what refused it. */
    private void dispatch(HttpServletRequest http, HttpServletResponse response, String method, String path,
                            Request bare) throws Exception {
        Optional<Request.Failure> hostRefusal = HostGate.refusal(http, loopback);
        if (hostRefusal.isPresent()) {
            bare.error(hostRefusal.get().status, hostRefusal.get().getMessage());
            http.setAttribute(ROUTE, "REFUSED");
            return;
        }
        String host = http.getHeader("Host");
        boolean api = path.startsWith("/api/") || path.equals("/api");
        if (api && !access.authorized(http.getHeader("Authorization"), http.getHeader("Cookie"),
                method.equals("GET") || method.equals("HEAD"))) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"imagine\"");
            bare.error(401, "this Imagine needs its API key: send Authorization: Bearer <key>");
            http.setAttribute(ROUTE, "REFUSED");
            return;
        }
        boolean safe = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        if (!safe && !Access.sameOrigin(http.getHeader("Origin"), host, HostGate.scheme(http))) {
            bare.error(403, "requests from other web sites are not accepted");
            http.setAttribute(ROUTE, "REFUSED");
            return;
        }
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Map<String, String> params = route.match(path);
            if (params == null) {
                continue;
            }
            allowed.add(route.method());
            if (route.method().equals("GET")) {
                allowed.add("HEAD");
            }
            if (route.method().equals(method) || (method.equals("HEAD") && route.method().equals("GET"))) {
                User user = api || path.equals("/") ? user(http, response) : null;
                http.setAttribute(ROUTE, route.template());
                // Beyond loopback, the client's address is a fair share too: a new cookie is not a new one.
                String share = api && !loopback ? ClientAddress.shareKey(http.getRemoteAddr()) : null;
                route.handler().handle(new Request(http, response, params, user, share));
                return;
            }
        }
        if (allowed.isEmpty()) {
            bare.error(404, "nothing at " + path + (api ? "; see /api/openapi.yaml" : ""));
            http.setAttribute(ROUTE, "NOT_FOUND");
            return;
        }
        allowed.add("OPTIONS");
        response.setHeader("Allow", String.join(", ", allowed));
        if (method.equals("OPTIONS")) {
            response.setStatus(204);
            http.setAttribute(ROUTE, "OPTIONS");
            return;
        }
        bare.error(405, method + " is not allowed on " + path + "; use " + String.join(", ", new ArrayList<>(allowed)));
        http.setAttribute(ROUTE, "METHOD_NOT_ALLOWED");
    }

    /** The browser's anonymous user; a browser without the cookie gets a new id (and the cookie) now. */
    private User user(HttpServletRequest http, HttpServletResponse response) {
        String id = Access.userId(http.getHeader("Cookie")).orElse(null);
        if (id == null) {
            id = access.newUserId();
            response.addHeader("Set-Cookie", Access.userCookie(id));
        }
        return new User(WebServer.PLATFORM, id, "you");
    }

    private static void securityHeaders(HttpServletResponse response) {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; "
                + "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'");
    }

    private static String outcome(int status) {
        return switch (status / 100) {
            case 1 -> "INFORMATIONAL";
            case 2 -> "SUCCESS";
            case 3 -> "REDIRECTION";
            case 4 -> "CLIENT_ERROR";
            case 5 -> "SERVER_ERROR";
            default -> "UNKNOWN";
        };
    }
}
