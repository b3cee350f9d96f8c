package dev.imagine.bot.mcp;

import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.ReplyTexts;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ImageContent;
import io.modelcontextprotocol.spec.McpSchema.ResourceLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What a tool answers, as MCP content: a picture as PNG image content (the file as drawn, with its parameters in its
 * text chunk), its caption and how to draw it again, and a link to the API's image URL when the API serves it; a
 * refusal as a tool error ({@code isError}), whose text says what to change, so the assistant can fix its call.
 */
final class ToolResults {
    private ToolResults() {
    }

    /**
     * The pictures of {@code job}, in order.
     *
     * @param elapsed how long it took, or null (served from the cache at once)
     * @param apiBase the API's base URL as the client reached it ({@code http://127.0.0.1:8080/}), or null when no
     *                API serves the pictures (stdio)
     */
    static CallToolResult picture(Job job, List<byte[]> pngs, Duration elapsed, String apiBase) {
        CallToolResult.Builder result = CallToolResult.builder();
        for (byte[] png : pngs) {
            result.addContent(new ImageContent(null, Base64.getEncoder().encodeToString(png), "image/png"));
        }
        result.addTextContent(caption(job, elapsed));
        String screening = screeningNote(job, pngs.size());
        if (screening != null) {
            result.addTextContent(screening);
        }
        if (apiBase != null) {
            for (int i = 0; i < pngs.size(); i++) {
                result.addContent(ResourceLink.builder()
                        .name(ReplyTexts.fileName(job, i))
                        .uri(apiBase + "api/jobs/" + job.id() + "/images/" + i)
                        .mimeType("image/png")
                        .size((long) pngs.get(i).length)
                        .build());
            }
        }
        return result.build();
    }

    /**
     * What the picture classifier decided, when it matters to the person: an assistant shows pictures at once and has
     * no spoiler to hide one behind (the chats' way), so a flagged picture is said to be flagged; pictures the policy
     * held back are said to be missing. Null when there is nothing to say.
     */
    static String screeningNote(Job job, int shown) {
        List<String> flagged = new ArrayList<>();
        for (int i = 0; i < shown; i++) {
            if (job.spoiler(i)) {
                flagged.add(shown == 1 ? "The picture" : "Picture " + (i + 1));
            }
        }
        List<String> notes = new ArrayList<>();
        if (!flagged.isEmpty()) {
            notes.add(String.join(", ", flagged) + (flagged.size() == 1 ? " was" : " were")
                    + " flagged by the picture classifier as possibly not safe for work: show "
                    + (flagged.size() == 1 ? "it" : "them") + " only if the person wants to see "
                    + (flagged.size() == 1 ? "it" : "them") + ".");
        }
        if (job.shownCount() < job.resultKeys().size() && job.error() != null) {
            notes.add(job.error());
        }
        return notes.isEmpty() ? null : String.join("\n", notes);
    }

    /** "prompt", its details, and the job id the other tools take. */
    static String caption(Job job, Duration elapsed) {
        return "\"" + job.parameters().prompt() + "\"\n"
                + ReplyTexts.details(job, elapsed) + "\n"
                + "Job id " + job.id() + ": same_seed with this job_id draws " + (job.parameters().count() == 1
                ? "it" : "them") + " again exactly, reroll draws the same prompt with a new seed.";
    }

    /** A tool error: nothing was drawn, and {@code message} says why and what to change. */
    static CallToolResult refusal(String message) {
        return CallToolResult.builder().isError(true).addTextContent(message).build();
    }

    static CallToolResult text(String text) {
        return CallToolResult.builder().addTextContent(text).build();
    }
}
