package dev.imagine.bot.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.User;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobState;
import dev.imagine.bot.testing.McpResults;
import dev.imagine.bot.testing.Pictures;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.bot.testing.RecordingTransport;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imagine's MCP server over streamable HTTP, end to end: the SDK's own client against /mcp on the web server, the real
 * job service and the small fixture model.
 */
class McpHttpTest {

    @TempDir
    static Path data;
    static TinyMcp imagine;

    @BeforeAll
    static void start() {
        imagine = TinyMcp.start(data, TinyMcp.KEY);
    }

    @AfterAll
    static void stop() {
        imagine.close();
    }

    private static McpSyncClient client(String name) {
        return TinyMcp.client(imagine.transport(), name, progress -> { });
    }

    @Test
    @SuppressWarnings("unchecked")
    void listTools_namesEveryToolWithItsArgumentsSchemaAndADescription() {
        try (McpSyncClient client = client("lister")) {
            List<McpSchema.Tool> tools = client.listTools().tools();

            assertThat(tools).extracting(McpSchema.Tool::name)
                    .containsExactly("imagine", "same_seed", "reroll", "queue", "info");
            assertThat(tools).allSatisfy(tool -> {
                assertThat(tool.description()).isNotBlank();
                assertThat(tool.inputSchema()).containsEntry("type", "object")
                        .containsEntry("additionalProperties", false);
            });
            McpSchema.Tool draw = tools.getFirst();
            Map<String, Object> properties = (Map<String, Object>) draw.inputSchema().get("properties");
            assertThat(properties).containsOnlyKeys("prompt", "seed", "steps", "size", "guidance", "count",
                    "decoder", "prompt-syntax", "image", "source_job", "source_image", "strength", "mask");
            assertThat((Map<String, Object>) properties.get("image")).containsEntry("contentEncoding", "base64");
            assertThat((Map<String, Object>) properties.get("prompt-syntax"))
                    .containsEntry("enum", List.of("a1111", "plain")).containsEntry("default", "a1111");
            assertThat((Map<String, Object>) properties.get("steps")).containsEntry("maximum", 8)
                    .containsEntry("default", 2).containsKey("description");
            assertThat((Map<String, Object>) properties.get("decoder")).containsEntry("enum", List.of("full"));
            assertThat((List<String>) draw.inputSchema().get("required")).containsExactly("prompt");
            assertThat(tools.get(1).inputSchema().get("required")).isEqualTo(List.of("job_id"));
        }
    }

    @Test
    void imagine_drawsOnTheModel_withProgress_andAnswersWithThePngItsCaptionAndTheApiImageLink() throws Exception {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        McpAsyncClient client = TinyMcp.clientRecordingProgressInWireOrder(imagine.transport(), "drawer", progress);
        try {
            CallToolResult answer = client.callTool(CallToolRequest.builder("imagine")
                    .arguments(Map.of("prompt", "a lighthouse at dusk", "seed", 42, "steps", 2, "size", "256x256"))
                    .progressToken("draw-1").build()).block(Duration.ofSeconds(60));

            assertThat(answer.isError()).as(McpResults.text(answer)).isNotEqualTo(Boolean.TRUE);
            byte[] png = McpResults.pngs(answer).getFirst();
            assertThat(png).startsWith(0x89, 'P', 'N', 'G');
            assertThat(Pngs.promptOf(png)).isEqualTo("a lighthouse at dusk");
            String id = McpResults.jobId(answer);
            assertThat(McpResults.text(answer)).contains("\"a lighthouse at dusk\"").contains("seed 42")
                    .contains("2 steps").contains("256x256").contains("same_seed");
            McpSchema.ResourceLink link = McpResults.links(answer).getFirst();
            assertThat(link.uri()).isEqualTo(imagine.base() + "/api/jobs/" + id + "/images/0");
            assertThat(link.mimeType()).isEqualTo("image/png");
            HttpResponse<byte[]> fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link.uri()))
                    .header("Authorization", "Bearer " + TinyMcp.KEY).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(fetched.body()).isEqualTo(png);

            assertThat(progress).isNotEmpty().allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("draw-1"));
            assertThat(progress).extracting(McpSchema.ProgressNotification::progress).isSorted()
                    .doesNotHaveDuplicates();
            assertThat(progress).extracting(McpSchema.ProgressNotification::message)
                    .contains("Drawing… step 1/2", "Drawing… step 2/2");
            assertThat(progress.getLast().progress()).isEqualTo(progress.getLast().total());
            assertThat(imagine.jobs.job(id).orElseThrow().owner().key()).isEqualTo("mcp:drawer");
        } finally {
            client.closeGracefully().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void imagine_drawsFromAPictureSentInBase64_andInpaintsItsResult_keepingEveryPixelOutsideTheMask()
            throws Exception {
        try (McpSyncClient client = client("painter")) {
            CallToolResult fromPhoto = client.callTool(CallToolRequest.builder("imagine")
                    .arguments(Map.of("prompt", "a watercolour of it", "image", "data:image/png;base64,"
                            + Base64.getEncoder().encodeToString(Pictures.png(256, 256)), "strength", 0.6, "steps", 2,
                            "seed", 7)).build());
            assertThat(fromPhoto.isError()).as(McpResults.text(fromPhoto)).isNotEqualTo(Boolean.TRUE);
            byte[] drawn = McpResults.pngs(fromPhoto).getFirst();
            assertThat(Pngs.parametersOf(drawn)).contains("Denoising strength: 0.6");

            CallToolResult painted = client.callTool(CallToolRequest.builder("imagine")
                    .arguments(Map.of("prompt", "a red door", "source_job", McpResults.jobId(fromPhoto),
                            "mask", Base64.getEncoder().encodeToString(Pictures.mask(256, 256, 96, 96, 160, 160)),
                            "steps", 2,
                            "seed", 5)).build());
            assertThat(painted.isError()).as(McpResults.text(painted)).isNotEqualTo(Boolean.TRUE);
            byte[] inpainted = McpResults.pngs(painted).getFirst();
            assertThat(Pngs.parametersOf(inpainted)).contains("Mask blur: 4");
            BufferedImage before = ImageIO.read(new ByteArrayInputStream(drawn));
            BufferedImage after = ImageIO.read(new ByteArrayInputStream(inpainted));
            int changedInside = 0;
            for (int y = 0; y < 256; y++) {
                for (int x = 0; x < 256; x++) {
                    boolean farFromTheSquare = x < 64 || x >= 192 || y < 64 || y >= 192;
                    if (farFromTheSquare) {
                        assertThat(after.getRGB(x, y)).as("pixel (%d, %d)", x, y).isEqualTo(before.getRGB(x, y));
                    } else if (after.getRGB(x, y) != before.getRGB(x, y)) {
                        changedInside++;
                    }
                }
            }
            assertThat(changedInside).as("pixels redrawn in the square").isPositive();
        }
    }

    @Test
    void aToolCallLargerThanAMegabyte_isRead_soThatAPictureFitsInIt() throws Exception {
        try (McpSyncClient client = client("large")) {
            byte[] noise = new byte[3_000_000];
            new java.util.Random(1).nextBytes(noise);

            CallToolResult answer = client.callTool(CallToolRequest.builder("imagine")
                    .arguments(Map.of("prompt", "it", "image", Base64.getEncoder().encodeToString(noise))).build());

            assertThat(answer.isError()).isTrue();
            assertThat(McpResults.text(answer)).as("read whole, then refused as no picture")
                    .contains("this file is not a picture Imagine can read");
        }
    }

    @Test
    void sameSeed_onAnEarlierJob_givesTheSameBytes_andReroll_anotherSeed() {
        try (McpSyncClient client = client("replayer")) {
            CallToolResult first = client.callTool(CallToolRequest.builder("imagine")
                    .arguments(Map.of("prompt", "a red fox in snow", "seed", 7, "size", "256x256")).build());
            String id = McpResults.jobId(first);

            CallToolResult same = client.callTool(CallToolRequest.builder("same_seed")
                    .arguments(Map.of("job_id", id)).build());
            CallToolResult reroll = client.callTool(CallToolRequest.builder("reroll")
                    .arguments(Map.of("job_id", id)).build());

            assertThat(McpResults.pngs(same)).singleElement().isEqualTo(McpResults.pngs(first).getFirst());
            assertThat(McpResults.jobId(same)).isNotEqualTo(id);
            assertThat(McpResults.text(reroll)).contains("a red fox in snow").doesNotContain("seed 7 ");
            assertThat(McpResults.pngs(reroll)).singleElement().isNotEqualTo(McpResults.pngs(first).getFirst());
        }
    }

    @Test
    void refusals_areToolErrorsThatSayWhatToChange() {
        try (McpSyncClient client = client("refused")) {
            assertRefused(client, "imagine", Map.of("prompt", "a fox", "size", "500x500"),
                    "width 500 must be a multiple of 8 from 256 to 1024");
            assertRefused(client, "imagine", Map.of("prompt", "a fox", "steps", 50),
                    "steps 50 is outside 1 to 8");
            assertRefused(client, "imagine", Map.of("prompt", "a fox", "steps", "many"),
                    "steps must be a whole number from 1 to 8, got 'many'");
            assertRefused(client, "imagine", Map.of("prompt", "a fox", "stepz", 4),
                    "'stepz' is not an argument of this tool; the arguments are prompt, seed, steps");
            assertRefused(client, "imagine", Map.of("seed", 4), "prompt is required");
            assertRefused(client, "same_seed", Map.of("job_id", "abcdefghij"), "can't find that picture");
            assertRefused(client, "reroll", Map.of("job_id", "x"), "job_id must be the id of an earlier picture");
        }
        assertThat(imagine.jobs.jobsOf(new User("mcp", "refused", "refused"), 10)).isEmpty();
    }

    private static void assertRefused(McpSyncClient client, String tool, Map<String, Object> arguments,
                                      String saying) {
        CallToolResult answer = client.callTool(CallToolRequest.builder(tool).arguments(arguments).build());
        assertThat(answer.isError()).as(tool + " " + arguments).isTrue();
        assertThat(McpResults.text(answer)).contains(saying);
        assertThat(McpResults.pngs(answer)).isEmpty();
    }

    @Test
    void aCancelledToolCall_cancelsItsJob() throws Exception {
        CountDownLatch queued = new CountDownLatch(1);
        RecordingTransport transport = new RecordingTransport(imagine.transport());
        try (AutoCloseable hold = imagine.holdWorker(); McpSyncClient client = TinyMcp.client(transport, "canceller", p -> {
            if (p.message().startsWith("Queued")) {
                queued.countDown();
            }
        })) {
            CompletableFuture<CallToolResult> answer = McpResults.inBackground(() -> client.callTool(
                    CallToolRequest.builder("imagine").arguments(Map.of("prompt", "a fox that never comes"))
                            .progressToken("cancel-me").build()));
            assertThat(queued.await(30, TimeUnit.SECONDS)).as("told its place in the queue").isTrue();

            transport.cancel(transport.toolCallIds.getLast(), "the person changed their mind");

            CallToolResult result = answer.get(30, TimeUnit.SECONDS);
            assertThat(result.isError()).isTrue();
            assertThat(McpResults.text(result)).startsWith("Cancelled");
            Job job = imagine.jobs.jobsOf(new User("mcp", "canceller", "canceller"), 1).getFirst();
            assertThat(job.state()).isEqualTo(JobState.CANCELLED);
        }
    }

    @Test
    void aClientThatDropsTheStreamOfItsWaitingCall_hasTheJobCancelled() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> init = http.send(mcpPost(null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":"
                + "\"dropper\",\"version\":\"1\"}}}"), HttpResponse.BodyHandlers.ofString());
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        http.send(mcpPost(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                HttpResponse.BodyHandlers.discarding());
        try (AutoCloseable hold = imagine.holdWorker()) {
            HttpResponse<InputStream> call = http.send(mcpPost(session, "{\"jsonrpc\":\"2.0\",\"id\":2,"
                    + "\"method\":\"tools/call\",\"params\":{\"name\":\"imagine\",\"arguments\":{\"prompt\":"
                    + "\"a dropped fox\"},\"_meta\":{\"progressToken\":\"p\"}}}"), HttpResponse.BodyHandlers.ofInputStream());
            BufferedReader events = new BufferedReader(new InputStreamReader(call.body(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = events.readLine()) != null && !line.contains("Queued")) {
                // up to the first news of its place in the queue
            }
            assertThat(line).as("told its place").isNotNull();

            call.body().close();

            User dropper = new User("mcp", "dropper", "dropper");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (imagine.jobs.jobsOf(dropper, 1).getFirst().state() != JobState.CANCELLED
                    && System.nanoTime() < deadline) {
                Thread.sleep(TinyMcp.QUEUE_NEWS.toMillis());
            }
            assertThat(imagine.jobs.jobsOf(dropper, 1).getFirst().state()).isEqualTo(JobState.CANCELLED);
        }
    }

    private static HttpRequest mcpPost(String session, String body) {
        return mcpPost(session, body, "2025-06-18");
    }

    private static HttpRequest mcpPost(String session, String body, String protocolVersion) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(imagine.base() + "/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + TinyMcp.KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session);
            request.header("MCP-Protocol-Version", protocolVersion);
        }
        return request.build();
    }

    @Test
    void eachClient_isAPersonOfItsOwnInTheQueue_withTheSameCapsAsEveryone() throws Exception {
        User greedy = new User("mcp", "greedy-agent", "Greedy Agent");
        try (AutoCloseable hold = imagine.holdWorker(); McpSyncClient client = client("Greedy Agent")) {
            assertThat(McpResults.text(client.callTool(CallToolRequest.builder("info").arguments(Map.of()).build())))
                    .contains("You are mcp:greedy-agent");
            List<CompletableFuture<CallToolResult>> waiting = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                waiting.add(McpResults.inBackground(() -> client.callTool(CallToolRequest.builder("imagine")
                        .arguments(Map.of("prompt", "greedy picture " + n)).build())));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (imagine.jobs.queueView().placesOf(greedy).size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            CallToolResult fourth = client.callTool(CallToolRequest.builder("imagine")
                    .arguments(Map.of("prompt", "one too many")).build());

            assertThat(fourth.isError()).isTrue();
            assertThat(McpResults.text(fourth)).contains("You already have 3 jobs waiting");
            assertThat(McpResults.text(client.callTool(CallToolRequest.builder("queue").arguments(Map.of()).build())))
                    .contains("#1: \"greedy picture").contains("waiting in all");
            hold.close();
            for (CompletableFuture<CallToolResult> answer : waiting) {
                assertThat(McpResults.pngs(answer.get(60, TimeUnit.SECONDS))).hasSize(1);
            }
        }
    }

    @Test
    void theEndpoint_keepsTheJsonApisRules_theKeyAndNoOtherSitesPage() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
        Supplier<HttpRequest.Builder> post = () -> HttpRequest.newBuilder(URI.create(imagine.base() + "/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(initialize));

        HttpResponse<String> noKey = http.send(post.get().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> otherSite = http.send(post.get().header("Authorization", "Bearer " + TinyMcp.KEY)
                .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrongKey = http.send(post.get().header("Authorization", "Bearer not-the-key")
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> otherSitesStream = http.send(HttpRequest.newBuilder(URI.create(imagine.base() + "/mcp"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + TinyMcp.KEY)
                .header("Origin", "http://evil.example").GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> good = http.send(post.get().header("Authorization", "Bearer " + TinyMcp.KEY).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(noKey.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"imagine\"");
        assertThat(wrongKey.statusCode()).isEqualTo(401);
        assertThat(otherSite.statusCode()).isEqualTo(403);
        assertThat(otherSitesStream.statusCode()).as("a stream opened from another site's page").isEqualTo(403);
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(good.headers().firstValue("Mcp-Session-Id")).isPresent();
        assertThat(good.body()).contains("\"name\":\"imagine\"");
    }

    /**
     * The transport rules of the MCP specification (2025-11-25, "Transports" and "Lifecycle") that a client relies
     * on, as a client without the SDK sees them: version negotiation, the session header, the protocol version
     * header, ending a session, and notifications answered 202 with no body.
     */
    @Test
    void theStreamableHttpTransport_followsTheSpecificationsSessionAndVersionRules() throws Exception {
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> asked0618 = http.send(mcpPost(null, initialize("2025-06-18", "raw-spec")),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> askedFuture = http.send(mcpPost(null, initialize("2099-01-01", "raw-future")),
                HttpResponse.BodyHandlers.ofString());
        assertThat(asked0618.statusCode()).isEqualTo(200);
        assertThat(asked0618.body()).contains("\"protocolVersion\":\"2025-06-18\"");
        assertThat(askedFuture.statusCode()).isEqualTo(200);
        assertThat(askedFuture.body()).contains("\"protocolVersion\":\"2025-11-25\"");
        String session = asked0618.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(session).matches("[\\x21-\\x7E]+");

        HttpResponse<String> initialized = http.send(mcpPost(session,
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"), HttpResponse.BodyHandlers.ofString());
        assertThat(initialized.statusCode()).isEqualTo(202);
        assertThat(initialized.body()).isEmpty();
        String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
        HttpResponse<String> listed = http.send(mcpPost(session, list), HttpResponse.BodyHandlers.ofString());
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).contains("\"id\":2").contains("\"name\":\"same_seed\"");

        HttpResponse<String> withoutSession = http.send(mcpPost(null, list), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> unknownSession = http.send(mcpPost("no-such-session", list),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> unsupportedVersion = http.send(mcpPost(session, list, "2099-01-01"),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> malformedVersion = http.send(mcpPost(session, list, "not-a-version"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withoutSession.statusCode()).isEqualTo(400);
        assertThat(unknownSession.statusCode()).isEqualTo(404);
        assertThat(unsupportedVersion.statusCode()).isEqualTo(400);
        assertThat(malformedVersion.statusCode()).isEqualTo(400);

        HttpResponse<String> ended = http.send(HttpRequest.newBuilder(URI.create(imagine.base() + "/mcp"))
                .header("Authorization", "Bearer " + TinyMcp.KEY).header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "2025-06-18").DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ended.statusCode()).isBetween(200, 204);
        assertThat(http.send(mcpPost(session, list), HttpResponse.BodyHandlers.ofString()).statusCode())
                .as("a request in an ended session").isEqualTo(404);
    }

    private static String initialize(String version, String client) {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                + version + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"" + client + "\",\"version\":\"1\"}}}";
    }
}
