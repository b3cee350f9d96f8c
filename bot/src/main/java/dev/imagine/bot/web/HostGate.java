package dev.imagine.bot.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The first rules every request meets, whatever answers it (the playground and API, or a servlet mounted beside
 * them such as the MCP endpoint): exactly one Host header, one that agrees with the request line, and a loopback host
 * name when Imagine listens on loopback (anything else may be a DNS-rebinding attempt from another web site).
 */
final class HostGate {
    private HostGate() {
    }

    /** Why the request is refused, with its status; empty when its Host is acceptable. */
    static Optional<Request.Failure> refusal(HttpServletRequest http, boolean loopback) {
        List<String> hosts = Collections.list(http.getHeaders("Host"));
        if (hosts.size() > 1) {
            return Optional.of(new Request.Failure(400, "the request has " + hosts.size() + " Host headers; send"
                    + " exactly one"));
        }
        String host = hosts.isEmpty() ? null : hosts.getFirst();
        if (host != null && !Access.sameHost(host, http.getServerName())) {
            // An absolute-form request line ("GET http://elsewhere/...") names the host it is for: it must be us.
            return Optional.of(new Request.Failure(400, "the request line names another host than the Host header;"
                    + " send the path alone"));
        }
        if (loopback && !Access.loopbackHost(host)) {
            return Optional.of(new Request.Failure(403, "this Imagine answers only to localhost, 127.0.0.1 or"
                    + " [::1]"));
        }
        return Optional.empty();
    }

    /** The scheme the request was made with: http here, or what a TLS-terminating proxy says it used. */
    static String scheme(HttpServletRequest http) {
        String forwarded = http.getHeader("X-Forwarded-Proto");
        return forwarded != null && forwarded.strip().equalsIgnoreCase("https") ? "https" : http.getScheme();
    }
}
