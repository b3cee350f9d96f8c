package dev.imagine.bot.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code MCP-Protocol-Version} header of streamable HTTP (MCP specification 2025-06-18 and later, "Transports",
 * "Protocol Version Header"): after {@code initialize} a client names on every request the version the two sides
 * agreed on, and a server that gets an invalid version, or one it does not speak, must answer 400 Bad Request.
 * The SDK (2.2.0) reads the header but never refuses one, so a client with a wrong idea of the protocol would be
 * served in a dialect it does not expect. A request without the header is accepted: the specification says to assume
 * 2025-03-26 then, which the SDK speaks.
 */
final class ProtocolVersionHeader {
    static final String NAME = "MCP-Protocol-Version";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INITIALIZE = Pattern.compile("\"method\"\\s*:\\s*\"initialize\"");

    private final List<String> supported;

    ProtocolVersionHeader(List<String> supported) {
        this.supported = List.copyOf(supported);
    }

    /** Why a request naming {@code version} is refused, or null when it may go on (a known version, or none). */
    String refusal(String version) {
        if (version == null || supported.contains(version.strip())) {
            return null;
        }
        return "Bad Request: unsupported MCP protocol version '" + version.strip() + "' in the " + NAME
                + " header; Imagine speaks " + String.join(", ", supported)
                + " (send initialize again to agree on one)";
    }

    /**
     * Whether a posted message is an {@code initialize} request, the one request that comes before any version is
     * agreed on (so its header, if any, is not checked; the SDK negotiates the version in its answer).
     */
    static boolean isInitialize(String message) {
        if (!INITIALIZE.matcher(message).find()) {
            return false;
        }
        try {
            return JSON.readTree(message) instanceof ObjectNode request
                    && "initialize".equals(request.path("method").asText(null));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** A JSON-RPC error without an id (the request was not read), as the body of the 400. */
    static String errorBody(String message) {
        ObjectNode body = JSON.createObjectNode().put("jsonrpc", "2.0").putNull("id");
        body.putObject("error").put("code", -32600).put("message", message);
        return body.toString();
    }
}
