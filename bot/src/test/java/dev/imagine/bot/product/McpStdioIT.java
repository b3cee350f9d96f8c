package dev.imagine.bot.product;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.bot.testing.McpResults;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.bot.testing.RecordingTransport;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code java -jar bot/target/imagine.jar mcp --config FILE}, as an assistant such as Claude Desktop starts it: the
 * SDK's own stdio client runs the built jar as its child process and talks to it over stdin and stdout, with the
 * shipped config.yaml (the model pointed at the fake hub's tiny model) and a home folder of its own.
 */
class McpStdioIT {
    static final Duration START = Duration.ofSeconds(120);

    @RegisterExtension
    final TinyHubSandbox run = new TinyHubSandbox();
    final List<String> stderr = new CopyOnWriteArrayList<>();

    @AfterEach
    void keepStderr() throws Exception {
        java.nio.file.Files.write(run.sandbox().logs.resolve("mcp.stderr"), stderr);
    }

    @Test
    void mcpOverStdio_listsTools_draws_givesTheSameBytesForSameSeed_refuses_andCancels() throws Exception {
        McpProgress progress = new McpProgress();
        RecordingTransport transport = new RecordingTransport(stdio());
        try (McpSyncClient client = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation("Claude Desktop", "1.0"))
                .initializationTimeout(START).requestTimeout(START)
                .progressConsumer(progress)
                .build()) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.serverInfo().name()).isEqualTo("imagine");
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                    .containsExactly("imagine", "same_seed", "reroll", "queue", "info");

            CallToolResult drawn = client.callTool(CallToolRequest.builder("imagine")
                    .arguments(Map.of("prompt", "a lighthouse at dusk", "seed", 42, "steps", 2, "size", "256x256"))
                    .progressToken("first").build());
            byte[] png = McpResults.png(drawn);
            assertThat(Pngs.promptOf(png)).isEqualTo("a lighthouse at dusk");
            assertThat(McpResults.text(drawn)).contains("seed 42").contains("256x256");
            assertThat(drawn.content()).noneMatch(McpSchema.ResourceLink.class::isInstance);
            assertThat(progress.told).filteredOn(p -> "first".equals(p.progressToken()))
                    .extracting(McpSchema.ProgressNotification::message).contains("Drawing… step 2/2");

            CallToolResult same = client.callTool(CallToolRequest.builder("same_seed")
                    .arguments(Map.of("job_id", McpResults.jobId(drawn))).build());
            assertThat(McpResults.png(same)).isEqualTo(png);

            CallToolResult refused = client.callTool(CallToolRequest.builder("imagine")
                    .arguments(Map.of("prompt", "a fox", "size", "500x500")).build());
            assertThat(refused.isError()).isTrue();
            assertThat(McpResults.text(refused)).contains("width 500 must be a multiple of 8");
            assertThat(McpResults.text(client.callTool(CallToolRequest.builder("info").arguments(Map.of()).build())))
                    .contains("You are mcp:claude-desktop");

            // A slow picture is drawn; a quick one waits behind it. Both are cancelled by the client.
            progress.slowAndQuick_bothCancelledByTheClient(client, transport, START);
        }
        assertThat(String.join("\n", stderr)).doesNotContain("Exception");
    }

    @Test
    void mcpWithModel_endsByItselfWithExitCode0WhenTheClientClosesStdin_andWritesNothingButTheProtocolOnStdout()
            throws Exception {
        Path model = ProductTests.referenceModels().resolve("tiny-lcm").toAbsolutePath();
        // ImagineProcess gives the child an empty stdin: the client "closes" it at once.
        try (ImagineProcess imagine = ImagineProcess.start(run.sandbox(), "mcp-eof", environment(), "mcp", "--config",
                run.sandbox().work.resolve("config.yaml").toString(), "--model", model.toString())) {
            assertThat(imagine.awaitExit(START)).isZero();
            assertThat(imagine.stdout()).isEmpty();
            assertThat(imagine.stderr()).contains("loaded model " + model)
                    .contains("Imagine is ready for its MCP client")
                    .contains("the MCP client closed stdin").doesNotContain("Exception");
        }
    }

    // ---- the client side ----

    private Map<String, String> environment() {
        Map<String, String> extra = new HashMap<>();
        // The child inherits the test's environment under the SDK's client; these point every default folder home.
        extra.put("XDG_CACHE_HOME", run.sandbox().home.resolve(".cache").toString());
        extra.put("XDG_DATA_HOME", run.sandbox().home.resolve(".local/share").toString());
        extra.put("XDG_CONFIG_HOME", run.sandbox().home.resolve(".config").toString());
        extra.put("XDG_STATE_HOME", run.sandbox().home.resolve(".local/state").toString());
        return run.environment(extra);
    }

    private McpClientTransport stdio() {
        ServerParameters server = ServerParameters.builder(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString())
                .args("-jar", ProductTests.jar().toString(), "mcp", "--config",
                        run.sandbox().work.resolve("config.yaml").toString())
                .env(environment())
                .build();
        StdioClientTransport transport = new StdioClientTransport(server,
                new JacksonMcpJsonMapper(new ObjectMapper()));
        transport.setStdErrorHandler(stderr::add);
        return transport;
    }
}
