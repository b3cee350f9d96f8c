package dev.imagine.bot.web;

import dev.imagine.bot.command.User;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;

/** One HTTP exchange with its route parameters and the person asking. */
final class Request {
    static final int MAX_BODY = 64 * 1024;

    /** Ends a request early with a status and a JSON error message. */
    static final class Failure extends RuntimeException {
        final int status;

        Failure(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    final HttpServletRequest http;
    final HttpServletResponse response;
    final Map<String, String> params;
    final User user;
    /** The client's fair share on the open web API ({@link ClientAddress}); null on loopback. */
    final String shareKey;

    Request(HttpServletRequest http, HttpServletResponse response, Map<String, String> params, User user) {
        this(http, response, params, user, null);
    }

    Request(HttpServletRequest http, HttpServletResponse response, Map<String, String> params, User user,
            String shareKey) {
        this.http = http;
        this.response = response;
        this.params = params;
        this.user = user;
        this.shareKey = shareKey;
    }

    String param(String name) {
        return params.get(name);
    }

    boolean head() {
        return http.getMethod().equals("HEAD");
    }

    /** A query parameter (read from the query string alone, never from a form body). */
    String query(String name) {
        String query = http.getQueryString();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                try {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new Failure(400, "the query parameter " + name + " is not well-formed (a stray %?)");
                }
            }
        }
        return null;
    }

    /**
     * The body bound to {@code type}; a wrong content type, size, framing or JSON ends the request with a clear 4xx.
     *
     * @see StrictJson#read
     */
    <T> T jsonBody(Class<T> type, Map<String, String> fields, String example) throws IOException {
        String contentType = http.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new Failure(415, "send the request as JSON with Content-Type: application/json");
        }
        if (http.getContentLengthLong() > MAX_BODY) {
            throw new Failure(413, "the request body is larger than " + MAX_BODY + " bytes");
        }
        byte[] body;
        try (InputStream in = http.getInputStream()) {
            body = in.readNBytes(MAX_BODY + 1);
        } catch (IOException | RuntimeException e) {
            throw readFailure(e);
        }
        if (body.length > MAX_BODY) {
            throw new Failure(413, "the request body is larger than " + MAX_BODY + " bytes");
        }
        return StrictJson.read(body, type, fields, example);
    }

    /**
     * A body that stopped arriving, or came too slowly, is a 408, a malformed one (such as a bad chunk size) a 400;
     * a client that went away is rethrown.
     */
    private static RuntimeException readFailure(Exception e) throws IOException {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException || cause instanceof HttpException http && http.getCode() == 408) {
                return new Failure(408, "the request body did not arrive in time (it stalled, or came slower than "
                        + WebServer.MIN_BODY_BYTES_PER_SECOND + " bytes a second); send it whole, promptly");
            }
            if (cause instanceof HttpException http) {
                return new Failure(http.getCode(), http.getCode() == 400
                        ? "the request body is not well-formed HTTP/1.1 (check Content-Length and the chunk sizes)"
                        : JsonErrorHandler.message(http.getCode()));
            }
        }
        if (e instanceof IOException io) {
            throw io;
        }
        return (RuntimeException) e;
    }

    void json(int status, Object body) throws IOException {
        send(status, "application/json; charset=utf-8", StrictJson.write(body));
    }

    void error(int status, String message) throws IOException {
        json(status, Views.error(message));
    }

    /** Sends a whole response; HEAD gets the same status and headers without the body. */
    void send(int status, String contentType, byte[] body) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setContentType(contentType);
        response.setContentLength(body.length);
        if (head() || body.length == 0) {
            return;
        }
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }

    void header(String name, String value) {
        response.setHeader(name, value);
    }
}
