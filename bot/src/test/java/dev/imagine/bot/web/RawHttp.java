package dev.imagine.bot.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * HTTP/1.1 spoken by hand over a socket, for what no HTTP client will send: unfinished requests, bad chunk sizes,
 * two Host headers, absolute-form targets. Every read is bounded, so a server that never answers fails the test
 * instead of hanging it.
 */
final class RawHttp {
    /** What came back: the status line (null when the server closed without answering), headers and body. */
    record Answer(String statusLine, String head, String body, boolean closed, Duration took) {
        int status() {
            return statusLine == null ? -1 : Integer.parseInt(statusLine.substring(9, 12));
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private RawHttp() {
    }

    /**
     * Sends {@code request} as is and reads until the server closes the connection, or {@code bound} passes (then
     * {@link Answer#closed()} is false and what arrived so far is returned).
     */
    static Answer exchange(int port, byte[] request, Duration bound) throws IOException {
        long started = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            boolean closed = read(socket, received, started, bound);
            return parse(received.toByteArray(), closed, Duration.ofNanos(System.nanoTime() - started));
        }
    }

    static Answer exchange(int port, String request, Duration bound) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.UTF_8), bound);
    }

    /** Reads until end of stream (true) or the bound (false); a reset counts as closed. */
    static boolean read(Socket socket, ByteArrayOutputStream into, long startedNanos, Duration bound)
            throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            long left = bound.toMillis() - (System.nanoTime() - startedNanos) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) left);
            try {
                int n = in.read(buffer);
                if (n < 0) {
                    return true;
                }
                into.write(buffer, 0, n);
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("reset")) {
                    return true;
                }
                throw e;
            }
        }
    }

    static Answer parse(byte[] bytes, boolean closed, Duration took) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.startsWith("HTTP/")) {
            return new Answer(null, "", text, closed, took);
        }
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 4);
        String statusLine = head.split("\r\n", 2)[0];
        return new Answer(statusLine, head, body, closed, took);
    }
}
