package dev.imagine.bot.web;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import dev.imagine.bot.command.User;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

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

    final HttpExchange exchange;
    final Map<String, String> params;
    final User user;

    Request(HttpExchange exchange, Map<String, String> params, User user) {
        this.exchange = exchange;
        this.params = params;
        this.user = user;
    }

    String param(String name) {
        return params.get(name);
    }

    String query(String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The body as a JSON object; a wrong content type, size or syntax ends the request with a clear 4xx. */
    JsonObject jsonBody() throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new Failure(415, "send the request as JSON with Content-Type: application/json");
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            throw new Failure(413, "the request body is larger than " + MAX_BODY + " bytes");
        }
        try {
            JsonElement json = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            if (!json.isJsonObject()) {
                throw new Failure(400, "the body must be a JSON object such as {\"prompt\": \"a lighthouse at dusk\"}");
            }
            return json.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new Failure(400, "the body is not valid JSON: " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    void json(int status, JsonElement body) throws IOException {
        send(status, "application/json; charset=utf-8", body.toString().getBytes(StandardCharsets.UTF_8));
    }

    void error(int status, String message) throws IOException {
        json(status, Views.error(message));
    }

    void send(int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    void header(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }
}
