package dev.imagine.bot.product;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.testing.McpResults;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.bot.testing.RecordingTransport;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's default start, {@code java -jar bot/target/imagine.jar} with {@code IMAGINE_API_KEY} set, used by an
 * assistant over streamable HTTP: the SDK's own client at the /mcp address Imagine prints, with the key, as Claude
 * Code or VS Code are configured in the README.
 */
class McpHttpIT {
    static final Duration START = Duration.ofSeconds(120);
    static final String KEY = "mcp-it-key-0123456789abcdef0123456789";
    private static final Pattern MCP_LINE = Pattern.compile("MCP server \\(streamable HTTP\\): (http://\\S+)");

    @RegisterExtension
    final TinyHubSandbox run = new TinyHubSandbox();

    @Test
    void mcpOverHttp_atTheAddressImaginePrints_listsTools_draws_givesTheSameBytesForSameSeed_refuses_andCancels()
            throws Exception {
        ImagineProcess imagine = run.start("mcp-http", Map.of("IMAGINE_API_KEY", KEY));
        URI base = imagine.awaitHealthy(START);
        Matcher printed = MCP_LINE.matcher(imagine.stderr());
        assertThat(printed.find()).as("the MCP address among the ready lines").isTrue();
        assertThat(printed.group(1)).isEqualTo(base.resolve("mcp").toString());

        McpProgress progress = new McpProgress();
        RecordingTransport transport = new RecordingTransport(HttpClientStreamableHttpTransport
                .builder(base.toString()).endpoint("/mcp")
                .httpRequestCustomizer((request, method, uri, body, context) ->
                        request.header("Authorization", "Bearer " + KEY))
                .build());
        try (McpSyncClient client = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation("VS Code", "1.0"))
                .initializationTimeout(START).requestTimeout(START)
                .progressConsumer(progress)
                .build()) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.serverInfo().name()).isEqualTo("imagine");
            assertThat(init.protocolVersion()).isIn(transport.protocolVersions());
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                    .containsExactly("imagine", "same_seed", "reroll", "queue", "info");

            CallToolResult drawn = client.callTool(CallToolRequest.builder("imagine")
                    .arguments(Map.of("prompt", "a lighthouse at dusk", "seed", 42, "steps", 2, "size", "256x256"))
                    .progressToken("first").build());
            byte[] png = McpResults.png(drawn);
            assertThat(Pngs.promptOf(png)).isEqualTo("a lighthouse at dusk");
            String id = McpResults.jobId(drawn);
            McpSchema.ResourceLink link = McpResults.links(drawn).getFirst();
            assertThat(link.uri()).isEqualTo(base.resolve("api/jobs/" + id + "/images/0").toString());
            HttpResponse<byte[]> fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link.uri()))
                    .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(fetched.body()).isEqualTo(png);
            assertThat(progress.told).filteredOn(p -> "first".equals(p.progressToken()))
                    .extracting(McpSchema.ProgressNotification::message).contains("Drawing… step 2/2");

            CallToolResult same = client.callTool(CallToolRequest.builder("same_seed")
                    .arguments(Map.of("job_id", id)).build());
            assertThat(McpResults.png(same)).isEqualTo(png);

            CallToolResult refused = client.callTool(CallToolRequest.builder("imagine")
                    .arguments(Map.of("prompt", "a fox", "size", "500x500")).build());
            assertThat(refused.isError()).isTrue();
            assertThat(McpResults.text(refused)).contains("width 500 must be a multiple of 8");
            assertThat(McpResults.text(client.callTool(CallToolRequest.builder("info").arguments(Map.of())
                    .build()))).contains("You are mcp:vs-code");

            // A slow picture is drawn; a quick one waits behind it. Both are cancelled by the client.
            progress.slowAndQuick_bothCancelledByTheClient(client, transport, START);
        }

        imagine.sigterm();
        assertThat(imagine.awaitExit(Duration.ofSeconds(60))).as("exit code of a graceful stop").isZero();
        assertThat(imagine.stderr()).doesNotContain("Exception").doesNotContain(KEY);
        assertThat(run.sandbox().crashReports()).isEmpty();
    }
}
