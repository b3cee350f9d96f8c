package dev.imagine.bot.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees every message a client sends before the MCP SDK does, to make cancellation work. The SDK (2.2.0, the server
 * API for the 2025 protocol versions) drops {@code notifications/cancelled} with a warning and never tells a tool its
 * JSON-RPC id, so this tap
 * <ul>
 *   <li>stamps each {@code tools/call} with its call key, {@code params._meta["dev.imagine/call"]} (always overwritten,
 *       so a client cannot name another session's call), which the tool reads with {@link #callKeyOf};</li>
 *   <li>turns {@code notifications/cancelled} into {@link Cancellations#cancel} and keeps it from the SDK.</li>
 * </ul>
 * Everything else passes unchanged; what is not JSON is left for the SDK to answer.
 */
final class InboundTap {
    static final String CALL_KEY = "dev.imagine/call";
    private static final Logger LOG = LoggerFactory.getLogger(InboundTap.class);

    private final ObjectMapper json;
    private final Cancellations cancellations;

    InboundTap(ObjectMapper json, Cancellations cancellations) {
        this.json = json;
        this.cancellations = cancellations;
    }

    /**
     * The message to hand to the SDK (rewritten when it is a tool call), or null when the tap consumed it.
     *
     * @param scope the session the message belongs to ({@code Mcp-Session-Id} over HTTP, {@code stdio}); null before
     *              a session exists, when nothing is stamped or cancelled
     */
    String inbound(String scope, String message) {
        // Most messages are neither; only these two are worth parsing.
        if (scope == null || (!message.contains("tools/call") && !message.contains("notifications/cancelled"))) {
            return message;
        }
        JsonNode node;
        try {
            node = json.readTree(message);
        } catch (JsonProcessingException e) {
            return message;
        }
        if (!(node instanceof ObjectNode object) || !object.path("method").isTextual()) {
            return message;
        }
        String method = object.get("method").asText();
        if (method.equals("tools/call") && object.hasNonNull("id") && object.get("params") instanceof ObjectNode p) {
            ObjectNode meta = p.get("_meta") instanceof ObjectNode existing ? existing : p.putObject("_meta");
            meta.put(CALL_KEY, Cancellations.key(scope, object.get("id").toString()));
            return object.toString();
        }
        if (method.equals("notifications/cancelled") && !object.has("id")) {
            JsonNode requestId = object.path("params").get("requestId");
            if (requestId != null) {
                boolean running = cancellations.cancel(Cancellations.key(scope, requestId.toString()));
                LOG.debug("the client cancelled its request {} ({})", requestId, running ? "running" : "not running");
            }
            return null;
        }
        return message;
    }

    /** The call key the tap stamped into a tool call's {@code _meta}, or null (a call that came another way). */
    static String callKeyOf(Map<String, Object> meta) {
        return meta != null && meta.get(CALL_KEY) instanceof String key ? key : null;
    }
}
