package dev.imagine.bot.mcp;

import dev.imagine.bot.command.User;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Locale;

/**
 * Who an MCP client is in the fair-share queue: the person {@code mcp:<name>}, where the name is the one the client
 * gave for itself when it connected ({@code clientInfo.name} of {@code initialize}, such as "Claude Desktop"), in a
 * plain form ({@code mcp:claude-desktop}). Every session of one assistant shares that person's share and caps, so
 * reconnecting gains nothing; the name is self-declared, which the API key (over HTTP) or the local process (stdio)
 * vouches for.
 */
final class ClientIdentity {
    static final String PLATFORM = "mcp";
    static final int MAX_ID_LENGTH = 40;
    private static final String UNNAMED = "unnamed-client";

    private ClientIdentity() {
    }

    /** The person behind a client that introduced itself as {@code client} (null when it did not). */
    static User userOf(McpSchema.Implementation client) {
        String name = client == null || client.name() == null ? "" : client.name().strip();
        String id = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        if (id.length() > MAX_ID_LENGTH) {
            id = id.substring(0, MAX_ID_LENGTH);
        }
        if (id.isEmpty()) {
            id = UNNAMED;
        }
        return new User(PLATFORM, id, name.isEmpty() ? id : name);
    }
}
