package dev.imagine.bot.testing;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * An SDK client transport that notes the JSON-RPC id of every tools/call and can send what the SDK's client has no
 * API for: {@code notifications/cancelled}, the message real clients send to cancel a request (MCP specification,
 * "Cancellation": {@code params.requestId} and an optional {@code reason}).
 */
public final class RecordingTransport implements McpClientTransport {
    private final McpClientTransport delegate;
    /** The ids of the tools/call requests sent, in order. */
    public final List<Object> toolCallIds = new CopyOnWriteArrayList<>();

    public RecordingTransport(McpClientTransport delegate) {
        this.delegate = delegate;
    }

    /** Cancels request {@code requestId} as a client does. */
    public void cancel(Object requestId, String reason) {
        delegate.sendMessage(new McpSchema.JSONRPCNotification("notifications/cancelled",
                Map.of("requestId", requestId, "reason", reason))).block();
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return delegate.connect(handler);
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        delegate.setExceptionHandler(handler);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCRequest request && request.method().equals("tools/call")) {
            toolCallIds.add(request.id());
        }
        return delegate.sendMessage(message);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return delegate.closeGracefully();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return delegate.unmarshalFrom(data, typeRef);
    }

    @Override
    public List<String> protocolVersions() {
        return delegate.protocolVersions();
    }
}
