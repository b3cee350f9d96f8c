package dev.imagine.bot.discord;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
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
 * JSON payload and uploaded files) and keeps the messages as Discord would show them (content, ephemeral or not,
 * deleted or not, every text a message ever showed), so tests can check what a Discord user would see.
 *
 * <p>Gateway: HELLO, IDENTIFY → READY + GUILD_CREATE of one server, heartbeats and ACKs, RESUME (replaying missed
 * dispatches), INTERACTION_CREATE for slash commands and buttons. REST: users/@me, command registration,
 * interaction callbacks (JSON or multipart), webhook edits/follow-ups/deletes (multipart), channel messages, DM
 * channels.
 *
 * <p>Interactions follow the rules of Discord's "Receiving and Responding" documentation
 * (docs/interactions/receiving-and-responding.mdx in discord/discord-api-docs):
 * <ul>
 *   <li>one initial response per interaction: a second callback is answered 400, code 40060 "Interaction has
 *       already been acknowledged" (error code from docs/topics/opcodes-and-status-codes.md);</li>
 *   <li>the initial response must come within 3 seconds of the interaction: later it is answered 404, code 10062
 *       "Unknown interaction", and the token is invalidated ("If the 3 second deadline is exceeded, the token will
 *       be invalidated"): its webhook calls are answered 401, code 50027 "Invalid Webhook Token";</li>
 *   <li>webhook calls (edit/delete the original, follow-ups) need an initial response first (404, code 10015
 *       "Unknown Webhook", as discord.js PR #10587 observed) and work for 15 minutes ("Interaction tokens are valid
 *       for 15 minutes"), then 401, code 50027;</li>
 *   <li>a response's visibility is fixed when it is created: a deferred reply (type 5) is ephemeral only if its
 *       data has flags 64, an edit never changes it, and a follow-up sent directly after a type 5 deferral "will
 *       function as Edit Original Interaction Response ... The ephemeral flag will be ignored" (Create Followup
 *       Message; discord-api-docs PR #3466, issues #2735, #2866); later follow-ups are new messages and honour
 *       flags 64;</li>
 *   <li>types 6 (DEFERRED_UPDATE_MESSAGE) and 7 (UPDATE_MESSAGE) are "only valid for component-based interactions"
 *       (400 otherwise); after them "@original" is the message the component is attached to;</li>
 *   <li>an ephemeral message cannot be deleted through the channel routes (404, code 10008 "Unknown Message"): it
 *       exists only for its interaction;</li>
 *   <li>a deleted message cannot be edited or deleted again (404, code 10008).</li>
 * </ul>
 * Discord's clock can be moved forward ({@link #advanceClock}) to let tokens expire without waiting; the bot is
 * given the same clock ({@link #clock()}).
 */
public final class FakeDiscord implements AutoCloseable {
    public static final String TOKEN = "fake-bot-token";
    static final String APP_ID = "1300000000000000001";
    static final String BOT_ID = APP_ID;
    static final String GUILD_ID = "900000000000000001";
    static final String CHANNEL_ID = "900000000000000002";
    /** A channel Discord marks age-restricted ("nsfw": true). */
    static final String NSFW_CHANNEL_ID = "900000000000000004";
    static final String DM_CHANNEL_PREFIX = "77";
    private static final long DISCORD_EPOCH = 1420070400000L;
    /** View channel, send messages, embed links, attach files, read history. */
    private static final long EVERYONE_PERMISSIONS = (1L << 10) | (1L << 11) | (1L << 14) | (1L << 15) | (1L << 16);
    private static final long MANAGE_SERVER = 1L << 5;
    private static final int EPHEMERAL = 1 << 6;
    /** "You must send an initial response within 3 seconds of receiving the event." */
    static final Duration RESPONSE_DEADLINE = Duration.ofSeconds(3);
    /** "Interaction tokens are valid for 15 minutes." */
    static final Duration TOKEN_LIFETIME = Duration.ofMinutes(15);

    public record Upload(String field, String fileName, byte[] bytes) {
    }

    /** One REST request as Discord received it. */
    public record Request(String method, String path, DataObject payload, List<Upload> files, long receivedNanos,
                   int status) {
        public boolean is(String m, String pathPrefix) {
            return method.equals(m) && path.startsWith(pathPrefix);
        }

        /** The interaction token in an interaction or webhook path, or null. */
        public String token() {
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

    public record User(String id, String name, boolean manageServer) {
        DataObject json() {
            return DataObject.empty().put("id", id).put("username", name).put("global_name", name)
                    .put("discriminator", "0").put("avatar", null);
        }
    }

    /** A message as Discord shows it now, and every text it ever showed. */
    public static final class Shown {
        final String id;
        final String channelId;
        /** The interaction whose response or follow-up this is; null for other messages. */
        final String interactionToken;
        /** Only the user who used the interaction sees it (flags 64), fixed when the message is created. */
        final boolean ephemeral;
        /** A deferred reply still showing "is thinking…". */
        boolean loading;
        public boolean deleted;
        public String content;
        DataObject payload;
        public List<Upload> files = List.of();
        public final List<String> history = new ArrayList<>();

        Shown(String id, String channelId, String interactionToken, boolean ephemeral) {
            this.id = id;
            this.channelId = channelId;
            this.interactionToken = interactionToken;
            this.ephemeral = ephemeral;
        }

        /** Whether this text was shown in the message at any time. */
        boolean everShowed(String text) {
            return history.stream().anyMatch(h -> h.contains(text));
        }

        @Override
        public String toString() {
            return "message " + id + (ephemeral ? " (ephemeral)" : " (public)") + (deleted ? " deleted" : "")
                    + (loading ? " thinking" : "") + ": " + history;
        }
    }

    /** What Discord knows about one interaction. */
    private static final class Interaction {
        final String id;
        final String token;
        final int type;
        final Instant created;
        final String channelId;
        /** For a button: the message it is on, which a deferred update (type 6) or update (type 7) changes. */
        final String componentMessageId;
        /** The initial response's callback type; 0 until it came. */
        int responseType;
        boolean invalidated;
        /** The message "@original" means. */
        String originalId;
        /** Messages this interaction created: its response (types 4, 5) and follow-ups. */
        final List<String> messageIds = new ArrayList<>();

        Interaction(String id, String token, int type, Instant created, String channelId, String componentMessageId) {
            this.id = id;
            this.token = token;
            this.type = type;
            this.created = created;
            this.channelId = channelId;
            this.componentMessageId = componentMessageId;
        }
    }

    public static final User ALICE = new User("910000000000000001", "alice", false);
    static final User BOB = new User("910000000000000002", "bob", false);
    static final User ADMIN = new User("910000000000000003", "ada", true);

    private final MockWebServer server = new MockWebServer();
    private final AtomicLong snowflakeCounter = new AtomicLong();
    private final AtomicInteger tokens = new AtomicInteger();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Object arrivals = new Object();
    private final AtomicLong clockSkewMillis = new AtomicLong();
    // Guarded by arrivals: what Discord knows about interactions (by token) and messages (by id).
    private final Map<String, Interaction> interactions = new LinkedHashMap<>();
    private final Map<String, Shown> messages = new LinkedHashMap<>();
    private final Set<String> deniedChannels = ConcurrentHashMap.newKeySet();
    /** The default member permissions of each registered command: Discord offers it only to members who have them. */
    private final Map<String, Long> memberPermissionsOf = new ConcurrentHashMap<>();
    private final AtomicInteger rateLimitedEdits = new AtomicInteger();
    private volatile long retryAfterSeconds = 1;
    /** Files on the CDN by path, and the signature ("ex=…&is=…&hm=…") each was issued with. */
    private final Map<String, byte[]> cdn = new ConcurrentHashMap<>();
    private final Map<String, String> cdnSignatures = new ConcurrentHashMap<>();
    /** How long a signed CDN URL is valid: Discord's signed attachment links expire after about a day. */
    static final Duration CDN_LINK_LIFETIME = Duration.ofHours(24);
    /** The largest attachment a member may upload here: 10 MiB, or 100 MiB on a server with level 3 boosts. */
    private volatile long attachmentSizeLimit = 10L << 20;

    // Gateway state, guarded by "this".
    private WebSocket socket;
    private int sequence;
    private final List<DataObject> dispatched = new ArrayList<>();
    private String sessionId;
    private int sessions;
    final List<DataObject> gatewayReceived = new CopyOnWriteArrayList<>();

    public FakeDiscord() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return handle(request);
            }
        });
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    public String restUrl() {
        return "http://127.0.0.1:" + server.getPort() + "/api/v10/";
    }

    public String gatewayUrl() {
        return "ws://127.0.0.1:" + server.getPort() + "/gateway";
    }

    /** Discord's time: the real time, plus however far the test moved it forward. */
    Instant now() {
        return Instant.now().plusMillis(clockSkewMillis.get());
    }

    /** The clock the bot should use, so that it agrees with Discord about when tokens expire. */
    InstantSource clock() {
        return this::now;
    }

    /** Moves Discord's clock forward (tokens expire as if that much time had passed). */
    void advanceClock(Duration by) {
        clockSkewMillis.addAndGet(by.toMillis());
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

    // ---- the CDN ----

    /** The server has level 3 boosts: members may attach files of up to 100 MiB. */
    void boostedServer() {
        attachmentSizeLimit = 100L << 20;
    }

    /**
     * Puts a file on the CDN as an upload does, and returns its attachment object (as in a message or an interaction's
     * resolved data): a signed URL, as Discord has served attachments since 2024 ({@code ex} expiry and {@code is}
     * issue time in hex seconds, {@code hm} a signature); the same URL without its signature, or after {@code ex},
     * is a 404.
     */
    DataObject attachment(String fileName, String contentType, byte[] bytes) {
        String id = snowflake(now());
        String path = "/attachments/" + CHANNEL_ID + "/" + id + "/" + fileName;
        long issued = now().getEpochSecond();
        String signature = "ex=" + Long.toHexString(issued + CDN_LINK_LIFETIME.toSeconds()) + "&is="
                + Long.toHexString(issued) + "&hm=" + Integer.toHexString(java.util.Arrays.hashCode(bytes) ^ path
                .hashCode()) + "0f1e2d3c";
        cdn.put(path, bytes.clone());
        cdnSignatures.put(path, signature);
        String url = "http://127.0.0.1:" + server.getPort() + path + "?" + signature + "&";
        return DataObject.empty().put("id", id).put("filename", fileName).put("size", bytes.length)
                .put("content_type", contentType).put("url", url).put("proxy_url", url);
    }

    /** The CDN requests Imagine made (downloads of attachments). */
    List<Request> cdnRequests() {
        return requests(r -> r.path().startsWith("/attachments/"));
    }

    private MockResponse cdn(RecordedRequest request, String path) {
        String query = request.getUrl().encodedQuery();
        String issued = cdnSignatures.get(path);
        byte[] file = cdn.get(path);
        String asked = query == null ? "" : query.replaceAll("&$", "");
        if (file == null || issued == null || !asked.equals(issued)
                || Long.parseLong(issued.substring(3, issued.indexOf('&')), 16) < now().getEpochSecond()) {
            return new MockResponse.Builder().code(404).setHeader("Content-Type", "text/plain")
                    .body("This content is no longer available.").build();
        }
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/octet-stream")
                .body(new Buffer().write(file)).build();
    }

    // ---- driving the bot ----

    static DataObject attachmentOption(String name, DataObject attachment) {
        return DataObject.empty().put("name", name).put("type", 11).put("value", attachment.getString("id"));
    }

    /**
     * /imagine (or another command) by {@code user} with a file attached to its attachment option {@code image}: the
     * client uploads it first (refused above the server's attachment size limit), and the interaction names it in
     * {@code resolved.attachments}.
     */
    String slashWithAttachment(User user, String command, String fileName, String contentType, byte[] bytes,
                               DataObject... options) {
        if (bytes.length > attachmentSizeLimit) {
            throw new IllegalArgumentException("Discord's client does not let a member attach " + bytes.length
                    + " bytes here (the limit is " + attachmentSizeLimit + ")");
        }
        DataObject attachment = attachment(fileName, contentType, bytes);
        List<DataObject> all = new ArrayList<>(List.of(options));
        all.add(attachmentOption("image", attachment));
        DataObject data = commandData(command, all.toArray(DataObject[]::new));
        data.put("resolved", DataObject.empty().put("attachments", DataObject.empty()
                .put(attachment.getString("id"), attachment)));
        return interaction(now(), user, 2, data, null, CHANNEL_ID);
    }

    /**
     * A slash command with a picture in its {@code image} option and a mask in its {@code mask} option, both
     * attachments resolved as Discord resolves them (each on its signed CDN URL).
     */
    String slashWithPictureAndMask(User user, String command, byte[] picture, byte[] mask, DataObject... options) {
        DataObject image = attachment("picture.png", "image/png", picture);
        DataObject maskFile = attachment("mask.png", "image/png", mask);
        List<DataObject> all = new ArrayList<>(List.of(options));
        all.add(attachmentOption("image", image));
        all.add(attachmentOption("mask", maskFile));
        DataObject data = commandData(command, all.toArray(DataObject[]::new));
        data.put("resolved", DataObject.empty().put("attachments", DataObject.empty()
                .put(image.getString("id"), image).put(maskFile.getString("id"), maskFile)));
        return interaction(now(), user, 2, data, null, CHANNEL_ID);
    }

    /** A message a member posted in the channel with these attachments (for a message command to target). */
    DataObject memberMessage(User author, String content, DataObject... attachments) {
        String id = snowflake(now());
        return DataObject.empty().put("id", id).put("type", 0).put("channel_id", CHANNEL_ID)
                .put("author", author.json()).put("content", content)
                .put("mentions", DataArray.empty()).put("mention_roles", DataArray.empty())
                .put("embeds", DataArray.empty()).put("attachments", DataArray.fromCollection(List.of(attachments)))
                .put("components", DataArray.empty()).put("flags", 0).put("pinned", false).put("tts", false)
                .put("mention_everyone", false).put("timestamp", now().toString());
    }

    /** A message command (right click, Apps) named {@code name} on {@code target}, by {@code user}. */
    String messageCommand(User user, String name, DataObject target) {
        DataObject data = DataObject.empty().put("id", snowflake(now())).put("name", name).put("type", 3)
                .put("target_id", target.getString("id"))
                .put("resolved", DataObject.empty().put("messages", DataObject.empty()
                        .put(target.getString("id"), target)));
        return interaction(now(), user, 2, data, null, CHANNEL_ID);
    }

    /** The bot's message {@code shown} as the channel has it (with its files on the CDN), for a message command. */
    DataObject asPosted(Shown shown) {
        synchronized (arrivals) {
            return messageJson(shown, 0);
        }
    }


    public static DataObject option(String name, Object value) {
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
    public String slash(User user, String command, DataObject... options) {
        return slashAt(now(), user, command, options);
    }

    /** A slash command whose interaction was created at {@code createdAt} (minted into its id). */
    String slashAt(Instant createdAt, User user, String command, DataObject... options) {
        return interaction(createdAt, user, 2, commandData(command, options), null, CHANNEL_ID);
    }

    /** A slash command by {@code user} in the server's channel {@code channelId} (e.g. {@link #NSFW_CHANNEL_ID}). */
    String slashIn(String channelId, User user, String command, DataObject... options) {
        return interaction(now(), user, 2, commandData(command, options), null, channelId);
    }

    /** A USER option, as Discord sends the user picked in the client: type 6, the id as its value. */
    static DataObject userOption(String name, User user) {
        return DataObject.empty().put("name", name).put("type", 6).put("value", user.id());
    }

    private DataObject commandData(String command, DataObject... options) {
        return DataObject.empty().put("id", snowflake(now())).put("name", command).put("type", 1)
                .put("options", DataArray.fromCollection(List.of(options)));
    }

    /** A slash command in a direct message between {@code user} and the bot, created now. */
    String slashInDirectMessage(User user, String command, DataObject... options) {
        String token = "itok-" + tokens.incrementAndGet() + "-secret";
        Instant now = now();
        String id = snowflake(now);
        String channelId = DM_CHANNEL_PREFIX + user.id().substring(2);
        synchronized (arrivals) {
            interactions.put(token, new Interaction(id, token, 2, now, channelId, null));
        }
        dispatch("INTERACTION_CREATE", DataObject.empty()
                .put("id", id).put("application_id", APP_ID).put("type", 2).put("token", token)
                .put("version", 1).put("channel_id", channelId)
                .put("channel", DataObject.empty().put("id", channelId).put("type", 1)
                        .put("recipients", DataArray.empty().add(user.json())))
                .put("user", user.json()).put("app_permissions", Long.toString(EVERYONE_PERMISSIONS))
                .put("locale", "en-US").put("entitlements", DataArray.empty())
                .put("authorizing_integration_owners", DataObject.empty().put("0", GUILD_ID)).put("context", 1)
                .put("attachment_size_limit", 10 << 20).put("data", commandData(command, options)));
        return token;
    }

    /** A button click on a (public) message the bot posted earlier. */
    String click(User user, String customId) {
        DataObject data = DataObject.empty().put("custom_id", customId).put("component_type", 2);
        String messageId = snowflake(now());
        synchronized (arrivals) {
            Shown shown = new Shown(messageId, CHANNEL_ID, null, false);
            shown.content = "";
            messages.put(messageId, shown);
        }
        DataObject message = DataObject.empty().put("id", messageId).put("type", 0)
                .put("channel_id", CHANNEL_ID).put("author", bot()).put("content", "")
                .put("mentions", DataArray.empty()).put("mention_roles", DataArray.empty())
                .put("embeds", DataArray.empty()).put("attachments", DataArray.empty())
                .put("components", DataArray.empty()).put("flags", 0).put("pinned", false).put("tts", false)
                .put("mention_everyone", false).put("timestamp", now().toString());
        return interaction(now(), user, 3, data, message, CHANNEL_ID);
    }

    private String interaction(Instant createdAt, User user, int type, DataObject data, DataObject message,
                               String channelId) {
        long granted = EVERYONE_PERMISSIONS | (user.manageServer() ? MANAGE_SERVER : 0);
        long needed = type == 2 ? memberPermissionsOf.getOrDefault(data.getString("name"), 0L) : 0L;
        if ((granted & needed) != needed) {
            // The client does not even offer a command whose default member permissions the member lacks.
            throw new IllegalStateException("Discord does not offer /" + data.getString("name") + " to " + user.name()
                    + ": it needs permissions " + needed);
        }
        String token = "itok-" + tokens.incrementAndGet() + "-secret";
        String id = snowflake(createdAt);
        synchronized (arrivals) {
            interactions.put(token, new Interaction(id, token, type, createdAt, channelId,
                    message == null ? null : message.getString("id")));
        }
        String permissions = Long.toString(granted);
        DataObject d = DataObject.empty()
                .put("id", id).put("application_id", APP_ID).put("type", type).put("token", token).put("version", 1)
                .put("guild_id", GUILD_ID)
                .put("guild", DataObject.empty().put("id", GUILD_ID).put("locale", "en-US")
                        .put("features", DataArray.empty()))
                .put("channel_id", channelId)
                .put("channel", channel(channelId).put("permissions", permissions))
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

    public List<Request> requests(Predicate<Request> filter) {
        return requests.stream().filter(filter).toList();
    }

    /** The messages interaction {@code token} created (its response and follow-ups), oldest first. */
    List<Shown> messagesOf(String token) {
        synchronized (arrivals) {
            Interaction interaction = interactions.get(token);
            return interaction == null ? List.of()
                    : interaction.messageIds.stream().map(messages::get).toList();
        }
    }

    /** The id of the interaction with {@code token}. */
    String interactionId(String token) {
        synchronized (arrivals) {
            return interactions.get(token).id;
        }
    }

    /** The message interaction {@code token}'s "@original" means now, or null before the initial response. */
    public Shown originalOf(String token) {
        synchronized (arrivals) {
            Interaction interaction = interactions.get(token);
            return interaction == null || interaction.originalId == null ? null
                    : messages.get(interaction.originalId);
        }
    }

    /** Waits up to {@code timeout} until a message of interaction {@code token} matches, and returns it. */
    Shown awaitMessage(String token, Predicate<Shown> filter, Duration timeout, String what)
            throws InterruptedException {
        List<Shown> all = awaitMessages(token, shown -> shown.stream().anyMatch(filter), timeout, what);
        return all.stream().filter(filter).findFirst().orElseThrow();
    }

    /** Waits up to {@code timeout} until the messages of interaction {@code token} match, and returns them. */
    List<Shown> awaitMessages(String token, Predicate<List<Shown>> filter, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (arrivals) {
            while (true) {
                List<Shown> shown = messagesOf(token);
                if (filter.test(shown)) {
                    return shown;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Discord did not show " + what + " within " + timeout.toSeconds()
                            + " s; interaction " + token + " has " + shown + "; requests were " + requests);
                }
                TimeUnit.NANOSECONDS.timedWait(arrivals, left);
            }
        }
    }

    /** Waits up to {@code timeout} for a request matching {@code filter} and returns the first one. */
    public Request await(Predicate<Request> filter, Duration timeout, String what) throws InterruptedException {
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
        DataObject channel = channel(CHANNEL_ID).put("permission_overwrites", DataArray.empty());
        DataObject nsfwChannel = channel(NSFW_CHANNEL_ID).put("permission_overwrites", DataArray.empty());
        DataObject selfMember = DataObject.empty().put("user", bot()).put("roles", DataArray.empty())
                .put("joined_at", "2024-01-01T00:00:00.000000+00:00").put("deaf", false).put("mute", false)
                .put("flags", 0).put("pending", false);
        return DataObject.empty().put("id", GUILD_ID).put("name", "Art club").put("unavailable", false)
                .put("owner_id", ADMIN.id()).put("member_count", 1).put("large", false).put("afk_timeout", 300)
                .put("nsfw_level", 0).put("verification_level", 0).put("mfa_level", 0)
                .put("preferred_locale", "en-US").put("premium_progress_bar_enabled", false)
                .put("roles", DataArray.empty().add(everyone).add(admins))
                .put("channels", DataArray.empty().add(channel).add(nsfwChannel))
                .put("threads", DataArray.empty()).put("guild_scheduled_events", DataArray.empty())
                .put("emojis", DataArray.empty()).put("stickers", DataArray.empty())
                .put("voice_states", DataArray.empty()).put("presences", DataArray.empty())
                .put("features", DataArray.empty()).put("members", DataArray.empty().add(selfMember));
    }

    /** The server's text channels: #art for everyone, #after-dark age-restricted. */
    private static DataObject channel(String id) {
        boolean nsfw = id.equals(NSFW_CHANNEL_ID);
        return DataObject.empty().put("id", id).put("type", 0).put("guild_id", GUILD_ID)
                .put("name", nsfw ? "after-dark" : "art").put("position", nsfw ? 1 : 0).put("nsfw", nsfw);
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
        if (path.startsWith("/attachments/") && method.equals("GET")) {
            // The CDN: no token needed (or wanted), only the link's signature.
            return record(method, path, null, List.of(), cdn(request, path));
        }
        DataObject payload = null;
        List<Upload> files = new ArrayList<>();
        try {
            payload = parseBody(request, files);
        } catch (IOException | RuntimeException e) {
            return record(method, path, null, files, json(400, DataObject.empty().put("code", 50035)
                    .put("message", "Invalid Form Body: " + e)));
        }
        // Discord's state changes and the request's record are one step, so a test that saw the request sees the state.
        synchronized (arrivals) {
            MockResponse response = route(request, method, path, payload, files);
            return record(method, path, payload, files, response);
        }
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
                DataObject command = commands.getObject(i);
                String required = command.getString("default_member_permissions", null);
                memberPermissionsOf.put(command.getString("name"), required == null ? 0 : Long.parseLong(required));
                echoed.add(commands.getObject(i).put("id", snowflake(now())).put("application_id", APP_ID)
                        .put("version", snowflake(now())).put("type", commands.getObject(i)
                                .getInt("type", 1)));
            }
            return json(200, echoed);
        }
        if (method.equals("POST") && p.length == 7 && p[3].equals("interactions") && p[6].equals("callback")) {
            return callback(p[4], p[5], payload, files);
        }
        if (p.length >= 6 && p[3].equals("webhooks")) {
            return webhook(method, p, payload, files);
        }
        if (method.equals("POST") && p.length == 6 && p[3].equals("channels") && p[5].equals("messages")) {
            if (deniedChannels.contains(p[4])) {
                return json(403, DataObject.empty().put("code", 50013).put("message", "Missing Permissions"));
            }
            Shown posted = create(p[4], null, false, payload, files);
            return json(200, messageJson(posted, 0));
        }
        if (method.equals("DELETE") && p.length == 7 && p[3].equals("channels") && p[5].equals("messages")) {
            Shown target = messages.get(p[6]);
            // Ephemeral messages belong to their interaction; the channel does not know them.
            if (target == null || target.deleted || target.ephemeral || !target.channelId.equals(p[4])) {
                return unknownMessage();
            }
            target.deleted = true;
            return new MockResponse.Builder().code(204).build();
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

    /** Create Interaction Response: the one initial response, within 3 seconds. */
    private MockResponse callback(String interactionId, String token, DataObject payload, List<Upload> files) {
        Interaction interaction = interactions.get(token);
        if (interaction == null || !interaction.id.equals(interactionId)) {
            return unknownInteraction();
        }
        if (interaction.responseType != 0) {
            return json(400, DataObject.empty().put("code", 40060)
                    .put("message", "Interaction has already been acknowledged."));
        }
        if (interaction.invalidated || now().isAfter(interaction.created.plus(RESPONSE_DEADLINE))) {
            interaction.invalidated = true;
            return unknownInteraction();
        }
        if (payload == null || !payload.hasKey("type")) {
            return invalidFormBody("type: this field is required");
        }
        int type = payload.getInt("type");
        DataObject data = payload.optObject("data").orElse(DataObject.empty());
        boolean ephemeral = (data.getInt("flags", 0) & EPHEMERAL) != 0;
        switch (type) {
            case 4 -> {
                Shown reply = create(interaction.channelId, token, ephemeral, data, files);
                interaction.messageIds.add(reply.id);
                interaction.originalId = reply.id;
            }
            case 5 -> {
                Shown thinking = new Shown(snowflake(now()), interaction.channelId, token, ephemeral);
                thinking.loading = true;
                thinking.content = "";
                messages.put(thinking.id, thinking);
                interaction.messageIds.add(thinking.id);
                interaction.originalId = thinking.id;
            }
            case 6, 7 -> {
                if (interaction.componentMessageId == null) {
                    return invalidFormBody("type: callback type " + type + " is only valid for component"
                            + " interactions");
                }
                interaction.originalId = interaction.componentMessageId;
                if (type == 7) {
                    edit(messages.get(interaction.componentMessageId), data, files);
                }
            }
            default -> {
                return invalidFormBody("type: the fake Discord does not model callback type " + type);
            }
        }
        interaction.responseType = type;
        return new MockResponse.Builder().code(204).build();
    }

    /** The interaction webhook: edit or delete "@original", follow-ups, and their edits and deletes. */
    private MockResponse webhook(String method, String[] p, DataObject payload, List<Upload> files) {
        Interaction interaction = interactions.get(p[5]);
        if (interaction == null || !p[4].equals(APP_ID)) {
            return unknownWebhook();
        }
        Instant now = now();
        if (interaction.responseType == 0 && now.isAfter(interaction.created.plus(RESPONSE_DEADLINE))) {
            interaction.invalidated = true;
        }
        if (interaction.invalidated || now.isAfter(interaction.created.plus(TOKEN_LIFETIME))) {
            return json(401, DataObject.empty().put("code", 50027).put("message", "Invalid Webhook Token"));
        }
        if (interaction.responseType == 0) {
            // Nothing to edit or follow up yet: the interaction has no response.
            return unknownWebhook();
        }
        if (p.length == 6 && method.equals("POST")) {
            Shown original = messages.get(interaction.originalId);
            if (interaction.responseType == 5 && original.loading && !original.deleted) {
                // Directly after a deferred reply, a follow-up is the edit of the deferred message; its flags are
                // ignored, since a message's ephemeral state cannot change.
                edit(original, payload, files);
                return json(200, messageJson(original, 20));
            }
            boolean ephemeral = payload != null && (payload.getInt("flags", 0) & EPHEMERAL) != 0;
            Shown followUp = create(interaction.channelId, interaction.token, ephemeral, payload, files);
            interaction.messageIds.add(followUp.id);
            return json(200, messageJson(followUp, 0));
        }
        if (p.length != 8 || !p[6].equals("messages")) {
            return json(404, DataObject.empty().put("code", 0).put("message", "404: Not Found"));
        }
        String messageId = p[7].equals("@original") ? interaction.originalId : p[7];
        Shown target = messages.get(messageId);
        if (target == null || target.deleted
                || !(messageId.equals(interaction.originalId) || interaction.messageIds.contains(messageId))) {
            return unknownMessage();
        }
        if (method.equals("PATCH")) {
            if (p[7].equals("@original") && rateLimitedEdits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return new MockResponse.Builder().code(429)
                        .setHeader("Content-Type", "application/json")
                        .setHeader("Retry-After", Long.toString(retryAfterSeconds))
                        .setHeader("X-RateLimit-Scope", "user")
                        .setHeader("via", "1.1 google")
                        .body(DataObject.empty().put("message", "You are being rate limited.")
                                .put("retry_after", (double) retryAfterSeconds).put("global", false).toString())
                        .build();
            }
            edit(target, payload, files);
            return json(200, messageJson(target, 20));
        }
        if (method.equals("DELETE")) {
            target.deleted = true;
            return new MockResponse.Builder().code(204).build();
        }
        if (method.equals("GET")) {
            return json(200, messageJson(target, 20));
        }
        return json(405, DataObject.empty().put("code", 0).put("message", "405: Method Not Allowed"));
    }

    private Shown create(String channelId, String token, boolean ephemeral, DataObject payload, List<Upload> files) {
        Shown shown = new Shown(snowflake(now()), channelId, token, ephemeral);
        shown.content = "";
        messages.put(shown.id, shown);
        edit(shown, payload, files);
        return shown;
    }

    /** An edit replaces what it names; the message's ephemeral state stays what it was when it was created. */
    private static void edit(Shown shown, DataObject payload, List<Upload> files) {
        shown.loading = false;
        if (payload != null) {
            shown.payload = payload;
            if (payload.hasKey("content") && !payload.isNull("content")) {
                shown.content = payload.getString("content");
            }
        }
        if (!files.isEmpty()) {
            shown.files = List.copyOf(files);
        }
        shown.history.add(shown.content);
    }

    private DataObject messageJson(Shown shown, int type) {
        DataArray attachments = DataArray.empty();
        for (Upload file : shown.files) {
            attachments.add(attachment(file.fileName(), "image/png", file.bytes()));
        }
        return DataObject.empty().put("id", shown.id).put("type", type).put("channel_id", shown.channelId)
                .put("application_id", APP_ID).put("webhook_id", APP_ID).put("author", bot())
                .put("content", shown.content == null ? "" : shown.content)
                .put("mentions", DataArray.empty()).put("mention_roles", DataArray.empty())
                .put("mention_everyone", false).put("pinned", false).put("tts", false)
                .put("timestamp", now().toString())
                .put("embeds", DataArray.empty()).put("components", DataArray.empty())
                .put("flags", shown.ephemeral ? EPHEMERAL : 0).put("attachments", attachments);
    }

    private static MockResponse unknownInteraction() {
        return json(404, DataObject.empty().put("code", 10062).put("message", "Unknown interaction"));
    }

    private static MockResponse unknownWebhook() {
        return json(404, DataObject.empty().put("code", 10015).put("message", "Unknown Webhook"));
    }

    private static MockResponse unknownMessage() {
        return json(404, DataObject.empty().put("code", 10008).put("message", "Unknown Message"));
    }

    private static MockResponse invalidFormBody(String detail) {
        return json(400, DataObject.empty().put("code", 50035).put("message", "Invalid Form Body (" + detail + ")"));
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
