package dev.imagine.bot.mcp;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The streamable HTTP endpoint ({@code /mcp}): the SDK's servlet, with each posted message passed through the
 * {@link InboundTap} first (the session is the {@code Mcp-Session-Id} header). A message the tap consumes (a cancel)
 * is answered 202, as the SDK answers notifications. A request after {@code initialize} that names a protocol
 * version the server does not speak is refused 400, as the specification requires and the SDK does not do
 * ({@link ProtocolVersionHeader}). Who may reach it is the web server's to check, as for the JSON
 * API. Until the MCP server is ready it answers 503.
 */
final class HttpEndpoint extends HttpServlet {
    /** The largest message a client may post: a tool call with a picture and a mask in base64. */
    static final int MAX_MESSAGE_BYTES = ToolArguments.MAX_MESSAGE_BYTES;

    private final transient HttpServlet sdk;
    private final transient InboundTap tap;
    private final transient BooleanSupplier ready;
    private final transient ProtocolVersionHeader versions;

    HttpEndpoint(HttpServlet sdk, List<String> protocolVersions, InboundTap tap, BooleanSupplier ready) {
        this.sdk = sdk;
        this.tap = tap;
        this.ready = ready;
        this.versions = new ProtocolVersionHeader(protocolVersions);
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        sdk.init(config);
    }

    @Override
    public void destroy() {
        sdk.destroy();
        super.destroy();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        if (!ready.getAsBoolean()) {
            response.setHeader("Retry-After", "5");
            response.sendError(503, "Imagine's MCP server is starting or stopping; try again in a moment");
            return;
        }
        String version = request.getHeader(ProtocolVersionHeader.NAME);
        if (!"POST".equals(request.getMethod())) {
            if (!refusedVersion(version, response)) {
                sdk.service(request, response);
            }
            return;
        }
        byte[] body = request.getInputStream().readNBytes(MAX_MESSAGE_BYTES + 1);
        if (body.length > MAX_MESSAGE_BYTES) {
            response.sendError(413, "an MCP message may be at most " + MAX_MESSAGE_BYTES + " bytes");
            return;
        }
        String message = new String(body, StandardCharsets.UTF_8);
        // Before initialize the client cannot know which version will be agreed on: that request negotiates it.
        if (!ProtocolVersionHeader.isInitialize(message) && refusedVersion(version, response)) {
            return;
        }
        String passed = tap.inbound(request.getHeader("Mcp-Session-Id"), message);
        if (passed == null) {
            response.setStatus(202);
            return;
        }
        sdk.service(new Body(request, passed == message ? body : passed.getBytes(StandardCharsets.UTF_8)),
                response);
    }

    /** Answers 400 when the request names a protocol version this server does not speak; returns whether it did. */
    private boolean refusedVersion(String version, HttpServletResponse response) throws IOException {
        String refusal = versions.refusal(version);
        if (refusal == null) {
            return false;
        }
        response.setStatus(400);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(ProtocolVersionHeader.errorBody(refusal));
        return true;
    }

    /** The request with the body the tap passed on (the SDK checks its length before reading it). */
    private static final class Body extends HttpServletRequestWrapper {
        private final byte[] body;

        Body(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is read with blocking reads");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        }
    }
}
