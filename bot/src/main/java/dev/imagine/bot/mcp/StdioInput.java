package dev.imagine.bot.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The client's messages on stdin, one JSON-RPC message a line, passed through the {@link InboundTap} (session
 * {@code stdio}) before the SDK reads them. A line is read up to {@link ToolArguments#MAX_MESSAGE_BYTES}, the bound the SDK's stdio transport is given too. The end of input means
 * the client closed the session (the MCP stdio rules: a client ends by closing the server's stdin): then
 * {@code endOfInput} runs, once.
 */
final class StdioInput extends InputStream {
    static final String SCOPE = "stdio";
    static final int MAX_LINE_BYTES = ToolArguments.MAX_MESSAGE_BYTES;

    private final InputStream in;
    private final InboundTap tap;
    private final Runnable endOfInput;
    private byte[] buffer = new byte[0];
    private int position;
    private boolean ended;
    private boolean told;

    StdioInput(InputStream in, InboundTap tap, Runnable endOfInput) {
        this.in = in;
        this.tap = tap;
        this.endOfInput = endOfInput;
    }

    /** Reads lines until one is passed on; false at the end of input. */
    private boolean fill() throws IOException {
        while (position >= buffer.length) {
            if (ended) {
                if (!told) {
                    told = true;
                    endOfInput.run();
                }
                return false;
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (line.size() >= MAX_LINE_BYTES) {
                    throw new IOException("a message longer than " + MAX_LINE_BYTES + " bytes");
                }
                line.write(b);
            }
            if (b == -1) {
                ended = true;
                if (line.size() == 0) {
                    continue;
                }
            }
            String passed = tap.inbound(SCOPE, line.toString(StandardCharsets.UTF_8));
            if (passed != null) {
                buffer = (passed + "\n").getBytes(StandardCharsets.UTF_8);
                position = 0;
            }
        }
        return true;
    }

    @Override
    public synchronized int read() throws IOException {
        return fill() ? buffer[position++] & 0xff : -1;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, buffer.length - position);
        System.arraycopy(buffer, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
