package dev.imagine.bot.web;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * A servlet of another part of Imagine served beside the playground (the MCP endpoint at {@code /mcp}), behind the
 * same rules as the JSON API: the Host rules of {@link HostGate}, the API key as {@code Authorization: Bearer <key>}
 * when one is set (never a cookie: such clients are programs, not the page), and no request from another web site's
 * page: an {@code Origin} must be this server's own, on every method, since a GET may open a stream.
 */
final class MountedServlet extends HttpServlet {
    private final transient HttpServlet inner;
    private final transient Access access;
    private final boolean loopback;

    MountedServlet(HttpServlet inner, Access access, boolean loopback) {
        this.inner = inner;
        this.access = access;
        this.loopback = loopback;
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        inner.init(config);
    }

    @Override
    public void destroy() {
        inner.destroy();
        super.destroy();
    }

    @Override
    protected void service(HttpServletRequest http, HttpServletResponse response)
            throws ServletException, IOException {
        response.setHeader("X-Content-Type-Options", "nosniff");
        Request bare = new Request(http, response, Map.of(), null);
        Optional<Request.Failure> hostRefusal = HostGate.refusal(http, loopback);
        if (hostRefusal.isPresent()) {
            bare.error(hostRefusal.get().status, hostRefusal.get().getMessage());
            return;
        }
        if (!access.authorized(http.getHeader("Authorization"), null, false)) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"imagine\"");
            bare.error(401, "this Imagine needs its API key: send Authorization: Bearer <key>");
            return;
        }
        if (!Access.sameOrigin(http.getHeader("Origin"), http.getHeader("Host"), HostGate.scheme(http))) {
            bare.error(403, "requests from other web sites are not accepted");
            return;
        }
        inner.service(http, response);
    }
}
