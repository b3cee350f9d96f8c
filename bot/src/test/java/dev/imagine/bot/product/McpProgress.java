package dev.imagine.bot.product;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.testing.McpResults;
import dev.imagine.bot.testing.RecordingTransport;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The progress an MCP client is told (its {@code progressConsumer}), and what both MCP product tests (stdio and
 * streamable HTTP) do with it at the end: a slow picture is drawn, a quick one waits behind it, and the client
 * cancels both.
 */
final class McpProgress implements Consumer<McpSchema.ProgressNotification> {
    /** A picture the tiny model needs a while for (see StopAndRestartIT): 8 steps of four 512x512 pictures. */
    static final Map<String, Object> SLOW = Map.of("prompt", "a slow lighthouse", "seed", 7, "steps", 8,
            "size", "512x512", "count", 4);

    final List<McpSchema.ProgressNotification> told = new CopyOnWriteArrayList<>();
    private final CountDownLatch slowDrawing = new CountDownLatch(1);
    private final CountDownLatch quickQueued = new CountDownLatch(1);

    @Override
    public void accept(McpSchema.ProgressNotification p) {
        told.add(p);
        if ("slow".equals(p.progressToken()) && p.message().startsWith("Drawing… step")) {
            slowDrawing.countDown();
        }
        if ("quick".equals(p.progressToken()) && p.message().startsWith("Queued")) {
            quickQueued.countDown();
        }
    }

    /** The slow picture is drawn, the quick one waits; the client cancels both and each answers "Cancelled". */
    void slowAndQuick_bothCancelledByTheClient(McpSyncClient client, RecordingTransport transport, Duration start)
            throws Exception {
        CompletableFuture<CallToolResult> slow = McpResults.inBackground(() -> client.callTool(
                CallToolRequest.builder("imagine").arguments(SLOW).progressToken("slow").build()));
        assertThat(slowDrawing.await(start.toSeconds(), TimeUnit.SECONDS)).as("the slow one is drawn").isTrue();
        Object slowId = transport.toolCallIds.getLast();
        CompletableFuture<CallToolResult> quick = McpResults.inBackground(() -> client.callTool(
                CallToolRequest.builder("imagine").arguments(Map.of("prompt", "a quick fox", "steps", 2,
                        "size", "256x256")).progressToken("quick").build()));
        assertThat(quickQueued.await(60, TimeUnit.SECONDS)).as("the quick one waits").isTrue();

        transport.cancel(transport.toolCallIds.getLast(), "not needed any more");
        CallToolResult quickAnswer = quick.get(60, TimeUnit.SECONDS);
        transport.cancel(slowId, "taking too long");
        CallToolResult slowAnswer = slow.get(60, TimeUnit.SECONDS);

        assertThat(quickAnswer.isError()).as(McpResults.text(quickAnswer)).isTrue();
        assertThat(McpResults.text(quickAnswer)).startsWith("Cancelled");
        assertThat(slowAnswer.isError()).as(McpResults.text(slowAnswer)).isTrue();
        assertThat(McpResults.text(slowAnswer)).startsWith("Cancelled");
    }
}
