package dev.imagine.bot.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.User;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.testing.Engine;
import dev.imagine.bot.testing.McpResults;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.bot.testing.TinyModel;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How an MCP session ends: the client closes stdin, or Imagine stops while a call waits. */
class McpSessionEndTest {
    @TempDir
    Path data;

    /**
     * The stdio transport's rules (MCP specification, "Transports", stdio): one JSON-RPC message a line, and a client
     * ends the session by closing the server's stdin. Here a raw client on pipes, as an assistant's process sees it.
     */
    @Test
    void overStdio_closingStdinWhileAPictureWaits_cancelsIt_andEndsTheSession() throws Exception {
        TestGenerator generator = TestGenerator.over(TinyModel.shared());
        Pipe toServer = Pipe.open();
        Pipe fromServer = Pipe.open();
        CountDownLatch ended = new CountDownLatch(1);
        try (Engine engine = TinyMcp.engine(data, generator)) {
            engine.open(McpAdapter.overStdio(engine.jobs(), Channels.newInputStream(toServer.source()),
                    Channels.newOutputStream(fromServer.sink()), ended::countDown));
            engine.startWorking();
            OutputStream client = Channels.newOutputStream(toServer.sink());
            BufferedReader server = new BufferedReader(new InputStreamReader(
                    Channels.newInputStream(fromServer.source()), StandardCharsets.UTF_8));
            try (AutoCloseable hold = TinyMcp.holdWorker(engine.jobs(), generator)) {
                send(client, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                        + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"Piped\",\"version\":\"1\"}}}");
                assertThat(server.readLine()).contains("\"id\":1").contains("\"protocolVersion\":\"2025-06-18\"");
                send(client, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
                send(client, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                        + "\"imagine\",\"arguments\":{\"prompt\":\"a fox nobody waits for\"},"
                        + "\"_meta\":{\"progressToken\":7}}}");
                String line;
                while ((line = server.readLine()) != null && !line.contains("Queued")) {
                    // up to the news of its place in the queue
                }
                assertThat(line).as("told its place").contains("notifications/progress").contains("\"progressToken\":7");

                client.close();

                assertThat(ended.await(30, TimeUnit.SECONDS)).as("the end of the session noticed").isTrue();
                Job job = engine.jobs().jobsOf(new User("mcp", "piped", "Piped"), 1).getFirst();
                assertThat(job.parameters().prompt()).isEqualTo("a fox nobody waits for");
                assertThat(job.state()).isEqualTo(JobState.CANCELLED);
            }
        }
    }

    private static void send(OutputStream client, String message) throws Exception {
        client.write((message + "\n").getBytes(StandardCharsets.UTF_8));
        client.flush();
    }

    @Test
    void aCallWaitingWhenImagineStops_isToldAtOnceItsJobKeepsItsPlace_andSameSeedGivesThePictureAfterTheRestart()
            throws Exception {
        TinyMcp imagine = TinyMcp.start(data, null);
        CountDownLatch queued = new CountDownLatch(1);
        CallToolResult stopping;
        try (AutoCloseable hold = imagine.holdWorker();
             McpSyncClient client = TinyMcp.client(imagine.transport(), "patient", p -> {
                 if (p.message().startsWith("Queued")) {
                     queued.countDown();
                 }
             })) {
            CompletableFuture<CallToolResult> answer = McpResults.inBackground(() -> client.callTool(
                    CallToolRequest.builder("imagine").arguments(Map.of("prompt", "a patient fox", "seed", 5,
                            "size", "256x256")).progressToken("wait").build()));
            assertThat(queued.await(30, TimeUnit.SECONDS)).as("told its place").isTrue();

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(imagine::close, Thread::startVirtualThread);
            // Answered while the running picture still has its grace (it is held): a client is not kept waiting
            // for a picture this Imagine will not draw.
            stopping = answer.get(20, TimeUnit.SECONDS);
            hold.close();
            stopped.get(60, TimeUnit.SECONDS);
        }
        Job waiting = imagine.jobs.jobsOf(new User("mcp", "patient", "patient"), 1).getFirst();
        String id = waiting.id();
        assertThat(waiting.state()).isEqualTo(JobState.QUEUED);
        assertThat(stopping.isError()).isTrue();
        assertThat(McpResults.text(stopping)).contains("keeps its place").contains("same_seed").contains(id);

        TinyMcp restarted = TinyMcp.start(data, null);
        try (McpSyncClient client = TinyMcp.client(restarted.transport(), "patient", p -> { })) {
            CallToolResult same = client.callTool(CallToolRequest.builder("same_seed")
                    .arguments(Map.of("job_id", id)).build());
            byte[] png = McpResults.png(same);
            assertThat(Pngs.promptOf(png)).isEqualTo("a patient fox");
        } finally {
            restarted.close();
        }
    }
}
