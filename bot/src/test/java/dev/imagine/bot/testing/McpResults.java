package dev.imagine.bot.testing;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** What an MCP test reads from a tool's answer, and how it makes a call while it does something else. */
public final class McpResults {
    private static final Pattern JOB_ID = Pattern.compile("Job id ([a-z0-9]{10})");

    private McpResults() {
    }

    public static List<byte[]> pngs(McpSchema.CallToolResult result) {
        return result.content().stream().filter(McpSchema.ImageContent.class::isInstance)
                .map(c -> Base64.getDecoder().decode(((McpSchema.ImageContent) c).data())).toList();
    }

    /** The first picture of an answer that must not be an error (else the error's text fails the test). */
    public static byte[] png(McpSchema.CallToolResult result) {
        if (Boolean.TRUE.equals(result.isError()) || pngs(result).isEmpty()) {
            throw new AssertionError("no picture in: " + text(result));
        }
        return pngs(result).getFirst();
    }

    public static String text(McpSchema.CallToolResult result) {
        return result.content().stream().filter(McpSchema.TextContent.class::isInstance)
                .map(c -> ((McpSchema.TextContent) c).text()).collect(Collectors.joining("\n"));
    }

    public static List<McpSchema.ResourceLink> links(McpSchema.CallToolResult result) {
        return result.content().stream().filter(McpSchema.ResourceLink.class::isInstance)
                .map(McpSchema.ResourceLink.class::cast).toList();
    }

    /** The job id the answer names ("Job id abcdefghij: ..."). */
    public static String jobId(McpSchema.CallToolResult result) {
        Matcher m = JOB_ID.matcher(text(result));
        if (!m.find()) {
            throw new AssertionError("no job id in: " + text(result));
        }
        return m.group(1);
    }

    /**
     * A blocking client call on a thread of its own. Not CompletableFuture.supplyAsync: the SDK's clients answer on
     * the common ForkJoinPool, whose only worker on a 2-core machine the call would block until it times out.
     */
    public static CompletableFuture<McpSchema.CallToolResult> inBackground(
            Supplier<McpSchema.CallToolResult> call) {
        CompletableFuture<McpSchema.CallToolResult> answer = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                answer.complete(call.get());
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }
}
