package dev.imagine.bot.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/** What a test reads from a tool's answer. */
final class Results {
    private Results() {
    }

    static List<byte[]> pngs(McpSchema.CallToolResult result) {
        return result.content().stream().filter(McpSchema.ImageContent.class::isInstance)
                .map(c -> Base64.getDecoder().decode(((McpSchema.ImageContent) c).data())).toList();
    }

    static String text(McpSchema.CallToolResult result) {
        return result.content().stream().filter(McpSchema.TextContent.class::isInstance)
                .map(c -> ((McpSchema.TextContent) c).text()).collect(Collectors.joining("\n"));
    }

    static List<McpSchema.ResourceLink> links(McpSchema.CallToolResult result) {
        return result.content().stream().filter(McpSchema.ResourceLink.class::isInstance)
                .map(McpSchema.ResourceLink.class::cast).toList();
    }

    /** The job id the answer names ("Job id abcdefghij: ..."). */
    static String jobId(McpSchema.CallToolResult result) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Job id ([a-z0-9]{10})").matcher(text(result));
        if (!m.find()) {
            throw new AssertionError("no job id in: " + text(result));
        }
        return m.group(1);
    }
}
