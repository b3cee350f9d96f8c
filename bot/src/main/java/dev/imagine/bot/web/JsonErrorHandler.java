package dev.imagine.bot.web;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers what Jetty itself refuses (malformed framing, duplicate Host, oversized headers, a body that stopped
 * arriving, an ambiguous path) the way the API answers everything else: a JSON {@code {"error": "..."}} in our
 * words, never an HTML page, a stack trace or an exception's name.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        Object cause = request.getAttribute(ERROR_EXCEPTION);
        if (cause instanceof HttpException http) {
            status = http.getCode();
            response.setStatus(status);
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (HttpStatus.hasNoBody(status) || "HEAD".equals(request.getMethod())) {
            callback.succeeded();
            return true;
        }
        byte[] body = StrictJson.write(Views.error(message(status)));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    static String message(int status) {
        return switch (status) {
            case 400 -> "the request is not well-formed HTTP/1.1 (a header, the request line, the length or a chunk"
                    + " size is wrong, or the Host header is missing or given twice)";
            case 408 -> "the request did not arrive in time; send it whole, promptly";
            case 413 -> "the request is too large";
            case 414 -> "the address is too long";
            case 431 -> "the request's headers are too large";
            case 404 -> "nothing at this address; see /api/openapi.yaml";
            case 405 -> "this method is not allowed here";
            case 505 -> "only HTTP/1.1 and HTTP/1.0 are spoken here";
            default -> status >= 500 ? "something went wrong on the server; the log says what"
                    : "the request was refused (" + status + " " + HttpStatus.getMessage(status) + ")";
        };
    }
}
