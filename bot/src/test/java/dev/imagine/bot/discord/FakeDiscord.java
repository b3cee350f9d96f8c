package dev.imagine.bot.discord;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import okhttp3.MediaType;
import okhttp3.MultipartReader;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.Buffer;

/**
 * A loopback Discord for tests: the REST API over HTTP and the gateway over a WebSocket on 127.0.0.1, one port,
 * speaking enough of the real protocol to drive the real JDA client. It records every REST request (with the
 * JSON payload and uploaded files) so tests can check what a Discord user would see.
 *
 * <p>Gateway: HELLO, IDENTIFY → READY + GUILD_CREATE of one server, heartbeats and ACKs, RESUME (replaying missed
 * dispatches), INTERACTION_CREATE for slash commands and buttons. REST: users/@me, command registration,
 * interaction callbacks (JSON or multipart), webhook edits/follow-ups/deletes (multipart), channel messages, DM
 * channels. Interaction tokens expire 15 minutes after the interaction's snowflake time, as on Discord.
 */
final class FakeDiscord implements AutoCloseable {
    static final String TOKEN = "fake-bot-token";
    static final String APP_ID = "1300000000000000001";
    static final String BOT_ID = APP_ID;
    static final String GUILD_ID = "900000000000000001";
    static final String CHANNEL_ID = "900000000000000002";
    static final String DM_CHANNEL_PREFIX = "77";
    private static final long DISCORD_EPOCH = 1420070400000L;
    /** View channel, send messages, embed links, attach files, read history. */
    private static final long EVERYONE_PERMISSIONS = (1L << 10) | (1L << 11) | (1L << 14) | (1L << 15) | (1L << 16);
    private static final long MANAGE_SERVER = 1L << 5;

    record Upload(String field, String fileName, byte[] bytes) {
    }

    /** One REST request as Discord received it. */
    record Request(String method, String path, DataObject payload, List<Upload> files, long receivedNanos,
                   int status) {
        boolean is(String m, String pathPrefix) {
            return method.equals(m) && path.startsWith(pathPrefix);
        }

        /** The interaction token in an interaction or webhook path, or null. */
        String token() {
            String[] parts = path.split("/");
            // /api/v10/interactions/{id}/{token}/callback, /api/v10/webhooks/{app}/{token}[/messages/...]
            if (parts.length > 5 && (parts[3].equals("interactions") || parts[3].equals("webhooks"))) {
                return parts[5];
            }
            return null;
        }

        @Override
        public String toString() {
            return method + " " + path + " -> " + status;
        }
    }

    record User(String id, String name, boolean manageServer) {
        DataObject json() {
            return DataObject.empty().put("id", id).put("username", name).put("global_name", name)
                    .put("discriminator", "0").put("avatar", null);
        }
    }

    static final User ALICE = new User("910000000000000001", "alice", false);
    static final User BOB = new User("910000000000000002", "bob", false);
    static final User ADMIN = new User("910000000000000003", "ada", true);

    private final MockWebServer server = new MockWebServer();
    private final AtomicLong snowflakeCounter = new AtomicLong();
    private final AtomicInteger tokens = new AtomicInteger();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Object arrivals = new Object();
    private final Map<String, Instant> interactionTimes = new ConcurrentHashMap<>();
    private final Set<String> deniedChannels = ConcurrentHashMap.newKeySet();
    private final AtomicInteger rateLimitedEdits = new AtomicInteger();
    private volatile long retryAfterSeconds = 1;

    // Gateway state, guarded by "this".
    private WebSocket socket;
    private int sequence;
    private final List<DataObject> dispatched = new ArrayList<>();
    private String sessionId;
    private int sessions;
    final List<DataObject> gatewayReceived = new CopyOnWriteArrayList<>();

    FakeDiscord() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return handle(request);
            }
        });
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    String restUrl() {
        return "http://127.0.0.1:" + server.getPort() + "/api/v10/";
    }

    String gatewayUrl() {
        return "ws://127.0.0.1:" + server.getPort() + "/gateway";
    }

    /** A snowflake whose embedded time is {@code at}, as Discord mints them. */
    String snowflake(Instant at) {
        return Long.toUnsignedString(((at.toEpochMilli() - DISCORD_EPOCH) << 22) | (snowflakeCounter.incrementAndGet()
                & 0xFFF));
    }

    void denyChannelPosts(String channelId) {
        deniedChannels.add(channelId);
    }

    /** The next {@code count} edits of an interaction reply are answered 429 with Retry-After (seconds). */
    void rateLimitNextEdits(int count, long retryAfter) {
        retryAfterSeconds = retryAfter;
        rateLimitedEdits.set(count);
    }

    // ---- driving the bot ----

    static DataObject option(String name, Object value) {
        int type = switch (value) {
            case String s -> 3;
            case Integer i -> 4;
            case Long l -> 4;
            case Boolean b -> 5;
            default -> 10;
        };
        return DataObject.empty().put("name", name).put("type", type).put("value", value);
    }

    static DataObject subcommand(String name, DataObject... options) {
        return DataObject.empty().put("name", name).put("type", 1).put("options", DataArray.fromCollection(
                List.of(options)));
    }

    /** A slash command by {@code user} in the server's channel, created now; returns its interaction token. */
    String slash(User user, String command, DataObject... options) {
        return slashAt(Instant.now(), user, command, options);
    }

    /** A slash command whose interaction was created at {@code createdAt} (minted into its id). */
    String slashAt(Instant createdAt, User user, String command, DataObject... options) {
        DataObject data = DataObject.empty().put("id", snowflake(Instant.now())).put("name", command).put("type", 1)
                .put("options", DataArray.fromCollection(List.of(options)));
        return interaction(createdAt, user, 2, data, null);
    }

    /** A slash command in a direct message between {@code user} and the bot, created now. */
    String slashInDirectMessage(User user, String command, DataObject... options) {
        DataObject data = DataObject.empty().put("id", snowflake(Instant.now())).put("name", command).put("type", 1)
                .put("options", DataArray.fromCollection(List.of(options)));
        String token = "itok-" + tokens.incrementAndGet() + "-secret";
        Instant now = Instant.now();
        interactionTimes.put(token, now);
        String channelId = DM_CHANNEL_PREFIX + user.id().substring(2);
        dispatch("INTERACTION_CREATE", DataObject.empty()
                .put("id", snowflake(now)).put("application_id", APP_ID).put("type", 2).put("token", token)
                .put("version", 1).put("channel_id", channelId)
                .put("channel", DataObject.empty().put("id", channelId).put("type", 1)
                        .put("recipients", DataArray.empty().add(user.json())))
                .put("user", user.json()).put("app_permissions", Long.toString(EVERYONE_PERMISSIONS))
                .put("locale", "en-US").put("entitlements", DataArray.empty())
                .put("authorizing_integration_owners", DataObject.empty().put("0", GUILD_ID)).put("context", 1)
                .put("attachment_size_limit", 10 << 20).put("data", data));
        return token;
    }

    /** A button click on a message the bot posted earlier. */
    String click(User user, String customId) {
        DataObject data = DataObject.empty().put("custom_id", customId).put("component_type", 2);
        DataObject message = DataObject.empty().put("id", snowflake(Instant.now())).put("type", 0)
                .put("channel_id", CHANNEL_ID).put("author", bot()).put("content", "")
                .put("mentions", DataArray.empty()).put("mention_roles", DataArray.empty())
                .put("embeds", DataArray.empty()).put("attachments", DataArray.empty())
                .put("components", DataArray.empty()).put("flags", 0).put("pinned", false).put("tts", false)
                .put("mention_everyone", false).put("timestamp", Instant.now().toString());
        return interaction(Instant.now(), user, 3, data, message);
    }

    private String interaction(Instant createdAt, User user, int type, DataObject data, DataObject message) {
        String token = "itok-" + tokens.incrementAndGet() + "-secret";
        String id = snowflake(createdAt);
        interactionTimes.put(token, createdAt);
        String permissions = Long.toString(EVERYONE_PERMISSIONS | (user.manageServer() ? MANAGE_SERVER : 0));
        DataObject d = DataObject.empty()
                .put("id", id).put("application_id", APP_ID).put("type", type).put("token", token).put("version", 1)
                .put("guild_id", GUILD_ID)
                .put("guild", DataObject.empty().put("id", GUILD_ID).put("locale", "en-US")
                        .put("features", DataArray.empty()))
                .put("channel_id", CHANNEL_ID)
                .put("channel", DataObject.empty().put("id", CHANNEL_ID).put("type", 0).put("guild_id", GUILD_ID)
                        .put("name", "art").put("position", 0).put("nsfw", false)
                        .put("permissions", permissions))
                .put("member", DataObject.empty().put("user", user.json())
                        .put("roles", user.manageServer() ? DataArray.empty().add(ADMIN_ROLE) : DataArray.empty())
                        .put("joined_at", "2024-01-01T00:00:00.000000+00:00").put("permissions", permissions)
                        .put("flags", 0).put("pending", false).put("deaf", false).put("mute", false))
                .put("app_permissions", Long.toString(EVERYONE_PERMISSIONS)).put("locale", "en-US")
                .put("guild_locale", "en-US").put("entitlements", DataArray.empty())
                .put("authorizing_integration_owners", DataObject.empty().put("0", GUILD_ID))
                .put("context", 0).put("attachment_size_limit", 10 << 20)
                .put("data", data);
        if (message != null) {
            d.put("message", message);
        }
        dispatch("INTERACTION_CREATE", d);
        return token;
    }

    private static final String ADMIN_ROLE = "900000000000000009";

    // ---- observing ----

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> requests(Predicate<Request> filter) {
        return requests.stream().filter(filter).toList();
    }

    /** Waits up to {@code timeout} for a request matching {@code filter} and returns the first one. */
    Request await(Predicate<Request> filter, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (arrivals) {
            while (true) {
                for (Request r : requests) {
                    if (filter.test(r)) {
                        return r;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Discord did not receive " + what + " within " + timeout.toSeconds()
                            + " s; it received " + requests);
                }
                TimeUnit.NANOSECONDS.timedWait(arrivals, left);
            }
        }
    }

    /** Waits for the gateway to receive an op (2 IDENTIFY, 6 RESUME, ...) for the {@code nth} time. */
    DataObject awaitGatewayOp(int op, int nth, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (arrivals) {
            while (true) {
                List<DataObject> matching = gatewayReceived.stream().filter(f -> f.getInt("op") == op).toList();
                if (matching.size() >= nth) {
                    return matching.get(nth - 1);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the gateway did not receive op " + op + " (#" + nth + ") within "
                            + timeout.toSeconds() + " s");
                }
                TimeUnit.NANOSECONDS.timedWait(arrivals, left);
            }
        }
    }

    /** Closes the gateway connection as a network failure or a Discord restart would (close code 4000). */
    void dropGateway() {
        WebSocket open;
        synchronized (this) {
            open = socket;
            socket = null;
        }
        if (open != null) {
            open.close(4000, "fake discord: connection dropped");
        }
    }

    // ---- gateway ----

    private synchronized void dispatch(String type, DataObject d) {
        DataObject frame = DataObject.empty().put("op", 0).put("s", ++sequence).put("t", type).put("d", d);
        dispatched.add(frame);
        if (socket != null) {
            socket.send(frame.toString());
        }
    }

    private final WebSocketListener gateway = new WebSocketListener() {
        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            synchronized (FakeDiscord.this) {
                socket = webSocket;
            }
            webSocket.send(DataObject.empty().put("op", 10)
                    .put("d", DataObject.empty().put("heartbeat_interval", 41250)).toString());
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            DataObject frame = DataObject.fromJson(text);
            received(frame);
            switch (frame.getInt("op")) {
                case 1 -> webSocket.send("{\"op\":11}");
                case 2 -> identified(webSocket, frame.getObject("d"));
                case 6 -> resumed(webSocket, frame.getObject("d"));
                default -> {
                }
            }
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            forget(webSocket);
            webSocket.close(1000, null);
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            forget(webSocket);
        }
    };

    private synchronized void forget(WebSocket webSocket) {
        if (socket == webSocket) {
            socket = null;
        }
    }

    private void received(DataObject frame) {
        synchronized (arrivals) {
            gatewayReceived.add(frame);
            arrivals.notifyAll();
        }
    }

    private synchronized void identified(WebSocket webSocket, DataObject identify) {
        if (!TOKEN.equals(identify.getString("token"))) {
            webSocket.close(4004, "Authentication failed.");
            return;
        }
        socket = webSocket;
        sessionId = "session-" + (++sessions);
        dispatched.clear();
        sequence = 0;
        DataObject ready = DataObject.empty().put("v", 10).put("user", bot().put("bot", true))
                .put("guilds", DataArray.empty().add(DataObject.empty().put("id", GUILD_ID).put("unavailable", true)))
                .put("private_channels", DataArray.empty()).put("session_id", sessionId)
                .put("resume_gateway_url", gatewayUrl())
                .put("application", DataObject.empty().put("id", APP_ID).put("flags", 0));
        dispatch("READY", ready);
        dispatch("GUILD_CREATE", guild());
    }

    private synchronized void resumed(WebSocket webSocket, DataObject resume) {
        if (!TOKEN.equals(resume.getString("token")) || !resume.getString("session_id").equals(sessionId)) {
            webSocket.send("{\"op\":9,\"d\":false}");
            return;
        }
        socket = webSocket;
        long seen = resume.getLong("seq");
        for (DataObject frame : dispatched) {
            if (frame.getLong("s") > seen) {
                webSocket.send(frame.toString());
            }
        }
        dispatch("RESUMED", DataObject.empty());
    }

    private static DataObject bot() {
        return DataObject.empty().put("id", BOT_ID).put("username", "imagine").put("discriminator", "0")
                .put("global_name", null).put("avatar", null).put("bot", true);
    }

    private DataObject guild() {
        DataObject everyone = role(GUILD_ID, "@everyone", EVERYONE_PERMISSIONS, 0);
        DataObject admins = role(ADMIN_ROLE, "admins", EVERYONE_PERMISSIONS | MANAGE_SERVER, 1);
        DataObject channel = DataObject.empty().put("id", CHANNEL_ID).put("type", 0).put("guild_id", GUILD_ID)
                .put("name", "art").put("position", 0).put("nsfw", false)
                .put("permission_overwrites", DataArray.empty());
        DataObject selfMember = DataObject.empty().put("user", bot()).put("roles", DataArray.empty())
                .put("joined_at", "2024-01-01T00:00:00.000000+00:00").put("deaf", false).put("mute", false)
                .put("flags", 0).put("pending", false);
        return DataObject.empty().put("id", GUILD_ID).put("name", "Art club").put("unavailable", false)
                .put("owner_id", ADMIN.id()).put("member_count", 1).put("large", false).put("afk_timeout", 300)
                .put("nsfw_level", 0).put("verification_level", 0).put("mfa_level", 0)
                .put("preferred_locale", "en-US").put("premium_progress_bar_enabled", false)
                .put("roles", DataArray.empty().add(everyone).add(admins))
                .put("channels", DataArray.empty().add(channel))
                .put("threads", DataArray.empty()).put("guild_scheduled_events", DataArray.empty())
                .put("emojis", DataArray.empty()).put("stickers", DataArray.empty())
                .put("voice_states", DataArray.empty()).put("presences", DataArray.empty())
                .put("features", DataArray.empty()).put("members", DataArray.empty().add(selfMember));
    }

    private static DataObject role(String id, String name, long permissions, int position) {
        return DataObject.empty().put("id", id).put("name", name).put("permissions", Long.toString(permissions))
                .put("position", position).put("color", 0)
                .put("colors", DataObject.empty().put("primary_color", 0).put("secondary_color", null)
                        .put("tertiary_color", null))
                .put("hoist", false).put("managed", false)
                .put("mentionable", false).put("flags", 0);
    }

    // ---- REST ----

    private MockResponse handle(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.equals("/gateway")) {
            return new MockResponse.Builder().webSocketUpgrade(gateway).build();
        }
        String method = request.getMethod();
        DataObject payload = null;
        List<Upload> files = new ArrayList<>();
        try {
            payload = parseBody(request, files);
        } catch (IOException | RuntimeException e) {
            return record(method, path, null, files, json(400, DataObject.empty().put("code", 50035)
                    .put("message", "Invalid Form Body: " + e)));
        }
        MockResponse response = route(request, method, path, payload, files);
        return record(method, path, payload, files, response);
    }

    private MockResponse record(String method, String path, DataObject payload, List<Upload> files,
                                MockResponse response) {
        synchronized (arrivals) {
            requests.add(new Request(method, path, payload, List.copyOf(files), System.nanoTime(), response.getCode()));
            arrivals.notifyAll();
        }
        return response;
    }

    private MockResponse route(RecordedRequest request, String method, String path, DataObject payload,
                               List<Upload> files) {
        if (!("Bot " + TOKEN).equals(request.getHeaders().get("Authorization"))
                && !path.startsWith("/api/v10/interactions/") && !path.startsWith("/api/v10/webhooks/")) {
            return json(401, DataObject.empty().put("code", 0).put("message", "401: Unauthorized"));
        }
        String[] p = path.split("/");
        if (method.equals("GET") && path.equals("/api/v10/users/@me")) {
            return json(200, bot());
        }
        if (method.equals("PUT") && p.length >= 6 && p[3].equals("applications") && path.endsWith("/commands")) {
            DataArray commands = DataArray.fromJson(request.getBody().utf8());
            DataArray echoed = DataArray.empty();
            for (int i = 0; i < commands.length(); i++) {
                echoed.add(commands.getObject(i).put("id", snowflake(Instant.now())).put("application_id", APP_ID)
                        .put("version", snowflake(Instant.now())).put("type", commands.getObject(i)
                                .getInt("type", 1)));
            }
            return json(200, echoed);
        }
        if (method.equals("POST") && p.length == 7 && p[3].equals("interactions") && p[6].equals("callback")) {
            return new MockResponse.Builder().code(204).build();
        }
        if (p.length >= 6 && p[3].equals("webhooks")) {
            String token = p[5];
            Instant created = interactionTimes.get(token);
            if (created == null || Instant.now().isAfter(created.plus(Duration.ofMinutes(15)))) {
                return json(401, DataObject.empty().put("code", 50027).put("message", "Invalid Webhook Token"));
            }
            boolean original = path.endsWith("/messages/@original");
            if (method.equals("PATCH") && original) {
                if (rateLimitedEdits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    return new MockResponse.Builder().code(429)
                            .setHeader("Content-Type", "application/json")
                            .setHeader("Retry-After", Long.toString(retryAfterSeconds))
                            .setHeader("X-RateLimit-Scope", "user")
                            .setHeader("via", "1.1 google")
                            .body(DataObject.empty().put("message", "You are being rate limited.")
                                    .put("retry_after", (double) retryAfterSeconds).put("global", false).toString())
                            .build();
                }
                return json(200, message(payload, files, 20));
            }
            if (method.equals("DELETE")) {
                return new MockResponse.Builder().code(204).build();
            }
            if (method.equals("POST") && p.length == 6) {
                return json(200, message(payload, files, 0));
            }
        }
        if (method.equals("POST") && p.length == 6 && p[3].equals("channels") && p[5].equals("messages")) {
            if (deniedChannels.contains(p[4])) {
                return json(403, DataObject.empty().put("code", 50013).put("message", "Missing Permissions"));
            }
            return json(200, message(payload, files, 0).put("channel_id", p[4]));
        }
        if (method.equals("POST") && path.equals("/api/v10/users/@me/channels")) {
            String userId = payload.getString("recipient_id");
            return json(200, DataObject.empty().put("id", DM_CHANNEL_PREFIX + userId.substring(2)).put("type", 1)
                    .put("recipients", DataArray.empty().add(DataObject.empty().put("id", userId)
                            .put("username", "someone").put("discriminator", "0").put("avatar", null))));
        }
        return json(404, DataObject.empty().put("code", 0).put("message", "404: Not Found (fake Discord has no "
                + method + " " + path + ")"));
    }

    private DataObject message(DataObject payload, List<Upload> files, int type) {
        DataArray attachments = DataArray.empty();
        for (Upload file : files) {
            String id = snowflake(Instant.now());
            String url = "http://127.0.0.1:" + server.getPort() + "/attachments/" + id + "/" + file.fileName();
            attachments.add(DataObject.empty().put("id", id).put("filename", file.fileName())
                    .put("size", file.bytes().length).put("content_type", "image/png").put("url", url)
                    .put("proxy_url", url));
        }
        return DataObject.empty().put("id", snowflake(Instant.now())).put("type", type).put("channel_id", CHANNEL_ID)
                .put("application_id", APP_ID).put("webhook_id", APP_ID).put("author", bot())
                .put("content", payload == null ? "" : payload.getString("content", ""))
                .put("mentions", DataArray.empty()).put("mention_roles", DataArray.empty())
                .put("mention_everyone", false).put("pinned", false).put("tts", false)
                .put("timestamp", Instant.now().toString())
                .put("embeds", DataArray.empty()).put("components", DataArray.empty())
                .put("flags", payload == null ? 0 : payload.getInt("flags", 0)).put("attachments", attachments);
    }

    private static DataObject parseBody(RecordedRequest request, List<Upload> files) throws IOException {
        if (request.getBody() == null || request.getBody().size() == 0) {
            return null;
        }
        String contentType = request.getHeaders().get("Content-Type");
        MediaType type = contentType == null ? null : MediaType.parse(contentType);
        if (type != null && type.subtype().equals("form-data")) {
            DataObject payload = null;
            try (MultipartReader reader = new MultipartReader(new Buffer().write(request.getBody()),
                    type.parameter("boundary"))) {
                for (MultipartReader.Part next = reader.nextPart(); next != null; next = reader.nextPart()) {
                    try (MultipartReader.Part part = next) {
                        String disposition = part.headers().get("Content-Disposition");
                        Map<String, String> attributes = dispositionAttributes(disposition);
                        byte[] bytes = part.body().readByteArray();
                        if ("payload_json".equals(attributes.get("name"))) {
                            payload = DataObject.fromJson(bytes);
                        } else {
                            files.add(new Upload(attributes.get("name"), attributes.get("filename"), bytes));
                        }
                    }
                }
            }
            return payload;
        }
        String text = request.getBody().utf8();
        return text.startsWith("{") ? DataObject.fromJson(text) : null;
    }

    private static Map<String, String> dispositionAttributes(String disposition) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (disposition == null) {
            return attributes;
        }
        for (String piece : disposition.split(";")) {
            int eq = piece.indexOf('=');
            if (eq > 0) {
                String value = piece.substring(eq + 1).trim();
                if (value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                attributes.put(piece.substring(0, eq).trim(), value);
            }
        }
        return attributes;
    }

    private static MockResponse json(int code, Object body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
                .body(body.toString()).build();
    }

    @Override
    public void close() throws IOException {
        WebSocket open;
        synchronized (this) {
            open = socket;
            socket = null;
        }
        if (open != null) {
            open.cancel();
        }
        server.close();
    }
}
